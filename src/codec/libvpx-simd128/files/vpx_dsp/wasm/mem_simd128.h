/*
 * Loads, stores and byte helpers the WebAssembly SIMD kernels of vpx_dsp and
 * vp8 share.
 */
#ifndef VPX_DSP_WASM_MEM_SIMD128_H_
#define VPX_DSP_WASM_MEM_SIMD128_H_

#include <wasm_simd128.h>

/* Eight bytes at a and eight at b as one vector. */
static inline v128_t simd128_load_8x2(const unsigned char *a, const unsigned char *b) {
  return wasm_v128_load64_lane(b, wasm_v128_load64_zero(a), 1);
}

static inline void simd128_store_8x2(unsigned char *a, unsigned char *b, v128_t v) {
  wasm_v128_store64_lane(a, v, 0);
  wasm_v128_store64_lane(b, v, 1);
}

/* Four rows of four bytes as one vector. */
static inline v128_t simd128_load_4x4(const unsigned char *p, int stride) {
  v128_t v = wasm_v128_load32_zero(p);
  v = wasm_v128_load32_lane(p + stride, v, 1);
  v = wasm_v128_load32_lane(p + 2 * stride, v, 2);
  return wasm_v128_load32_lane(p + 3 * stride, v, 3);
}

static inline void simd128_store_4x4(unsigned char *p, int stride, v128_t v) {
  wasm_v128_store32_lane(p, v, 0);
  wasm_v128_store32_lane(p + stride, v, 1);
  wasm_v128_store32_lane(p + 2 * stride, v, 2);
  wasm_v128_store32_lane(p + 3 * stride, v, 3);
}

/* |a - b| of sixteen unsigned bytes. */
static inline v128_t simd128_absdiff_u8(v128_t a, v128_t b) {
  return wasm_v128_or(wasm_u8x16_sub_sat(a, b), wasm_u8x16_sub_sat(b, a));
}

#endif
