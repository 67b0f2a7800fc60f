/*
 * VP8's forward 4x4 transform (vp8/encoder/dct.c) in WebAssembly SIMD,
 * bit-exact with the C version: its int arithmetic in 32-bit lanes (the
 * first pass over rows, a lane a row; the second over columns, a lane a
 * column), with the first pass's results cut to 16 bits as the C's short
 * buffer does.
 */
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"

static void transpose4(v128_t *a, v128_t *b, v128_t *c, v128_t *d) {
  v128_t ab_lo = wasm_i32x4_shuffle(*a, *b, 0, 4, 1, 5), ab_hi = wasm_i32x4_shuffle(*a, *b, 2, 6, 3, 7);
  v128_t cd_lo = wasm_i32x4_shuffle(*c, *d, 0, 4, 1, 5), cd_hi = wasm_i32x4_shuffle(*c, *d, 2, 6, 3, 7);
  *a = wasm_i64x2_shuffle(ab_lo, cd_lo, 0, 2);
  *b = wasm_i64x2_shuffle(ab_lo, cd_lo, 1, 3);
  *c = wasm_i64x2_shuffle(ab_hi, cd_hi, 0, 2);
  *d = wasm_i64x2_shuffle(ab_hi, cd_hi, 1, 3);
}

/* A short's value of each lane (the low 16 bits, sign-extended). */
static v128_t as_short(v128_t v) {
  return wasm_i32x4_shr(wasm_i32x4_shl(v, 16), 16);
}

static v128_t mul(v128_t v, int k) {
  return wasm_i32x4_mul(v, wasm_i32x4_splat(k));
}

void vp8_short_fdct4x4_simd128(short *input, short *output, int pitch) {
  const int step = pitch / 2;
  v128_t c0 = wasm_i32x4_load16x4(input), c1 = wasm_i32x4_load16x4(input + step);
  v128_t c2 = wasm_i32x4_load16x4(input + 2 * step), c3 = wasm_i32x4_load16x4(input + 3 * step);
  v128_t a1, b1, e1, d1, o0, o1, o2, o3, ne;
  /* Rows as loaded, columns after the transpose: lane r of ck is ip[k] of row r. */
  transpose4(&c0, &c1, &c2, &c3);
  a1 = mul(wasm_i32x4_add(c0, c3), 8);
  b1 = mul(wasm_i32x4_add(c1, c2), 8);
  e1 = mul(wasm_i32x4_sub(c1, c2), 8);
  d1 = mul(wasm_i32x4_sub(c0, c3), 8);
  o0 = as_short(wasm_i32x4_add(a1, b1));
  o2 = as_short(wasm_i32x4_sub(a1, b1));
  o1 = as_short(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(mul(e1, 2217), mul(d1, 5352)),
                                              wasm_i32x4_splat(14500)), 12));
  o3 = as_short(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(mul(d1, 2217), mul(e1, 5352)),
                                              wasm_i32x4_splat(7500)), 12));
  /* Back to rows: lane i of ok is op[4k + i]... of the intermediate block. */
  transpose4(&o0, &o1, &o2, &o3);
  a1 = wasm_i32x4_add(o0, o3);
  b1 = wasm_i32x4_add(o1, o2);
  e1 = wasm_i32x4_sub(o1, o2);
  d1 = wasm_i32x4_sub(o0, o3);
  c0 = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(a1, b1), wasm_i32x4_splat(7)), 4);
  c2 = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(a1, b1), wasm_i32x4_splat(7)), 4);
  /* + (d1 != 0): the comparison's all-ones is -1. */
  ne = wasm_i32x4_ne(d1, wasm_i32x4_splat(0));
  c1 = wasm_i32x4_sub(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(mul(e1, 2217), mul(d1, 5352)),
                                                    wasm_i32x4_splat(12000)), 16), ne);
  c3 = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(mul(d1, 2217), mul(e1, 5352)),
                                     wasm_i32x4_splat(51000)), 16);
  wasm_v128_store(output, wasm_i16x8_shuffle(c0, c1, 0, 2, 4, 6, 8, 10, 12, 14));
  wasm_v128_store(output + 8, wasm_i16x8_shuffle(c2, c3, 0, 2, 4, 6, 8, 10, 12, 14));
}

void vp8_short_fdct8x4_simd128(short *input, short *output, int pitch) {
  vp8_short_fdct4x4_simd128(input, output, pitch);
  vp8_short_fdct4x4_simd128(input + 4, output + 16, pitch);
}
