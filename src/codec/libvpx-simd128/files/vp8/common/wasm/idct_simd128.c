/*
 * VP8's DC-only inverse transform and add (vp8/common/idctllm.c) in
 * WebAssembly SIMD, bit-exact with the C version: the 4x4 prediction as one
 * vector, the DC term added in 16 bits and clamped by the narrowing.
 */
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"

void vp8_dc_only_idct_add_simd128(short input_dc, unsigned char *pred_ptr, int pred_stride,
                                  unsigned char *dst_ptr, int dst_stride) {
  const v128_t a1 = wasm_i16x8_splat((int16_t)((input_dc + 4) >> 3));
  v128_t p = wasm_v128_load32_zero(pred_ptr);
  p = wasm_v128_load32_lane(pred_ptr + pred_stride, p, 1);
  p = wasm_v128_load32_lane(pred_ptr + 2 * pred_stride, p, 2);
  p = wasm_v128_load32_lane(pred_ptr + 3 * pred_stride, p, 3);
  p = wasm_u8x16_narrow_i16x8(wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(p), a1),
                              wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(p), a1));
  wasm_v128_store32_lane(dst_ptr, p, 0);
  wasm_v128_store32_lane(dst_ptr + dst_stride, p, 1);
  wasm_v128_store32_lane(dst_ptr + 2 * dst_stride, p, 2);
  wasm_v128_store32_lane(dst_ptr + 3 * dst_stride, p, 3);
}
