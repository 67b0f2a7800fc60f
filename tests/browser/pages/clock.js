// The wall clock as 32 black/white blocks in a video picture, for the call
// benchmarks (not part of the product): drawn into the sender's canvas,
// read back from the receiver's picture; the difference is glass-to-glass
// latency (both pages share the machine's clock).
export const BLOCK = 20, BITS = 32, BAND = 60;
export const nowMs = () => performance.timeOrigin + performance.now();

/** Paints the current time (ms, 32 bits) on a grey w x h background. */
export function drawClock(ctx, w, h) {
  const t = Math.floor(nowMs()) >>> 0;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, w, h);
  for (let i = 0; i < BITS; i++) {
    ctx.fillStyle = (t >>> (BITS - 1 - i)) & 1 ? '#fff' : '#000';
    ctx.fillRect(i * BLOCK, 0, BLOCK, BLOCK * 2);
  }
}

/**
 * A video track of the clock drawn on `canvas` (w x h) at the animation frame
 * nearest each of `fps` ticks a second, captured at `fps`; `marker`, if given,
 * is written across it, and `colour` (CSS) fills a band along the bottom (who
 * sent it, in a recording). Every benchmarked pipeline uses this one source,
 * so they pay the same for it.
 */
export function clockTrack(canvas, w, h, marker, colour, fps = 30) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  // A picture is drawn only when the capture can take it: an animation frame
  // comes every 16.7 ms, a little early or late.
  const every = 1000 / fps - 5;
  let last = -Infinity;
  canvas.drawn = 0;   // pictures drawn: what the "camera" gave, for a receiver's frame rate to be judged by
  const draw = (now) => {
    requestAnimationFrame(draw);
    if (now - last < every) return;
    last = now;
    canvas.drawn++;
    drawClock(ctx, w, h);
    if (marker) {
      ctx.fillStyle = '#ff0';
      ctx.font = 'bold 48px sans-serif';
      ctx.fillText(marker, 40, 200);
    }
    if (colour) {
      ctx.fillStyle = colour;
      ctx.fillRect(0, h - BAND, w, BAND);
    }
  };
  draw(performance.now());
  return canvas.captureStream(fps).getVideoTracks()[0];
}

/** The time drawn into `source` (a canvas or video), scaled to w x h on `probe`. */
export function readClock(probe, source, w, h) {
  probe.drawImage(source, 0, 0, w, h);
  const row = probe.getImageData(0, BLOCK, w, 1).data;
  let t = 0;
  for (let i = 0; i < BITS; i++) t = ((t << 1) | (row[(i * BLOCK + BLOCK / 2) * 4] > 128 ? 1 : 0)) >>> 0;
  return t;
}

/** Milliseconds from the time read back to now, or null when unreadable. */
export function latencyOf(readMs, atMs) {
  const lat = ((Math.floor(atMs) >>> 0) - readMs) >>> 0;
  return lat < 5000 ? lat : null;
}
