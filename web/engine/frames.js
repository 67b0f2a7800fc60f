// Camera frames to packed I420 (what the VP8 encoder takes) at the size the
// engine asks for. Runs in the engine Worker, so the page only hands frames
// over. A VideoFrame that is already YUV is copied out plane by plane (and
// box-scaled if its size differs); an RGB one is copied out and converted
// (BT.601, limited range, like libvpx expects); one the browser keeps
// opaque (a GPU texture) is drawn on an OffscreenCanvas first.

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

/** Box-filter scale of one plane (nearest when enlarging). */
export function scalePlane(src, sw, sh, sstride, dst, off, dw, dh) {
  const x0s = new Int32Array(dw), x1s = new Int32Array(dw);
  for (let x = 0; x < dw; x++) {
    x0s[x] = Math.floor(x * sw / dw);
    x1s[x] = Math.max(x0s[x] + 1, Math.floor((x + 1) * sw / dw));
  }
  for (let y = 0, o = off; y < dh; y++) {
    const y0 = Math.floor(y * sh / dh), y1 = Math.max(y0 + 1, Math.floor((y + 1) * sh / dh));
    for (let x = 0; x < dw; x++, o++) {
      const x0 = x0s[x], x1 = x1s[x];
      let sum = 0;
      for (let row = y0 * sstride; row < y1 * sstride; row += sstride) {
        for (let i = row + x0; i < row + x1; i++) sum += src[i];
      }
      const n = (y1 - y0) * (x1 - x0);
      dst[o] = ((sum + (n >> 1)) / n) | 0;
    }
  }
}

const YUV = new Set(['I420', 'I420A', 'NV12']);
const RGB = { RGBA: false, RGBX: false, BGRA: true, BGRX: true };

/**
 * A camera picture as packed I420 of w x h. `src` is a VideoFrame (not
 * closed here: the caller owns it) or { rgba, width, height } from a canvas.
 * `run` runs the synchronous pixel work (the Worker counts it as busy).
 */
export async function toI420(src, w, h, run = (fn) => fn()) {
  if (src.rgba) {
    if (src.width !== w || src.height !== h) throw new Error(`canvas frame ${src.width}x${src.height}, want ${w}x${h}`);
    return run(() => rgbaToI420(src.rgba, w, h));
  }
  const fw = src.visibleRect.width, fh = src.visibleRect.height;
  try {
    if (YUV.has(src.format)) return await yuvToI420(src, fw, fh, w, h, run);
    if (src.format in RGB && (fw === w && fh === h || typeof OffscreenCanvas === 'undefined')) {
      const px = new Uint8Array(fw * fh * 4);
      await src.copyTo(px, { layout: [{ offset: 0, stride: fw * 4 }] });
      return run(() => {
        const i420 = rgbaToI420(px, fw & ~1, fh & ~1, undefined, { bgr: RGB[src.format], stride: fw * 4 });
        return fw === w && fh === h ? i420 : scaleI420(i420, fw & ~1, fh & ~1, w, h);
      });
    }
  } catch (e) {
    if (typeof OffscreenCanvas === 'undefined') throw e;
  }
  return run(() => viaCanvas(src, w, h));
}

/** Packed I420 sw x sh to packed I420 w x h. */
export function scaleI420(src, sw, sh, w, h) {
  const out = new Uint8Array(i420Size(w, h));
  const sy = sw * sh, sc = (sw >> 1) * (sh >> 1), dy = w * h, dc = (w >> 1) * (h >> 1);
  scalePlane(src, sw, sh, sw, out, 0, w, h);
  scalePlane(src.subarray(sy), sw >> 1, sh >> 1, sw >> 1, out, dy, w >> 1, h >> 1);
  scalePlane(src.subarray(sy + sc), sw >> 1, sh >> 1, sw >> 1, out, dy + dc, w >> 1, h >> 1);
  return out;
}

async function yuvToI420(frame, fw, fh, w, h, run) {
  const cw = (fw + 1) >> 1, ch = (fh + 1) >> 1, ySize = fw * fh;
  const out = new Uint8Array(i420Size(w, h));
  if (frame.format !== 'NV12' && fw === w && fh === h) {
    // The common case: the camera already gives I420 at our size.
    const layout = [{ offset: 0, stride: w }, { offset: ySize, stride: cw }, { offset: ySize + cw * ch, stride: cw }];
    if (frame.format === 'I420A') {
      const buf = new Uint8Array(ySize * 2 + cw * ch * 2);
      await frame.copyTo(buf, { layout: [...layout, { offset: ySize + 2 * cw * ch, stride: fw }] });
      out.set(buf.subarray(0, out.length));
    } else {
      await frame.copyTo(out, { layout });
    }
    return out;
  }
  const buf = new Uint8Array(ySize + 2 * cw * ch + (frame.format === 'I420A' ? ySize : 0));
  const nv12 = frame.format === 'NV12';
  if (nv12) {
    await frame.copyTo(buf, { layout: [{ offset: 0, stride: fw }, { offset: ySize, stride: cw * 2 }] });
  } else {
    const layout = [{ offset: 0, stride: fw }, { offset: ySize, stride: cw }, { offset: ySize + cw * ch, stride: cw }];
    if (frame.format === 'I420A') layout.push({ offset: ySize + 2 * cw * ch, stride: fw });
    await frame.copyTo(buf, { layout });
  }
  return run(() => {
    let u = buf.subarray(ySize, ySize + cw * ch), v = buf.subarray(ySize + cw * ch, ySize + 2 * cw * ch);
    if (nv12) {
      u = new Uint8Array(cw * ch); v = new Uint8Array(cw * ch);
      for (let i = 0, j = ySize; i < cw * ch; i++, j += 2) { u[i] = buf[j]; v[i] = buf[j + 1]; }
    }
    const yOut = w * h, cOut = (w >> 1) * (h >> 1);
    scalePlane(buf, fw, fh, fw, out, 0, w, h);
    scalePlane(u, cw, ch, cw, out, yOut, w >> 1, h >> 1);
    scalePlane(v, cw, ch, cw, out, yOut + cOut, w >> 1, h >> 1);
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
