// What a browser must have to take part in a call, checked before anything
// is used: a one-time invitation link is not spent in a browser that cannot
// make the call, and the person is told what to do instead.
//   webrtc   RTCPeerConnection with data channels (the transport to the SFU)
//   wasm     WebAssembly (the engine: codecs and end-to-end encryption)
//   worker   Web Workers (the engine runs in one)
//   media    camera and microphone access (navigator.mediaDevices)
//   audio    AudioWorklet (playing and capturing sound)

// The smallest module that uses a WebAssembly SIMD instruction (a function
// returning i8x16.splat of 0): a browser that validates it runs the engine
// built with libvpx's SIMD kernels.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

/** True where WebAssembly has SIMD (128-bit vectors). */
export function hasWasmSimd(g = globalThis) {
  try { return !!g.WebAssembly?.validate(SIMD_PROBE); } catch { return false; }
}

/** The engine module's file for this browser: with SIMD kernels where it has them. */
export const engineWasmName = (simd = hasWasmSimd()) => (simd ? 'beeldbel-engine-simd128.wasm' : 'beeldbel-engine.wasm');

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
