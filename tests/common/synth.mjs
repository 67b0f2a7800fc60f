// The same deterministic test frames as tests/common/synth.c, in JavaScript,
// so the WASM engine (through its JS glue) can be compared with native C.
function xorshift(s) {
  let x = s.v;
  x ^= x << 13; x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5; x >>>= 0;
  s.v = x;
  return x;
}

export function synthVideoFrame(w, h, t) {
  const out = new Uint8Array(w * h * 3 / 2);
  const s = { v: (0x9e3779b9 ^ t) >>> 0 };
  const bx = (t * 7) % (w - 64 > 0 ? w - 64 : 1);
  const by = (t * 3) % (h - 64 > 0 ? h - 64 : 1);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let val = (Math.trunc(c * 255 / w) + Math.trunc(r * 64 / h)) & 0xff;
      if (c >= bx && c < bx + 64 && r >= by && r < by + 64) val = 235 - Math.trunc(val / 4);
      val += (xorshift(s) & 3) - 1;
      out[r * w + c] = val < 16 ? 16 : val > 235 ? 235 : val;
    }
  }
  const u = w * h, v = u + (w / 2) * (h / 2);
  for (let r = 0; r < h / 2; r++) {
    for (let c = 0; c < w / 2; c++) {
      out[u + r * (w / 2) + c] = 128 + Math.trunc((c - w / 4) * 40 / w);
      out[v + r * (w / 2) + c] = 128 + Math.trunc((r - h / 4) * 40 / h);
    }
  }
  return out;
}
