/*
 * The residual src - pred (vpx_dsp/subtract.c) in WebAssembly SIMD for
 * rows of 16 and 8; other widths take the C version.
 */
#include <wasm_simd128.h>

#include "./vpx_dsp_rtcd.h"
#include "vpx/vpx_integer.h"

void vpx_subtract_block_simd128(int rows, int cols, int16_t *diff_ptr, ptrdiff_t diff_stride,
                                const uint8_t *src_ptr, ptrdiff_t src_stride,
                                const uint8_t *pred_ptr, ptrdiff_t pred_stride) {
  int r;
  if (cols == 16) {
    for (r = 0; r < rows; r++) {
      v128_t s = wasm_v128_load(src_ptr), p = wasm_v128_load(pred_ptr);
      wasm_v128_store(diff_ptr, wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(s),
                                               wasm_u16x8_extend_low_u8x16(p)));
      wasm_v128_store(diff_ptr + 8, wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(s),
                                                   wasm_u16x8_extend_high_u8x16(p)));
      diff_ptr += diff_stride;
      src_ptr += src_stride;
      pred_ptr += pred_stride;
    }
  } else if (cols == 8) {
    for (r = 0; r < rows; r++) {
      wasm_v128_store(diff_ptr, wasm_i16x8_sub(wasm_u16x8_load8x8(src_ptr),
                                               wasm_u16x8_load8x8(pred_ptr)));
      diff_ptr += diff_stride;
      src_ptr += src_stride;
      pred_ptr += pred_stride;
    }
  } else {
    vpx_subtract_block_c(rows, cols, diff_ptr, diff_stride, src_ptr, src_stride, pred_ptr,
                         pred_stride);
  }
}
