/*
 * Sum of absolute differences and variance (vpx_dsp/sad.c, variance.c) in
 * WebAssembly SIMD for the block sizes VP8 searches with, bit-exact with
 * the C versions: sums of differences fit 16-bit lanes for these sizes,
 * squares are summed in 32 bits.
 */
#include <wasm_simd128.h>

#include "./vpx_dsp_rtcd.h"
#include "vpx/vpx_integer.h"
#include "vpx_dsp/wasm/mem_simd128.h"

static const uint8_t bilinear_filters[8][2] = {
  { 128, 0 }, { 112, 16 }, { 96, 32 }, { 80, 48 },
  { 64, 64 }, { 48, 80 },  { 32, 96 }, { 16, 112 },
};

static uint32_t sum_u32x4(v128_t v) {
  v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return (uint32_t)wasm_i32x4_extract_lane(v, 0);
}

/* ---- SAD ---- */

static unsigned int sad16xh(const uint8_t *src, int src_stride, const uint8_t *ref,
                            int ref_stride, int h) {
  v128_t acc = wasm_i16x8_splat(0);
  int i;
  for (i = 0; i < h; i++, src += src_stride, ref += ref_stride)
    acc = wasm_i16x8_add(acc, wasm_u16x8_extadd_pairwise_u8x16(
                                  simd128_absdiff_u8(wasm_v128_load(src), wasm_v128_load(ref))));
  return sum_u32x4(wasm_u32x4_extadd_pairwise_u16x8(acc));
}

/* Two rows of eight as one vector. */
static v128_t rows8(const uint8_t *p, int stride) {
  return simd128_load_8x2(p, p + stride);
}

static unsigned int sad8xh(const uint8_t *src, int src_stride, const uint8_t *ref,
                           int ref_stride, int h) {
  v128_t acc = wasm_i16x8_splat(0);
  int i;
  for (i = 0; i < h; i += 2, src += 2 * src_stride, ref += 2 * ref_stride)
    acc = wasm_i16x8_add(acc, wasm_u16x8_extadd_pairwise_u8x16(
                                  simd128_absdiff_u8(rows8(src, src_stride), rows8(ref, ref_stride))));
  return sum_u32x4(wasm_u32x4_extadd_pairwise_u16x8(acc));
}

#define SAD(w, h)                                                                     \
  unsigned int vpx_sad##w##x##h##_simd128(const uint8_t *src_ptr, int src_stride,      \
                                          const uint8_t *ref_ptr, int ref_stride) {    \
    return sad##w##xh(src_ptr, src_stride, ref_ptr, ref_stride, h);                    \
  }
SAD(16, 16)
SAD(16, 8)
SAD(8, 16)
SAD(8, 8)

unsigned int vpx_sad4x4_simd128(const uint8_t *src_ptr, int src_stride,
                                const uint8_t *ref_ptr, int ref_stride) {
  v128_t d = simd128_absdiff_u8(simd128_load_4x4(src_ptr, src_stride), simd128_load_4x4(ref_ptr, ref_stride));
  return sum_u32x4(wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(d)));
}

#define SAD_X4D(w, h)                                                                      \
  void vpx_sad##w##x##h##x4d_simd128(const uint8_t *src_ptr, int src_stride,              \
                                     const uint8_t *const ref_array[4], int ref_stride,   \
                                     uint32_t sad_array[4]) {                             \
    int i;                                                                                \
    for (i = 0; i < 4; i++)                                                               \
      sad_array[i] = vpx_sad##w##x##h##_simd128(src_ptr, src_stride, ref_array[i], ref_stride); \
  }
SAD_X4D(16, 16)
SAD_X4D(16, 8)
SAD_X4D(8, 16)
SAD_X4D(8, 8)
SAD_X4D(4, 4)

/* ---- variance ---- */

/* Differences src - ref of sixteen pixels, as two 16-bit vectors, added to
 * the sum and their squares to the sum of squares. */
static void diff16(v128_t s, v128_t r, v128_t *sum, v128_t *sse) {
  v128_t lo = wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(s), wasm_u16x8_extend_low_u8x16(r));
  v128_t hi = wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(s), wasm_u16x8_extend_high_u8x16(r));
  *sum = wasm_i16x8_add(*sum, wasm_i16x8_add(lo, hi));
  *sse = wasm_i32x4_add(*sse, wasm_i32x4_add(wasm_i32x4_dot_i16x8(lo, lo), wasm_i32x4_dot_i16x8(hi, hi)));
}

/* Width 16 or 8 (two rows a vector); h <= 16, so a lane of the sum holds
 * at most 32 differences. */
static void variance_wxh(const uint8_t *src, int src_stride, const uint8_t *ref,
                         int ref_stride, int w, int h, uint32_t *sse, int *sum) {
  v128_t s = wasm_i16x8_splat(0), q = wasm_i32x4_splat(0);
  int i;
  if (w == 16) {
    for (i = 0; i < h; i++, src += src_stride, ref += ref_stride)
      diff16(wasm_v128_load(src), wasm_v128_load(ref), &s, &q);
  } else {
    for (i = 0; i < h; i += 2, src += 2 * src_stride, ref += 2 * ref_stride)
      diff16(rows8(src, src_stride), rows8(ref, ref_stride), &s, &q);
  }
  *sum = (int)sum_u32x4(wasm_i32x4_extadd_pairwise_i16x8(s));
  *sse = sum_u32x4(q);
}

#define VAR(W, H)                                                                          \
  uint32_t vpx_variance##W##x##H##_simd128(const uint8_t *src_ptr, int src_stride,        \
                                           const uint8_t *ref_ptr, int ref_stride,        \
                                           uint32_t *sse) {                               \
    int sum;                                                                              \
    variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, W, H, sse, &sum);              \
    return *sse - (uint32_t)(((int64_t)sum * sum) / (W * H));                             \
  }
VAR(16, 16)
VAR(16, 8)
VAR(8, 16)
VAR(8, 8)

uint32_t vpx_mse16x16_simd128(const uint8_t *src_ptr, int src_stride, const uint8_t *ref_ptr,
                              int ref_stride, uint32_t *sse) {
  int sum;
  variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, 16, 16, sse, &sum);
  return *sse;
}

void vpx_get16x16var_simd128(const uint8_t *src_ptr, int src_stride, const uint8_t *ref_ptr,
                             int ref_stride, unsigned int *sse, int *sum) {
  variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, 16, 16, sse, sum);
}

uint32_t vpx_get4x4sse_cs_simd128(const unsigned char *src_ptr, int src_stride,
                                  const unsigned char *ref_ptr, int ref_stride) {
  v128_t s = wasm_i16x8_splat(0), q = wasm_i32x4_splat(0);
  diff16(simd128_load_4x4(src_ptr, src_stride), simd128_load_4x4(ref_ptr, ref_stride), &s, &q);
  return sum_u32x4(q);
}

/* ---- sub-pixel variance: the 2-tap bilinear filter, then the variance ---- */

/* (a * f0 + b * f1 + 64) >> 7 of eight 16-bit lanes. */
static v128_t bil(v128_t a, v128_t b, v128_t f0, v128_t f1) {
  return wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(a, f0), wasm_i16x8_mul(b, f1)),
                                       wasm_i16x8_splat(64)), 7);
}

/* The first pass of a row of w (16 or 8): sixteen (or eight) 16-bit results. */
static void first_pass(const uint8_t *s, int w, v128_t f0, v128_t f1, v128_t *lo, v128_t *hi) {
  if (w == 16) {
    v128_t a = wasm_v128_load(s), b = wasm_v128_load(s + 1);
    *lo = bil(wasm_u16x8_extend_low_u8x16(a), wasm_u16x8_extend_low_u8x16(b), f0, f1);
    *hi = bil(wasm_u16x8_extend_high_u8x16(a), wasm_u16x8_extend_high_u8x16(b), f0, f1);
  } else {
    *lo = bil(wasm_u16x8_load8x8(s), wasm_u16x8_load8x8(s + 1), f0, f1);
    *hi = *lo;
  }
}

static uint32_t sub_pixel_variance(const uint8_t *src, int src_stride, int x_offset,
                                   int y_offset, const uint8_t *ref, int ref_stride, int w,
                                   int h, uint32_t *sse) {
  const v128_t hf0 = wasm_i16x8_splat(bilinear_filters[x_offset][0]);
  const v128_t hf1 = wasm_i16x8_splat(bilinear_filters[x_offset][1]);
  const v128_t vf0 = wasm_i16x8_splat(bilinear_filters[y_offset][0]);
  const v128_t vf1 = wasm_i16x8_splat(bilinear_filters[y_offset][1]);
  v128_t s = wasm_i16x8_splat(0), q = wasm_i32x4_splat(0);
  v128_t plo, phi, lo, hi, pend = wasm_i16x8_splat(0);
  int i, sum;
  first_pass(src, w, hf0, hf1, &plo, &phi);
  for (i = 0; i < h; i++) {
    v128_t out;
    src += src_stride;
    first_pass(src, w, hf0, hf1, &lo, &hi);
    if (w == 16) {
      out = wasm_u8x16_narrow_i16x8(bil(plo, lo, vf0, vf1), bil(phi, hi, vf0, vf1));
      diff16(out, wasm_v128_load(ref), &s, &q);
    } else if (i & 1) {
      /* Rows of eight go to the variance in pairs. */
      out = wasm_u8x16_narrow_i16x8(pend, bil(plo, lo, vf0, vf1));
      diff16(out, rows8(ref - ref_stride, ref_stride), &s, &q);
    } else {
      pend = bil(plo, lo, vf0, vf1);
    }
    plo = lo;
    phi = hi;
    ref += ref_stride;
  }
  sum = (int)sum_u32x4(wasm_i32x4_extadd_pairwise_i16x8(s));
  *sse = sum_u32x4(q);
  return *sse - (uint32_t)(((int64_t)sum * sum) / (w * h));
}

#define SUBPIX_VAR(W, H)                                                                     \
  uint32_t vpx_sub_pixel_variance##W##x##H##_simd128(                                       \
      const uint8_t *src_ptr, int src_stride, int x_offset, int y_offset,                   \
      const uint8_t *ref_ptr, int ref_stride, uint32_t *sse) {                              \
    return sub_pixel_variance(src_ptr, src_stride, x_offset, y_offset, ref_ptr, ref_stride, \
                              W, H, sse);                                                   \
  }
SUBPIX_VAR(16, 16)
SUBPIX_VAR(16, 8)
SUBPIX_VAR(8, 16)
SUBPIX_VAR(8, 8)
