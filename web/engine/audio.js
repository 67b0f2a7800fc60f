// Microphone in and speaker out through AudioWorklets (audio-worklet.js).
// One 48 kHz AudioContext for both; frames are Int16Array(960) (20 ms). In a
// call each worklet gets a MessagePort to the engine Worker, so PCM goes
// between the audio thread and the Worker without waiting for the page.

/** Creates the shared context and loads the worklet module (from url: by default beside this file). */
export async function createAudio(url = new URL('./audio-worklet.js', import.meta.url)) {
  const ctx = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  await ctx.audioWorklet.addModule(url);
  return ctx;
}

/**
 * Captures the microphone track in 20 ms frames. `sink` is a MessagePort
 * (frames {pcm, end} go there, from the audio thread) or a function
 * onFrame(Int16Array(960)) called on this thread. Returns { stop, setOn }:
 * setOn(false) stops sending (the worklet keeps running).
 */
export function captureMicrophone(ctx, track, sink) {
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const node = new AudioWorkletNode(ctx, 'bb-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
  if (typeof sink === 'function') node.port.onmessage = (ev) => sink(ev.data.pcm);
  else node.port.postMessage({ port: sink }, [sink]);
  source.connect(node);
  let on = true;
  return {
    setOn(v) { if (v !== on) { on = v; node.port.postMessage({ on }); } },
    stop() { source.disconnect(); node.port.postMessage({ on: false }); node.port.onmessage = null; },
  };
}

/**
 * A speaker output: frames come on `port` (from the engine Worker) when
 * given, and from push(Int16Array); stats() from the last report.
 */
export function createPlayback(ctx, port) {
  const node = new AudioWorkletNode(ctx, 'bb-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2] });
  node.connect(ctx.destination);
  if (port) node.port.postMessage({ port }, [port]);
  let last = { frames: 0, underruns: 0, dropped: 0 };
  node.port.onmessage = (ev) => { if (ev.data && ev.data.stats) last = ev.data.stats; };
  return {
    node,
    push(pcm) { node.port.postMessage(pcm, [pcm.buffer]); },
    stats: () => last,
    stop() { node.disconnect(); },
  };
}
