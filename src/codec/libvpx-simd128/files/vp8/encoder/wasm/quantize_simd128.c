/*
 * VP8's fast quantiser (vp8/encoder/vp8_quantize.c) in WebAssembly SIMD,
 * bit-exact with the C version: the arithmetic is the C one in 32-bit
 * lanes, results are truncated to 16 bits as C's stores are, and the end of
 * block is the largest zig-zag position of a nonzero level.
 */
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"
#include "vp8/common/wasm/simd128.h"
#include "vp8/encoder/block.h"

/* 1 + the zig-zag position of each coefficient (raster order). */
static const int16_t zigzag_rank[16] = { 1, 2, 6, 7, 3, 5, 8, 13, 4, 9, 12, 14, 10, 11, 15, 16 };

/* Four coefficients: the level (qcoeff), its dequantised value and whether
 * it is nonzero, all in 32-bit lanes. */
static void quantize4(v128_t z, v128_t round, v128_t quant, v128_t dequant, v128_t *q,
                      v128_t *dq, v128_t *nz) {
  v128_t sz = wasm_i32x4_shr(z, 31);
  v128_t y = wasm_i32x4_shr(wasm_i32x4_mul(wasm_i32x4_add(wasm_i32x4_abs(z), round), quant), 16);
  *q = wasm_i32x4_sub(wasm_v128_xor(y, sz), sz);
  *dq = wasm_i32x4_mul(*q, dequant);
  *nz = wasm_i32x4_ne(y, wasm_i32x4_splat(0));
}

void vp8_fast_quantize_b_simd128(BLOCK *b, BLOCKD *d) {
  int half;
  v128_t rank = wasm_i16x8_splat(0);
  for (half = 0; half < 2; half++) {
    const int o = half * 8;
    v128_t z = wasm_v128_load(b->coeff + o), r = wasm_v128_load(b->round + o);
    v128_t qf = wasm_v128_load(b->quant_fast + o), dqf = wasm_v128_load(d->dequant + o);
    v128_t q0, q1, dq0, dq1, nz0, nz1;
    quantize4(wasm_i32x4_extend_low_i16x8(z), wasm_i32x4_extend_low_i16x8(r),
              wasm_i32x4_extend_low_i16x8(qf), wasm_i32x4_extend_low_i16x8(dqf), &q0, &dq0, &nz0);
    quantize4(wasm_i32x4_extend_high_i16x8(z), wasm_i32x4_extend_high_i16x8(r),
              wasm_i32x4_extend_high_i16x8(qf), wasm_i32x4_extend_high_i16x8(dqf), &q1, &dq1, &nz1);
    wasm_v128_store(d->qcoeff + o, vp8_simd128_pack_low16(q0, q1));
    wasm_v128_store(d->dqcoeff + o, vp8_simd128_pack_low16(dq0, dq1));
    rank = wasm_i16x8_max(rank, wasm_v128_and(vp8_simd128_pack_low16(nz0, nz1), wasm_v128_load(zigzag_rank + o)));
  }
  rank = wasm_i16x8_max(rank, wasm_i16x8_shuffle(rank, rank, 4, 5, 6, 7, 0, 1, 2, 3));
  rank = wasm_i16x8_max(rank, wasm_i16x8_shuffle(rank, rank, 2, 3, 0, 1, 6, 7, 4, 5));
  rank = wasm_i16x8_max(rank, wasm_i16x8_shuffle(rank, rank, 1, 0, 3, 2, 5, 4, 7, 6));
  *d->eob = (char)wasm_i16x8_extract_lane(rank, 0);
}
