/*
 * VP8's forward 4x4 transform (vp8/encoder/dct.c) in WebAssembly SIMD,
 * bit-exact with the C version: its int arithmetic in 32-bit lanes (the
 * first pass over rows, a lane a row; the second over columns, a lane a
 * column), with the first pass's results cut to 16 bits as the C's short
 * buffer does.
 */
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"
#include "vp8/common/wasm/simd128.h"

static v128_t mul(v128_t v, int k) {
  return wasm_i32x4_mul(v, wasm_i32x4_splat(k));
}

void vp8_short_fdct4x4_simd128(short *input, short *output, int pitch) {
  const int step = pitch / 2;
  v128_t c0 = wasm_i32x4_load16x4(input), c1 = wasm_i32x4_load16x4(input + step);
  v128_t c2 = wasm_i32x4_load16x4(input + 2 * step), c3 = wasm_i32x4_load16x4(input + 3 * step);
  v128_t a1, b1, e1, d1, o0, o1, o2, o3, ne;
  /* Rows as loaded, columns after the transpose: lane r of ck is ip[k] of row r. */
  vp8_simd128_transpose4(&c0, &c1, &c2, &c3);
  a1 = mul(wasm_i32x4_add(c0, c3), 8);
  b1 = mul(wasm_i32x4_add(c1, c2), 8);
  e1 = mul(wasm_i32x4_sub(c1, c2), 8);
  d1 = mul(wasm_i32x4_sub(c0, c3), 8);
  o0 = vp8_simd128_as_short(wasm_i32x4_add(a1, b1));
  o2 = vp8_simd128_as_short(wasm_i32x4_sub(a1, b1));
  o1 = vp8_simd128_as_short(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(mul(e1, 2217), mul(d1, 5352)),
                                              wasm_i32x4_splat(14500)), 12));
  o3 = vp8_simd128_as_short(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(mul(d1, 2217), mul(e1, 5352)),
                                              wasm_i32x4_splat(7500)), 12));
  /* Back to rows: lane i of ok is op[4k + i]... of the intermediate block. */
  vp8_simd128_transpose4(&o0, &o1, &o2, &o3);
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
  wasm_v128_store(output, vp8_simd128_pack_low16(c0, c1));
  wasm_v128_store(output + 8, vp8_simd128_pack_low16(c2, c3));
}

void vp8_short_fdct8x4_simd128(short *input, short *output, int pitch) {
  vp8_short_fdct4x4_simd128(input, output, pitch);
  vp8_short_fdct4x4_simd128(input + 4, output + 16, pitch);
}
