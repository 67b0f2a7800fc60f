/*
 * VP8's inverse transforms and their adds (vp8/common/idctllm.c,
 * dequantize.c, idct_blk.c) in WebAssembly SIMD, bit-exact with the C
 * versions: the C's int arithmetic in 32-bit lanes (a lane a column, then
 * a lane a row), its short buffer's truncation kept, the prediction added
 * and clamped by saturating narrowing.
 */
#include <string.h>
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"
#include "vp8/common/wasm/simd128.h"
#include "vpx_dsp/wasm/mem_simd128.h"

void vp8_dc_only_idct_add_simd128(short input_dc, unsigned char *pred_ptr, int pred_stride,
                                  unsigned char *dst_ptr, int dst_stride) {
  const v128_t a1 = wasm_i16x8_splat((int16_t)((input_dc + 4) >> 3));
  v128_t p = simd128_load_4x4(pred_ptr, pred_stride);
  p = wasm_u8x16_narrow_i16x8(wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(p), a1),
                              wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(p), a1));
  simd128_store_4x4(dst_ptr, dst_stride, p);
}

/* (x * k) >> 16 */
static v128_t mulhi(v128_t x, int k) {
  return wasm_i32x4_shr(wasm_i32x4_mul(x, wasm_i32x4_splat(k)), 16);
}

/* One pass of the 1-D transform over four vectors (x0..x3 the transform's
 * inputs 0..3, a lane each of four transforms). */
static void idct4(v128_t *x0, v128_t *x1, v128_t *x2, v128_t *x3) {
  v128_t a1 = wasm_i32x4_add(*x0, *x2), b1 = wasm_i32x4_sub(*x0, *x2);
  v128_t c1 = wasm_i32x4_sub(mulhi(*x1, 35468), wasm_i32x4_add(*x3, mulhi(*x3, 20091)));
  v128_t d1 = wasm_i32x4_add(wasm_i32x4_add(*x1, mulhi(*x1, 20091)), mulhi(*x3, 35468));
  *x0 = wasm_i32x4_add(a1, d1);
  *x3 = wasm_i32x4_sub(a1, d1);
  *x1 = wasm_i32x4_add(b1, c1);
  *x2 = wasm_i32x4_sub(b1, c1);
}

void vp8_short_idct4x4llm_simd128(short *input, unsigned char *pred_ptr, int pred_stride,
                                  unsigned char *dst_ptr, int dst_stride) {
  const v128_t four = wasm_i32x4_splat(4);
  /* Rows of the input: lane i of rk is ip[4k] of column i. */
  v128_t r0 = wasm_i32x4_load16x4(input), r1 = wasm_i32x4_load16x4(input + 4);
  v128_t r2 = wasm_i32x4_load16x4(input + 8), r3 = wasm_i32x4_load16x4(input + 12);
  v128_t p, lo, hi;
  idct4(&r0, &r1, &r2, &r3);
  r0 = vp8_simd128_as_short(r0);
  r1 = vp8_simd128_as_short(r1);
  r2 = vp8_simd128_as_short(r2);
  r3 = vp8_simd128_as_short(r3);
  /* Now a lane a row: rk holds element k of each row. */
  vp8_simd128_transpose4(&r0, &r1, &r2, &r3);
  idct4(&r0, &r1, &r2, &r3);
  r0 = wasm_i32x4_shr(wasm_i32x4_add(r0, four), 3);
  r1 = wasm_i32x4_shr(wasm_i32x4_add(r1, four), 3);
  r2 = wasm_i32x4_shr(wasm_i32x4_add(r2, four), 3);
  r3 = wasm_i32x4_shr(wasm_i32x4_add(r3, four), 3);
  vp8_simd128_transpose4(&r0, &r1, &r2, &r3);
  /* Rows again, as shorts, plus the prediction, clamped to 0..255. */
  p = simd128_load_4x4(pred_ptr, pred_stride);
  lo = wasm_u16x8_extend_low_u8x16(p);
  hi = wasm_u16x8_extend_high_u8x16(p);
  r0 = wasm_i32x4_add(vp8_simd128_as_short(r0), wasm_u32x4_extend_low_u16x8(lo));
  r1 = wasm_i32x4_add(vp8_simd128_as_short(r1), wasm_u32x4_extend_high_u16x8(lo));
  r2 = wasm_i32x4_add(vp8_simd128_as_short(r2), wasm_u32x4_extend_low_u16x8(hi));
  r3 = wasm_i32x4_add(vp8_simd128_as_short(r3), wasm_u32x4_extend_high_u16x8(hi));
  simd128_store_4x4(dst_ptr, dst_stride, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(r0, r1),
                                                        wasm_i16x8_narrow_i32x4(r2, r3)));
}

void vp8_dequant_idct_add_simd128(short *input, short *dq, unsigned char *dest, int stride) {
  wasm_v128_store(input, wasm_i16x8_mul(wasm_v128_load(input), wasm_v128_load(dq)));
  wasm_v128_store(input + 8, wasm_i16x8_mul(wasm_v128_load(input + 8), wasm_v128_load(dq + 8)));
  vp8_short_idct4x4llm_simd128(input, dest, stride, dest, stride);
  memset(input, 0, 32);
}

/* A row of n 4x4 blocks: the whole transform where there is more than a DC
 * coefficient, the DC-only one where not. */
static short *blocks(short *q, short *dq, unsigned char *dst, int stride, char **eobs, int n) {
  int j;
  for (j = 0; j < n; j++, q += 16, dst += 4) {
    if (*(*eobs)++ > 1) {
      vp8_dequant_idct_add_simd128(q, dq, dst, stride);
    } else {
      vp8_dc_only_idct_add_simd128(q[0] * dq[0], dst, stride, dst, stride);
      memset(q, 0, 2 * sizeof(q[0]));
    }
  }
  return q;
}

void vp8_dequant_idct_add_y_block_simd128(short *q, short *dq, unsigned char *dst, int stride,
                                          char *eobs) {
  int i;
  for (i = 0; i < 4; i++, dst += 4 * stride) q = blocks(q, dq, dst, stride, &eobs, 4);
}

void vp8_dequant_idct_add_uv_block_simd128(short *q, short *dq, unsigned char *dst_u,
                                           unsigned char *dst_v, int stride, char *eobs) {
  int i;
  for (i = 0; i < 2; i++, dst_u += 4 * stride) q = blocks(q, dq, dst_u, stride, &eobs, 2);
  for (i = 0; i < 2; i++, dst_v += 4 * stride) q = blocks(q, dq, dst_v, stride, &eobs, 2);
}
