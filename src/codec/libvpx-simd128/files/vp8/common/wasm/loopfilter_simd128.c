/*
 * VP8's normal loop filter (vp8/common/loopfilter_filters.c) in WebAssembly
 * SIMD: sixteen pixels of an edge at once, bit-exact with the C version.
 * Horizontal edges filter sixteen columns; vertical edges are transposed
 * into the same layout first. The two chroma planes share one vector (eight
 * pixels of U, eight of V), as their filter parameters are the same.
 */
#include <wasm_simd128.h>

#include "./vp8_rtcd.h"
#include "vp8/common/loopfilter.h"
#include "vpx_dsp/wasm/mem_simd128.h"

typedef struct {
  v128_t p3, p2, p1, p0, q0, q1, q2, q3;
} edge;

/* All ones where the edge is filtered (vp8_filter_mask). abs(p0 - q0) * 2 +
 * abs(p1 - q1) / 2 saturates at 255, above any blimit, so the comparison is
 * the C one. */
static v128_t filter_mask(const edge *e, v128_t limit, v128_t blimit) {
  v128_t m = wasm_u8x16_max(simd128_absdiff_u8(e->p3, e->p2), simd128_absdiff_u8(e->p2, e->p1));
  v128_t flat;
  m = wasm_u8x16_max(m, simd128_absdiff_u8(e->p1, e->p0));
  m = wasm_u8x16_max(m, simd128_absdiff_u8(e->q1, e->q0));
  m = wasm_u8x16_max(m, simd128_absdiff_u8(e->q2, e->q1));
  m = wasm_u8x16_max(m, simd128_absdiff_u8(e->q3, e->q2));
  flat = simd128_absdiff_u8(e->p0, e->q0);
  flat = wasm_u8x16_add_sat(wasm_u8x16_add_sat(flat, flat),
                            wasm_u8x16_shr(simd128_absdiff_u8(e->p1, e->q1), 1));
  return wasm_v128_andnot(wasm_u8x16_le(m, limit), wasm_u8x16_gt(flat, blimit));
}

/* All ones where the edge has high variance (vp8_hevmask). */
static v128_t hev_mask(const edge *e, v128_t thresh) {
  return wasm_u8x16_gt(wasm_u8x16_max(simd128_absdiff_u8(e->p1, e->p0), simd128_absdiff_u8(e->q1, e->q0)),
                       thresh);
}

/* clamp(f + 3 * (q0 - p0)) as three saturating additions of the clamped
 * difference: the partial sums move one way, so they saturate where the
 * C sum does. */
static v128_t add_3x(v128_t f, v128_t ps0, v128_t qs0) {
  v128_t d = wasm_i8x16_sub_sat(qs0, ps0);
  f = wasm_i8x16_add_sat(f, d);
  f = wasm_i8x16_add_sat(f, d);
  return wasm_i8x16_add_sat(f, d);
}

/* A pixel as a signed byte (x ^ 0x80), and back. */
static v128_t flip(v128_t v) {
  return wasm_v128_xor(v, wasm_i8x16_splat((int8_t)0x80));
}

/* The pair of pixels either side of the edge moved by up (p side, added)
 * and uq (q side, taken off), from their signed values ps and qs. */
static void move(v128_t *p, v128_t *q, v128_t ps, v128_t qs, v128_t up, v128_t uq) {
  *p = flip(wasm_i8x16_add_sat(ps, up));
  *q = flip(wasm_i8x16_sub_sat(qs, uq));
}

static void normal_filter(edge *e, v128_t blimit, v128_t limit, v128_t thresh) {
  v128_t mask = filter_mask(e, limit, blimit), hev = hev_mask(e, thresh);
  v128_t ps1 = flip(e->p1), ps0 = flip(e->p0), qs0 = flip(e->q0), qs1 = flip(e->q1);
  v128_t f = wasm_v128_and(add_3x(wasm_v128_and(wasm_i8x16_sub_sat(ps1, qs1), hev), ps0, qs0), mask);
  v128_t f1 = wasm_i8x16_shr(wasm_i8x16_add_sat(f, wasm_i8x16_splat(4)), 3);
  v128_t f2 = wasm_i8x16_shr(wasm_i8x16_add_sat(f, wasm_i8x16_splat(3)), 3);
  move(&e->p0, &e->q0, ps0, qs0, f2, f1);
  /* Outer taps: (Filter1 + 1) >> 1 where the variance is low. */
  f = wasm_v128_andnot(wasm_i8x16_shr(wasm_i8x16_add(f1, wasm_i8x16_splat(1)), 1), hev);
  move(&e->p1, &e->q1, ps1, qs1, f, f);
}

/* clamp((63 + f * k) >> 7) of sixteen signed bytes, in 16 bits. */
static v128_t taps(v128_t f, int k) {
  const v128_t k16 = wasm_i16x8_splat((int16_t)k), r = wasm_i16x8_splat(63);
  v128_t lo = wasm_i16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(wasm_i16x8_extend_low_i8x16(f), k16), r), 7);
  v128_t hi = wasm_i16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(wasm_i16x8_extend_high_i8x16(f), k16), r), 7);
  return wasm_i8x16_narrow_i16x8(lo, hi);
}

static void mb_filter(edge *e, v128_t blimit, v128_t limit, v128_t thresh) {
  v128_t mask = filter_mask(e, limit, blimit), hev = hev_mask(e, thresh);
  v128_t ps2 = flip(e->p2), ps1 = flip(e->p1), ps0 = flip(e->p0);
  v128_t qs0 = flip(e->q0), qs1 = flip(e->q1), qs2 = flip(e->q2);
  v128_t f = wasm_v128_and(add_3x(wasm_i8x16_sub_sat(ps1, qs1), ps0, qs0), mask);
  v128_t f2 = wasm_v128_and(f, hev), f1, u;
  f1 = wasm_i8x16_shr(wasm_i8x16_add_sat(f2, wasm_i8x16_splat(4)), 3);
  f2 = wasm_i8x16_shr(wasm_i8x16_add_sat(f2, wasm_i8x16_splat(3)), 3);
  qs0 = wasm_i8x16_sub_sat(qs0, f1);
  ps0 = wasm_i8x16_add_sat(ps0, f2);
  /* The wide filter where the variance is low: 3/7, 2/7, 1/7 of the step. */
  f = wasm_v128_andnot(f, hev);
  u = taps(f, 27);
  move(&e->p0, &e->q0, ps0, qs0, u, u);
  u = taps(f, 18);
  move(&e->p1, &e->q1, ps1, qs1, u, u);
  u = taps(f, 9);
  move(&e->p2, &e->q2, ps2, qs2, u, u);
}

/* ---- loading and storing an edge ---- */

/* A horizontal edge: rows above (p) and below (q) of sixteen columns, taken
 * from a and b, eight each (a == b + 8 for luma). */
static void load_h(edge *e, const unsigned char *a, const unsigned char *b, int p) {
  e->p3 = simd128_load_8x2(a - 4 * p, b - 4 * p);
  e->p2 = simd128_load_8x2(a - 3 * p, b - 3 * p);
  e->p1 = simd128_load_8x2(a - 2 * p, b - 2 * p);
  e->p0 = simd128_load_8x2(a - 1 * p, b - 1 * p);
  e->q0 = simd128_load_8x2(a, b);
  e->q1 = simd128_load_8x2(a + 1 * p, b + 1 * p);
  e->q2 = simd128_load_8x2(a + 2 * p, b + 2 * p);
  e->q3 = simd128_load_8x2(a + 3 * p, b + 3 * p);
}

static void store_h(const edge *e, unsigned char *a, unsigned char *b, int p, int wide) {
  if (wide) {
    simd128_store_8x2(a - 3 * p, b - 3 * p, e->p2);
    simd128_store_8x2(a + 2 * p, b + 2 * p, e->q2);
  }
  simd128_store_8x2(a - 2 * p, b - 2 * p, e->p1);
  simd128_store_8x2(a - 1 * p, b - 1 * p, e->p0);
  simd128_store_8x2(a, b, e->q0);
  simd128_store_8x2(a + 1 * p, b + 1 * p, e->q1);
}

#define SHUF8_LO(a, b) wasm_i8x16_shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define SHUF8_HI(a, b) wasm_i8x16_shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define SHUF16_LO(a, b) wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define SHUF16_HI(a, b) wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define SHUF32_LO(a, b) wasm_i32x4_shuffle(a, b, 0, 4, 1, 5)
#define SHUF32_HI(a, b) wasm_i32x4_shuffle(a, b, 2, 6, 3, 7)
#define SHUF64_LO(a, b) wasm_i64x2_shuffle(a, b, 0, 2)
#define SHUF64_HI(a, b) wasm_i64x2_shuffle(a, b, 1, 3)

/* A vertical edge: eight bytes across it (s[-4] .. s[3]) of sixteen rows,
 * rows 0..7 from a and 8..15 from b, transposed into columns. */
static void load_v(edge *e, const unsigned char *a, const unsigned char *b, int p) {
  v128_t r[8], t[8], u[8];
  int i;
  for (i = 0; i < 8; i++) r[i] = simd128_load_8x2(a + i * p - 4, b + i * p - 4);
  /* r[i] = row i | row i + 8; interleave bytes, then pairs, then quads. */
  for (i = 0; i < 8; i += 2) {
    t[i / 2] = SHUF8_LO(r[i], r[i + 1]);     /* rows i, i+1: columns 0..7 */
    t[4 + i / 2] = SHUF8_HI(r[i], r[i + 1]); /* rows i+8, i+9 */
  }
  u[0] = SHUF16_LO(t[0], t[1]); /* rows 0-3, columns 0-3 */
  u[1] = SHUF16_HI(t[0], t[1]); /* rows 0-3, columns 4-7 */
  u[2] = SHUF16_LO(t[2], t[3]); /* rows 4-7 */
  u[3] = SHUF16_HI(t[2], t[3]);
  u[4] = SHUF16_LO(t[4], t[5]); /* rows 8-11 */
  u[5] = SHUF16_HI(t[4], t[5]);
  u[6] = SHUF16_LO(t[6], t[7]); /* rows 12-15 */
  u[7] = SHUF16_HI(t[6], t[7]);
  t[0] = SHUF32_LO(u[0], u[2]); /* columns 0, 1 of rows 0-7 */
  t[1] = SHUF32_HI(u[0], u[2]); /* columns 2, 3 */
  t[2] = SHUF32_LO(u[1], u[3]); /* columns 4, 5 */
  t[3] = SHUF32_HI(u[1], u[3]); /* columns 6, 7 */
  t[4] = SHUF32_LO(u[4], u[6]); /* the same of rows 8-15 */
  t[5] = SHUF32_HI(u[4], u[6]);
  t[6] = SHUF32_LO(u[5], u[7]);
  t[7] = SHUF32_HI(u[5], u[7]);
  e->p3 = SHUF64_LO(t[0], t[4]);
  e->p2 = SHUF64_HI(t[0], t[4]);
  e->p1 = SHUF64_LO(t[1], t[5]);
  e->p0 = SHUF64_HI(t[1], t[5]);
  e->q0 = SHUF64_LO(t[2], t[6]);
  e->q1 = SHUF64_HI(t[2], t[6]);
  e->q2 = SHUF64_LO(t[3], t[7]);
  e->q3 = SHUF64_HI(t[3], t[7]);
}

/* The columns back into sixteen rows of eight bytes. */
static void store_v(const edge *e, unsigned char *a, unsigned char *b, int p) {
  v128_t t[8], u[8];
  int i;
  t[0] = SHUF8_LO(e->p3, e->p2); /* rows 0-7: columns 0, 1 */
  t[1] = SHUF8_HI(e->p3, e->p2); /* rows 8-15 */
  t[2] = SHUF8_LO(e->p1, e->p0);
  t[3] = SHUF8_HI(e->p1, e->p0);
  t[4] = SHUF8_LO(e->q0, e->q1);
  t[5] = SHUF8_HI(e->q0, e->q1);
  t[6] = SHUF8_LO(e->q2, e->q3);
  t[7] = SHUF8_HI(e->q2, e->q3);
  u[0] = SHUF16_LO(t[0], t[2]); /* rows 0-3: columns 0-3 */
  u[1] = SHUF16_HI(t[0], t[2]); /* rows 4-7 */
  u[2] = SHUF16_LO(t[4], t[6]); /* rows 0-3: columns 4-7 */
  u[3] = SHUF16_HI(t[4], t[6]);
  u[4] = SHUF16_LO(t[1], t[3]); /* rows 8-11: columns 0-3 */
  u[5] = SHUF16_HI(t[1], t[3]);
  u[6] = SHUF16_LO(t[5], t[7]);
  u[7] = SHUF16_HI(t[5], t[7]);
  /* Two whole rows a vector: 0-1, 2-3, 4-5, 6-7 (a), then 8-15 (b). */
  for (i = 0; i < 2; i++) {
    v128_t lo = SHUF32_LO(u[i], u[2 + i]), hi = SHUF32_HI(u[i], u[2 + i]);
    simd128_store_8x2(a + (4 * i) * p - 4, a + (4 * i + 1) * p - 4, lo);
    simd128_store_8x2(a + (4 * i + 2) * p - 4, a + (4 * i + 3) * p - 4, hi);
    lo = SHUF32_LO(u[4 + i], u[6 + i]);
    hi = SHUF32_HI(u[4 + i], u[6 + i]);
    simd128_store_8x2(b + (4 * i) * p - 4, b + (4 * i + 1) * p - 4, lo);
    simd128_store_8x2(b + (4 * i + 2) * p - 4, b + (4 * i + 3) * p - 4, hi);
  }
}

/* ---- the edges of a macroblock ---- */

enum { NORMAL, WIDE };

static void filter(edge *e, const unsigned char *blimit, const loop_filter_info *lfi, int kind) {
  const v128_t b = wasm_v128_load8_splat(blimit), l = wasm_v128_load8_splat(lfi->lim);
  const v128_t t = wasm_v128_load8_splat(lfi->hev_thr);
  if (kind == WIDE)
    mb_filter(e, b, l, t);
  else
    normal_filter(e, b, l, t);
}

static void edge_h(unsigned char *a, unsigned char *b, int p, const unsigned char *blimit,
                   const loop_filter_info *lfi, int kind) {
  edge e;
  load_h(&e, a, b, p);
  filter(&e, blimit, lfi, kind);
  store_h(&e, a, b, p, kind == WIDE);
}

static void edge_v(unsigned char *a, unsigned char *b, int p, const unsigned char *blimit,
                   const loop_filter_info *lfi, int kind) {
  edge e;
  load_v(&e, a, b, p);
  filter(&e, blimit, lfi, kind);
  store_v(&e, a, b, p);
}

/* Chroma: U and V in one vector; a missing plane takes the other's place
 * (the same result, stored twice). */
#define UV(u, v) ((u) ? (u) : (v)), ((v) ? (v) : (u))

void vp8_loop_filter_mbh_simd128(unsigned char *y_ptr, unsigned char *u_ptr,
                                 unsigned char *v_ptr, int y_stride, int uv_stride,
                                 loop_filter_info *lfi) {
  edge_h(y_ptr, y_ptr + 8, y_stride, lfi->mblim, lfi, WIDE);
  if (u_ptr || v_ptr) edge_h(UV(u_ptr, v_ptr), uv_stride, lfi->mblim, lfi, WIDE);
}

void vp8_loop_filter_mbv_simd128(unsigned char *y_ptr, unsigned char *u_ptr,
                                 unsigned char *v_ptr, int y_stride, int uv_stride,
                                 loop_filter_info *lfi) {
  edge_v(y_ptr, y_ptr + 8 * y_stride, y_stride, lfi->mblim, lfi, WIDE);
  if (u_ptr || v_ptr) edge_v(UV(u_ptr, v_ptr), uv_stride, lfi->mblim, lfi, WIDE);
}

void vp8_loop_filter_bh_simd128(unsigned char *y_ptr, unsigned char *u_ptr,
                                unsigned char *v_ptr, int y_stride, int uv_stride,
                                loop_filter_info *lfi) {
  int i;
  for (i = 4; i < 16; i += 4)
    edge_h(y_ptr + i * y_stride, y_ptr + i * y_stride + 8, y_stride, lfi->blim, lfi, NORMAL);
  if (u_ptr || v_ptr)
    edge_h(UV(u_ptr ? u_ptr + 4 * uv_stride : 0, v_ptr ? v_ptr + 4 * uv_stride : 0), uv_stride,
           lfi->blim, lfi, NORMAL);
}

void vp8_loop_filter_bv_simd128(unsigned char *y_ptr, unsigned char *u_ptr,
                                unsigned char *v_ptr, int y_stride, int uv_stride,
                                loop_filter_info *lfi) {
  int i;
  for (i = 4; i < 16; i += 4)
    edge_v(y_ptr + i, y_ptr + i + 8 * y_stride, y_stride, lfi->blim, lfi, NORMAL);
  if (u_ptr || v_ptr)
    edge_v(UV(u_ptr ? u_ptr + 4 : 0, v_ptr ? v_ptr + 4 : 0), uv_stride, lfi->blim, lfi, NORMAL);
}
