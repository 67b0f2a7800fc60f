// What a browser must have to take part in a call, checked before anything
// is used: a one-time invitation link is not spent in a browser that cannot
// make the call, and the person is told what to do instead.
//   webrtc   RTCPeerConnection with data channels (the transport to the SFU)
//   wasm     WebAssembly (the engine: codecs and end-to-end encryption)
//   worker   Web Workers (the engine runs in one)
//   media    camera and microphone access (navigator.mediaDevices)
//   audio    AudioWorklet (playing and capturing sound)

/** The names of what is missing, in the order above; empty when a call can be made. */
export function missingForCall(g = globalThis) {
  const missing = [];
  const pc = g.RTCPeerConnection;
  if (typeof pc !== 'function' || typeof pc.prototype?.createDataChannel !== 'function') missing.push('webrtc');
  if (typeof g.WebAssembly !== 'object' || typeof g.WebAssembly?.instantiate !== 'function') missing.push('wasm');
  if (typeof g.Worker !== 'function') missing.push('worker');
  if (typeof g.navigator?.mediaDevices?.getUserMedia !== 'function') missing.push('media');
  if (typeof g.AudioWorkletNode !== 'function') missing.push('audio');
  return missing;
}
