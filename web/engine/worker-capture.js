// Camera and microphone as the engine Worker reads them. Where the browser
// has MediaStreamTrackProcessor the page transfers each track's stream here
// and never sees a frame or a sample; elsewhere frames come from the page
// and the microphone from an AudioWorklet over its own port (audio.js).
// Reading only when the last item has been taken, with the processor
// keeping only the newest frames, leaves no queue: a queue is latency.

const RATE = 48000;
const FRAME = 960;                 // 20 ms: the engine's Opus frame
const MIC_MAX_AGE_US = 200000;
const MIC_WINDOW_US = 2e6;

/**
 * Microphone frames carry the audio clock's time: their capture time is that
 * clock mapped onto ours by the smallest offset seen (the frame that waited
 * least), over the last 2–4 s, so the time a frame waited for this Worker is
 * not taken for capture time. Returns (clockUs, nowUs) -> captureUs, or null
 * for a frame that waited longer than MIC_MAX_AGE_US (dropped: a queue here
 * is latency).
 */
export function micClock() {
  let mins = [Infinity, Infinity], windowStart = 0, lastAt = 0;
  return (clock, now) => {
    // A gap (microphone off, context suspended) may have moved the clocks apart: start over.
    if (now - lastAt > 1e6) { mins = [Infinity, Infinity]; windowStart = now; }
    lastAt = now;
    if (now - windowStart > MIC_WINDOW_US) { mins = [mins[1], Infinity]; windowStart = now; }
    mins[1] = Math.min(mins[1], now - clock);
    const captureUs = clock + Math.min(mins[0], mins[1]);
    return now - captureUs > MIC_MAX_AGE_US ? null : captureUs;
  };
}

/**
 * Reads a transferred stream until it ends or stop() is called; each item
 * goes to take(item) (awaited), only while on. Returns { on, stop }.
 */
function readStream(stream, take, close) {
  const reader = stream.getReader();
  const r = { on: false, stopped: false, stop() { this.stopped = true; reader.cancel().catch(() => {}); } };
  (async () => {
    for (;;) {
      let x;
      try { x = await reader.read(); } catch { return; }
      if (x.done) return;
      try {
        if (r.on && !r.stopped) await take(x.value);
      } finally {
        close(x.value);
      }
    }
  })();
  return r;
}

/** Camera frames (VideoFrame) to onFrame(frame, captureMs); the frame is closed after. */
export function readCamera(stream, onFrame) {
  return readStream(stream, (frame) => onFrame(frame, performance.timeOrigin + performance.now()), (f) => f.close());
}

/**
 * Microphone AudioData to onFrame(Int16Array(960), clockUs) in 20 ms frames,
 * clockUs the track's time after the frame's last sample. onRate(rate) once
 * if the track is not at 48 kHz (the page then captures through the worklet,
 * which resamples), and reading stops.
 */
export function readMicrophone(stream, onFrame, onRate) {
  let pcm = new Int16Array(FRAME), fill = 0, f32 = new Float32Array(FRAME), next = 0;
  const r = readStream(stream, (data) => {
    if (data.sampleRate !== RATE) { r.stop(); onRate(data.sampleRate); return; }
    const n = data.numberOfFrames;
    // Samples left from before a gap (microphone off) belong to no frame.
    if (Math.abs(data.timestamp - next) > 5000) fill = 0;
    next = data.timestamp + n * 1e6 / RATE;
    if (f32.length < n) f32 = new Float32Array(n);
    data.copyTo(f32, { planeIndex: 0, format: 'f32-planar' });
    for (let i = 0; i < n; i++) {
      const s = Math.max(-1, Math.min(1, f32[i]));
      pcm[fill++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (fill === FRAME) {
        onFrame(pcm, data.timestamp + (i + 1) * 1e6 / RATE);
        pcm = new Int16Array(FRAME);
        fill = 0;
      }
    }
  }, (d) => d.close());
  return r;
}
