// Microphone in and speaker out through AudioWorklets (audio-worklet.js).
// One 48 kHz AudioContext for both; frames are Int16Array(960) (20 ms).

/** Creates the shared context and loads the worklet module. */
export async function createAudio() {
  const ctx = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  await ctx.audioWorklet.addModule(new URL('./audio-worklet.js', import.meta.url));
  return ctx;
}

/**
 * Captures the microphone track; onFrame(Int16Array(960)) is called every
 * 20 ms. Returns { stop }.
 */
export function captureMicrophone(ctx, track, onFrame) {
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const node = new AudioWorkletNode(ctx, 'bb-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
  node.port.onmessage = (ev) => onFrame(ev.data);
  source.connect(node);
  return { stop() { source.disconnect(); node.port.onmessage = null; } };
}

/** A speaker output: push(Int16Array) frames; stats() from the last report. */
export function createPlayback(ctx) {
  const node = new AudioWorkletNode(ctx, 'bb-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2] });
  node.connect(ctx.destination);
  let last = { frames: 0, underruns: 0, dropped: 0 };
  node.port.onmessage = (ev) => { if (ev.data && ev.data.stats) last = ev.data.stats; };
  return {
    node,
    push(pcm) { node.port.postMessage(pcm, [pcm.buffer]); },
    stats: () => last,
    stop() { node.disconnect(); },
  };
}
