/*
 * Helpers shared by VP8's WebAssembly SIMD transforms.
 */
#ifndef VP8_COMMON_WASM_SIMD128_H_
#define VP8_COMMON_WASM_SIMD128_H_

#include <wasm_simd128.h>

/* Four rows of four 32-bit lanes into four columns, in place. */
static inline void vp8_simd128_transpose4(v128_t *a, v128_t *b, v128_t *c, v128_t *d) {
  v128_t ab_lo = wasm_i32x4_shuffle(*a, *b, 0, 4, 1, 5), ab_hi = wasm_i32x4_shuffle(*a, *b, 2, 6, 3, 7);
  v128_t cd_lo = wasm_i32x4_shuffle(*c, *d, 0, 4, 1, 5), cd_hi = wasm_i32x4_shuffle(*c, *d, 2, 6, 3, 7);
  *a = wasm_i64x2_shuffle(ab_lo, cd_lo, 0, 2);
  *b = wasm_i64x2_shuffle(ab_lo, cd_lo, 1, 3);
  *c = wasm_i64x2_shuffle(ab_hi, cd_hi, 0, 2);
  *d = wasm_i64x2_shuffle(ab_hi, cd_hi, 1, 3);
}

/* A short's value of each 32-bit lane (its low 16 bits, sign-extended):
 * what C keeps of an int stored in a short. */
static inline v128_t vp8_simd128_as_short(v128_t v) {
  return wasm_i32x4_shr(wasm_i32x4_shl(v, 16), 16);
}

/* The low 16 bits of each 32-bit lane of a, then of b. */
static inline v128_t vp8_simd128_pack_low16(v128_t a, v128_t b) {
  return wasm_i16x8_shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
}

#endif
