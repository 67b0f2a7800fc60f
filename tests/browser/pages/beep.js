// Audio latency probes for the call benchmarks (not part of the product).
// beepTrack(): a microphone stand-in that beeps (1 kHz, 60 ms) at every
// whole second of wall-clock time. detectBeeps(): reports when a beep's
// onset is heard on the receiving side, as wall-clock ms; the latency is
// that time's distance from the whole second.
import { nowMs } from '/test/clock.js';

/** Context time for wall-clock ms, from the context's own timestamp pair. */
function contextTimeOf(ctx, wallMs) {
  const ts = ctx.getOutputTimestamp();
  const perfNow = ts.performanceTime ?? performance.now();
  return ts.contextTime + (wallMs - performance.timeOrigin - perfNow) / 1000;
}

export async function beepTrack() {
  const ctx = new AudioContext({ sampleRate: 48000 });
  ctx.resume();
  const osc = ctx.createOscillator();
  osc.frequency.value = 1000;
  const gain = ctx.createGain();
  gain.gain.value = 0;
  const dest = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  let next = Math.ceil(nowMs() / 1000) * 1000 + 1000;
  const schedule = () => {
    // Keep the next two beeps scheduled.
    while (next < nowMs() + 2000) {
      const t = contextTimeOf(ctx, next);
      if (t > ctx.currentTime) {
        gain.gain.setValueAtTime(0.5, t);
        gain.gain.setValueAtTime(0, t + 0.06);
      }
      next += 1000;
    }
  };
  schedule();
  setInterval(schedule, 250);
  return dest.stream.getAudioTracks()[0];
}

/**
 * Listens to `node` (an AudioNode in ctx) and calls onLatency(ms) for each
 * beep onset: wall-clock ms of the onset minus the whole second.
 */
export async function detectBeeps(ctx, node, onLatency) {
  await ctx.audioWorklet.addModule('/test/beep-detector-worklet.js');
  const det = new AudioWorkletNode(ctx, 'bb-beep-detector', { numberOfInputs: 1, numberOfOutputs: 0 });
  det.port.onmessage = (ev) => {
    const ts = ctx.getOutputTimestamp();
    const perf = (ts.performanceTime ?? performance.now()) + (ev.data - ts.contextTime) * 1000;
    const wall = performance.timeOrigin + perf;
    const lat = wall - Math.floor(wall / 1000) * 1000;
    onLatency(lat);
  };
  node.connect(det);
  return det;
}
