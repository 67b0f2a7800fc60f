// Camera frames to packed I420 (what the VP8 encoder takes) at the camera's
// own size; the engine scales them (C, media_scale_i420) to the size it
// plans. Runs in the engine Worker, so the page only hands frames over. A
// VideoFrame that is already YUV is copied out plane by plane; an RGB one is
// copied out and converted (BT.601, limited range, like libvpx expects); one
// the browser keeps opaque (a GPU texture) is drawn on an OffscreenCanvas.

/** Packed I420 size for w x h (both even). */
export const i420Size = (w, h) => w * h * 3 / 2;

/**
 * 4-byte pixels (RGBA/RGBX, or BGRA/BGRX with bgr) to packed I420, BT.601
 * limited range, two rows at a time: chroma is the 2x2 block's average.
 */
export function rgbaToI420(px, w, h, out = new Uint8Array(i420Size(w, h)), { bgr = false, stride = w * 4 } = {}) {
  const ri = bgr ? 2 : 0, bi = bgr ? 0 : 2;
  let u = w * h, v = u + (w >> 1) * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p = y * stride, q = p + stride, y0 = y * w, y1 = y0 + w;
    for (let x = 0; x < w; x += 2, p += 8, q += 8) {
      const r0 = px[p + ri], g0 = px[p + 1], b0 = px[p + bi];
      const r1 = px[p + 4 + ri], g1 = px[p + 5], b1 = px[p + 4 + bi];
      const r2 = px[q + ri], g2 = px[q + 1], b2 = px[q + bi];
      const r3 = px[q + 4 + ri], g3 = px[q + 5], b3 = px[q + 4 + bi];
      out[y0++] = ((66 * r0 + 129 * g0 + 25 * b0 + 128) >> 8) + 16;
      out[y0++] = ((66 * r1 + 129 * g1 + 25 * b1 + 128) >> 8) + 16;
      out[y1++] = ((66 * r2 + 129 * g2 + 25 * b2 + 128) >> 8) + 16;
      out[y1++] = ((66 * r3 + 129 * g3 + 25 * b3 + 128) >> 8) + 16;
      const r = (r0 + r1 + r2 + r3) >> 2, g = (g0 + g1 + g2 + g3) >> 2, b = (b0 + b1 + b2 + b3) >> 2;
      out[u++] = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
      out[v++] = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    }
  }
  return out;
}

const YUV = new Set(['I420', 'I420A', 'NV12']);
const RGB = { RGBA: false, RGBX: false, BGRA: true, BGRX: true };

/**
 * A camera picture as packed I420 at its own size (cropped to even): the
 * engine scales it to the size it plans. `src` is a VideoFrame (not closed
 * here: the caller owns it) or { rgba, width, height } from a canvas.
 * `run` runs the synchronous pixel work (the Worker counts it as busy).
 * Resolves with { i420, width, height }.
 */
export async function toI420(src, run = (fn) => fn()) {
  if (src.rgba) {
    const w = src.width & ~1, h = src.height & ~1;
    return { i420: run(() => rgbaToI420(src.rgba, w, h, undefined, { stride: src.width * 4 })), width: w, height: h };
  }
  const fw = src.visibleRect.width, fh = src.visibleRect.height, w = fw & ~1, h = fh & ~1;
  try {
    if (YUV.has(src.format) && fw === w && fh === h) return { i420: await yuvToI420(src, w, h, run), width: w, height: h };
    if (src.format in RGB) {
      const px = new Uint8Array(fw * fh * 4);
      await src.copyTo(px, { layout: [{ offset: 0, stride: fw * 4 }] });
      return { i420: run(() => rgbaToI420(px, w, h, undefined, { bgr: RGB[src.format], stride: fw * 4 })), width: w, height: h };
    }
  } catch (e) {
    if (typeof OffscreenCanvas === 'undefined') throw e;
  }
  return { i420: run(() => viaCanvas(src, w, h)), width: w, height: h };
}

// A YUV frame of even size w x h, plane by plane (NV12's chroma split).
async function yuvToI420(frame, w, h, run) {
  const cw = w >> 1, ch = h >> 1, ySize = w * h;
  const out = new Uint8Array(i420Size(w, h));
  const planar = [{ offset: 0, stride: w }, { offset: ySize, stride: cw }, { offset: ySize + cw * ch, stride: cw }];
  if (frame.format === 'I420') {
    await frame.copyTo(out, { layout: planar });
    return out;
  }
  if (frame.format === 'I420A') {
    const buf = new Uint8Array(ySize * 2 + cw * ch * 2);
    await frame.copyTo(buf, { layout: [...planar, { offset: ySize + 2 * cw * ch, stride: w }] });
    out.set(buf.subarray(0, out.length));
    return out;
  }
  const buf = new Uint8Array(ySize + 2 * cw * ch);   // NV12
  await frame.copyTo(buf, { layout: [{ offset: 0, stride: w }, { offset: ySize, stride: w }] });
  return run(() => {
    out.set(buf.subarray(0, ySize));
    for (let i = 0, j = ySize, u = ySize, v = ySize + cw * ch; i < cw * ch; i++, j += 2) {
      out[u + i] = buf[j];
      out[v + i] = buf[j + 1];
    }
    return out;
  });
}

let canvas = null, ctx = null;   // reused: one camera per Worker
function viaCanvas(frame, w, h) {
  if (!canvas || canvas.width !== w || canvas.height !== h) {
    canvas = new OffscreenCanvas(w, h);
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  ctx.drawImage(frame, 0, 0, w, h);
  return rgbaToI420(ctx.getImageData(0, 0, w, h).data, w, h);
}
