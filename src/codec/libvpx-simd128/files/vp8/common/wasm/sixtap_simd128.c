/*
 * VP8's six-tap sub-pixel prediction (vp8/common/filter.c) in WebAssembly
 * SIMD, bit-exact with the C version. VP8's taps 1 and 4 are never
 * positive and the others never negative, so a pass is P - N with P (the
 * positive taps, at most 160 * 255) and N (at most 32 * 255) each exact in
 * 16 unsigned bits: (P + 64 - N) >> 7, saturating at 0 and narrowed with
 * saturation at 255, is the C's rounded, clamped sum.
 */
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"
#include "vp8/common/filter.h"

typedef struct {
  v128_t t0, t1, t2, t3, t4, t5; /* |tap| in 16-bit lanes */
} taps;

static taps taps_of(int offset) {
  const short *f = vp8_sub_pel_filters[offset];
  taps t;
  t.t0 = wasm_i16x8_splat(f[0]);
  t.t1 = wasm_i16x8_splat((short)-f[1]);
  t.t2 = wasm_i16x8_splat(f[2]);
  t.t3 = wasm_i16x8_splat(f[3]);
  t.t4 = wasm_i16x8_splat((short)-f[4]);
  t.t5 = wasm_i16x8_splat(f[5]);
  return t;
}

/* Eight results from the six inputs around them (16-bit lanes, 0..255). */
static v128_t six(const taps *t, v128_t a, v128_t b, v128_t c, v128_t d, v128_t e, v128_t f) {
  v128_t p = wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(a, t->t0), wasm_i16x8_mul(c, t->t2)),
                            wasm_i16x8_add(wasm_i16x8_mul(d, t->t3), wasm_i16x8_mul(f, t->t5)));
  v128_t n = wasm_i16x8_add(wasm_i16x8_mul(b, t->t1), wasm_i16x8_mul(e, t->t4));
  return wasm_u16x8_shr(wasm_u16x8_sub_sat(wasm_i16x8_add(p, wasm_i16x8_splat(64)), n), 7);
}

#define LO(v) wasm_u16x8_extend_low_u8x16(v)
#define HI(v) wasm_u16x8_extend_high_u8x16(v)

/* Sixteen pixels of a row filtered across. */
static v128_t across16(const unsigned char *s, const taps *t) {
  v128_t a = wasm_v128_load(s - 2), b = wasm_v128_load(s - 1), c = wasm_v128_load(s);
  v128_t d = wasm_v128_load(s + 1), e = wasm_v128_load(s + 2), f = wasm_v128_load(s + 3);
  return wasm_u8x16_narrow_i16x8(six(t, LO(a), LO(b), LO(c), LO(d), LO(e), LO(f)),
                                 six(t, HI(a), HI(b), HI(c), HI(d), HI(e), HI(f)));
}

/* Eight pixels of a row filtered across (in the low half). */
static v128_t across8(const unsigned char *s, const taps *t) {
  v128_t r = six(t, wasm_u16x8_load8x8(s - 2), wasm_u16x8_load8x8(s - 1), wasm_u16x8_load8x8(s),
                 wasm_u16x8_load8x8(s + 1), wasm_u16x8_load8x8(s + 2), wasm_u16x8_load8x8(s + 3));
  return wasm_u8x16_narrow_i16x8(r, r);
}

/* Row r of the output from rows r - 2 .. r + 3 of the first pass. */
static v128_t down(const v128_t *rows, const taps *t, int wide) {
  v128_t lo = six(t, LO(rows[0]), LO(rows[1]), LO(rows[2]), LO(rows[3]), LO(rows[4]), LO(rows[5]));
  v128_t hi = wide ? six(t, HI(rows[0]), HI(rows[1]), HI(rows[2]), HI(rows[3]), HI(rows[4]), HI(rows[5]))
                   : lo;
  return wasm_u8x16_narrow_i16x8(lo, hi);
}

/* w (16 or 8) x h, as the C version: across (rows -2 .. h + 2), then down.
 * Offset 0 is the identity filter in either direction and is skipped. */
static void predict(unsigned char *src, int src_stride, int xoffset, int yoffset,
                    unsigned char *dst, int dst_pitch, int w, int h) {
  v128_t rows[21];
  const taps tx = taps_of(xoffset), ty = taps_of(yoffset);
  int r;
  for (r = -2; r < h + 3; r++) {
    unsigned char *s = src + r * src_stride;
    if (xoffset == 0)
      rows[r + 2] = w == 16 ? wasm_v128_load(s) : wasm_v128_load64_zero(s);
    else
      rows[r + 2] = w == 16 ? across16(s, &tx) : across8(s, &tx);
  }
  for (r = 0; r < h; r++) {
    v128_t out = yoffset == 0 ? rows[r + 2] : down(rows + r, &ty, w == 16);
    if (w == 16)
      wasm_v128_store(dst + r * dst_pitch, out);
    else
      wasm_v128_store64_lane(dst + r * dst_pitch, out, 0);
  }
}

void vp8_sixtap_predict16x16_simd128(unsigned char *src_ptr, int src_pixels_per_line,
                                     int xoffset, int yoffset, unsigned char *dst_ptr,
                                     int dst_pitch) {
  predict(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 16, 16);
}

void vp8_sixtap_predict8x8_simd128(unsigned char *src_ptr, int src_pixels_per_line,
                                   int xoffset, int yoffset, unsigned char *dst_ptr,
                                   int dst_pitch) {
  predict(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 8, 8);
}

void vp8_sixtap_predict8x4_simd128(unsigned char *src_ptr, int src_pixels_per_line,
                                   int xoffset, int yoffset, unsigned char *dst_ptr,
                                   int dst_pitch) {
  predict(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 8, 4);
}
