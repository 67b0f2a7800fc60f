/*
 * libvpx's WebAssembly SIMD kernels (src/codec/libvpx-simd128) against the
 * C versions they replace, on random inputs and on the edges that matter:
 * extreme pixels, every filter offset and strength, full-range coefficients.
 * Built with -msimd128 against the simd128 libvpx, which holds both.
 */
#include <stdlib.h>

#include "./vp8_rtcd.h"
#include "./vpx_dsp_rtcd.h"
#include "vp8/common/loopfilter.h"
#include "vp8/encoder/block.h"

#include "bb_test.h"
#include "synth.h"

#define STRIDE 80
#define PLANE (STRIDE * 48)

static uint32_t rng = 2463534242u;
static uint32_t rnd(void)
{
    return synth_random(&rng);
}

/* A plane of one of several kinds: noise, smooth with small noise (where
 * the loop filter acts), a step, the extremes. */
static void fill(uint8_t *p, int n, int kind)
{
    int base = (int)(rnd() % 256), amp = 1 + (int)(rnd() % 12);
    for (int i = 0; i < n; i++) {
        int v;
        switch (kind % 5) {
        case 0: v = (int)(rnd() & 255); break;
        case 1: v = base + (int)(rnd() % (2 * amp + 1)) - amp; break;
        case 2: v = ((i % STRIDE) < 20 ? base : 255 - base) + (int)(rnd() % 3) - 1; break;
        case 3: v = rnd() & 1 ? 255 : 0; break;
        default: v = (i / STRIDE) % 8 < 4 ? base : base + amp * 3; break;
        }
        p[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

typedef void (*lf_fn)(unsigned char *, unsigned char *, unsigned char *, int, int,
                      loop_filter_info *);

static int loop_filter_case(lf_fn c, lf_fn simd, int kind, int uv)
{
    static uint8_t a[3][PLANE], b[3][PLANE];
    static uint8_t mblim[16], blim[16], lim[16], thr[16];
    loop_filter_info lfi = { mblim, blim, lim, thr };
    /* Strengths as vp8_loop_filter_frame_init makes them, and extremes. */
    int level = (int)(rnd() % 64), sharp = (int)(rnd() % 8);
    int ilimit = level >> (sharp > 4 ? 2 : 1);
    if (sharp > 0 && ilimit > 9 - sharp) ilimit = 9 - sharp;
    if (ilimit < 1) ilimit = 1;
    if (kind % 7 == 6) { level = 63; ilimit = 63; }
    memset(mblim, (level + 2) * 2 + ilimit, 16);
    memset(blim, level * 2 + ilimit, 16);
    memset(lim, ilimit, 16);
    memset(thr, (int)(rnd() % 4), 16);
    for (int p = 0; p < 3; p++) {
        fill(a[p], PLANE, kind + p);
        memcpy(b[p], a[p], PLANE);
    }
    int off = 8 * STRIDE + 16;   /* room for the filter's reach on every side */
    uint8_t *ua = uv & 1 ? a[1] + off : NULL, *va = uv & 2 ? a[2] + off : NULL;
    uint8_t *ub = uv & 1 ? b[1] + off : NULL, *vb = uv & 2 ? b[2] + off : NULL;
    c(a[0] + off, ua, va, STRIDE, STRIDE, &lfi);
    simd(b[0] + off, ub, vb, STRIDE, STRIDE, &lfi);
    return memcmp(a, b, sizeof(a)) == 0;
}

static int loop_filter_changes(lf_fn c)
{
    /* The cases must reach the filter: some must change pixels. */
    static uint8_t a[3][PLANE], before[3][PLANE];
    static uint8_t mblim[16], blim[16], lim[16], thr[16];
    loop_filter_info lfi = { mblim, blim, lim, thr };
    memset(mblim, 40, 16); memset(blim, 30, 16); memset(lim, 10, 16); memset(thr, 2, 16);
    for (int p = 0; p < 3; p++) fill(a[p], PLANE, 1);
    memcpy(before, a, sizeof(a));
    c(a[0] + 8 * STRIDE + 16, a[1] + 8 * STRIDE + 16, a[2] + 8 * STRIDE + 16, STRIDE, STRIDE, &lfi);
    return memcmp(a, before, sizeof(a)) != 0;
}

#define LOOP_FILTER_TEST(name)                                                       \
    TEST(simd128_##name##_is_bit_exact)                                             \
    {                                                                                \
        CHECK(loop_filter_changes(name##_c));                                        \
        for (int i = 0; i < 4000; i++)                                               \
            if (!loop_filter_case(name##_c, name##_simd128, i, i % 4)) {              \
                bb_test_fail(__FILE__, __LINE__, "case %d differs", i);               \
                return;                                                              \
            }                                                                        \
    }
LOOP_FILTER_TEST(vp8_loop_filter_mbh)
LOOP_FILTER_TEST(vp8_loop_filter_mbv)
LOOP_FILTER_TEST(vp8_loop_filter_bh)
LOOP_FILTER_TEST(vp8_loop_filter_bv)

TEST(simd128_vp8_dc_only_idct_add_is_bit_exact)
{
    static uint8_t pred[PLANE], a[PLANE], b[PLANE];
    for (int i = 0; i < 20000; i++) {
        short dc = i < 4 ? (short[]){ -32768, 32767, 0, -4 }[i] : (short)rnd();
        fill(pred, PLANE, i);
        memset(a, 0, PLANE);
        memset(b, 0, PLANE);
        int ps = 4 + (int)(rnd() % 60), ds = 4 + (int)(rnd() % 60);
        vp8_dc_only_idct_add_c(dc, pred, ps, a, ds);
        vp8_dc_only_idct_add_simd128(dc, pred, ps, b, ds);
        if (memcmp(a, b, PLANE)) {
            bb_test_fail(__FILE__, __LINE__, "dc %d differs", dc);
            return;
        }
    }
}

TEST(simd128_vp8_fast_quantize_b_is_bit_exact)
{
    short coeff[16], round[16], quant[16], dequant[16];
    short qa[16], dqa[16], qb[16], dqb[16];
    char eoba, eobb;
    BLOCK blk;
    BLOCKD da, db;
    memset(&blk, 0, sizeof(blk));
    blk.coeff = coeff; blk.round = round; blk.quant_fast = quant;
    memset(&da, 0, sizeof(da));
    da.qcoeff = qa; da.dqcoeff = dqa; da.dequant = dequant; da.eob = &eoba;
    db = da;
    db.qcoeff = qb; db.dqcoeff = dqb; db.eob = &eobb;
    int nonzero_eobs = 0;
    for (int i = 0; i < 50000; i++) {
        /* As the encoder has them (quantisers of 4..157), and full range. */
        int real = i % 2;
        for (int k = 0; k < 16; k++) {
            int q = 4 + (int)(rnd() % 154);
            coeff[k] = real ? (short)((int)(rnd() % 4096) - 2048) * (rnd() % 4 == 0) : (short)rnd();
            if (i % 97 == 0) coeff[k] = -32768;
            quant[k] = real ? (short)((1 << 16) / q) : (short)rnd();
            round[k] = real ? (short)((48 * q) >> 7) : (short)rnd();
            dequant[k] = real ? (short)q : (short)rnd();
        }
        vp8_fast_quantize_b_c(&blk, &da);
        vp8_fast_quantize_b_simd128(&blk, &db);
        if (memcmp(qa, qb, sizeof(qa)) || memcmp(dqa, dqb, sizeof(dqa)) || eoba != eobb) {
            bb_test_fail(__FILE__, __LINE__, "case %d differs (eob %d / %d)", i, eoba, eobb);
            return;
        }
        nonzero_eobs += eoba > 0 && eoba < 16;
    }
    CHECK(nonzero_eobs > 1000);
}

typedef unsigned int (*sad_fn)(const uint8_t *, int, const uint8_t *, int);
typedef void (*sad4d_fn)(const uint8_t *, int, const uint8_t *const[4], int, uint32_t[4]);
typedef uint32_t (*var_fn)(const uint8_t *, int, const uint8_t *, int, uint32_t *);
typedef uint32_t (*subvar_fn)(const uint8_t *, int, int, int, const uint8_t *, int, uint32_t *);

static const struct {
    const char *name;
    sad_fn c, simd;
    sad4d_fn c4, simd4;
    var_fn vc, vsimd;
    subvar_fn sc, ssimd;
} sizes[] = {
#define SIZE(w, h)                                                                    \
    { #w "x" #h, vpx_sad##w##x##h##_c, vpx_sad##w##x##h##_simd128,                    \
      vpx_sad##w##x##h##x4d_c, vpx_sad##w##x##h##x4d_simd128,                         \
      vpx_variance##w##x##h##_c, vpx_variance##w##x##h##_simd128,                     \
      vpx_sub_pixel_variance##w##x##h##_c, vpx_sub_pixel_variance##w##x##h##_simd128 }
    SIZE(16, 16), SIZE(16, 8), SIZE(8, 16), SIZE(8, 8),
};

TEST(simd128_sad_and_variance_are_bit_exact)
{
    static uint8_t src[PLANE], ref[PLANE];
    for (int i = 0; i < 6000; i++) {
        fill(src, PLANE, i);
        fill(ref, PLANE, i / 5 + (i & 1 ? 3 : 0));
        int ss = 16 + (int)(rnd() % 60), rs = 16 + (int)(rnd() % 60);
        const uint8_t *s = src + 16, *r = ref + 17;
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            uint32_t e1 = 0, e2 = 1, a4[4], b4[4];
            const uint8_t *refs[4] = { r, r + 1, r + rs, r + 2 * rs + 3 };
            if (sizes[k].c(s, ss, r, rs) != sizes[k].simd(s, ss, r, rs)) {
                bb_test_fail(__FILE__, __LINE__, "sad %s case %d", sizes[k].name, i);
                return;
            }
            sizes[k].c4(s, ss, refs, rs, a4);
            sizes[k].simd4(s, ss, refs, rs, b4);
            if (memcmp(a4, b4, sizeof(a4))) {
                bb_test_fail(__FILE__, __LINE__, "sad x4d %s case %d", sizes[k].name, i);
                return;
            }
            if (sizes[k].vc(s, ss, r, rs, &e1) != sizes[k].vsimd(s, ss, r, rs, &e2) || e1 != e2) {
                bb_test_fail(__FILE__, __LINE__, "variance %s case %d", sizes[k].name, i);
                return;
            }
            int xo = i % 8, yo = (i / 8) % 8;
            if (sizes[k].sc(s, ss, xo, yo, r, rs, &e1) != sizes[k].ssimd(s, ss, xo, yo, r, rs, &e2) ||
                e1 != e2) {
                bb_test_fail(__FILE__, __LINE__, "sub-pixel variance %s (%d, %d) case %d",
                             sizes[k].name, xo, yo, i);
                return;
            }
        }
        CHECK_EQ_INT(vpx_sad4x4_c(s, ss, r, rs), vpx_sad4x4_simd128(s, ss, r, rs));
        CHECK_EQ_INT(vpx_get4x4sse_cs_c(s, ss, r, rs), vpx_get4x4sse_cs_simd128(s, ss, r, rs));
        uint32_t e1 = 0, e2 = 1;
        int s1 = 0, s2 = 1;
        CHECK_EQ_INT(vpx_mse16x16_c(s, ss, r, rs, &e1), vpx_mse16x16_simd128(s, ss, r, rs, &e2));
        vpx_get16x16var_c(s, ss, r, rs, &e1, &s1);
        vpx_get16x16var_simd128(s, ss, r, rs, &e2, &s2);
        CHECK(e1 == e2 && s1 == s2);
    }
}

TEST(simd128_subtract_block_is_bit_exact)
{
    static uint8_t src[PLANE], pred[PLANE];
    static int16_t a[64 * 16], b[64 * 16];
    for (int i = 0; i < 3000; i++) {
        int rows = 4 << (i % 3), cols = 4 << ((i / 3) % 3);
        fill(src, PLANE, i);
        fill(pred, PLANE, i + 2);
        memset(a, 0, sizeof(a));
        memset(b, 0, sizeof(b));
        vpx_subtract_block_c(rows, cols, a, 64, src, STRIDE, pred, 16);
        vpx_subtract_block_simd128(rows, cols, b, 64, src, STRIDE, pred, 16);
        if (memcmp(a, b, sizeof(a))) {
            bb_test_fail(__FILE__, __LINE__, "%dx%d case %d", cols, rows, i);
            return;
        }
    }
}

typedef void (*predict_fn)(unsigned char *, int, int, int, unsigned char *, int);

TEST(simd128_vp8_sixtap_predict_is_bit_exact)
{
    static const struct { predict_fn c, simd; int w, h; } fns[] = {
        { vp8_sixtap_predict16x16_c, vp8_sixtap_predict16x16_simd128, 16, 16 },
        { vp8_sixtap_predict8x8_c, vp8_sixtap_predict8x8_simd128, 8, 8 },
        { vp8_sixtap_predict8x4_c, vp8_sixtap_predict8x4_simd128, 8, 4 },
    };
    static uint8_t src[PLANE], a[PLANE], b[PLANE];
    for (int i = 0; i < 3000; i++) {
        fill(src, PLANE, i);
        for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
            /* Every offset pair, the extremes of the taps' reach included. */
            int xo = i % 8, yo = (i / 8) % 8;
            uint8_t *s = src + 8 * STRIDE + 8 + (int)(rnd() % 16);
            memset(a, 0, PLANE);
            memset(b, 0, PLANE);
            fns[k].c(s, STRIDE, xo, yo, a, 32);
            fns[k].simd(s, STRIDE, xo, yo, b, 32);
            if (memcmp(a, b, PLANE)) {
                bb_test_fail(__FILE__, __LINE__, "%dx%d (%d, %d) case %d", fns[k].w, fns[k].h, xo, yo, i);
                return;
            }
        }
    }
}

TEST(simd128_vp8_short_fdct_is_bit_exact)
{
    short in[4 * 16], a[32], b[32];
    for (int i = 0; i < 50000; i++) {
        /* Residuals (-255..255), and well beyond them. */
        int range = i % 3 == 0 ? 511 : i % 3 == 1 ? 8191 : 31;
        for (int k = 0; k < 4 * 16; k++) in[k] = (short)((int)(rnd() % (unsigned)range) - range / 2);
        int pitch = i & 1 ? 32 : 16;   /* bytes, as the encoder passes it */
        memset(a, 0, sizeof(a));
        memset(b, 0, sizeof(b));
        vp8_short_fdct4x4_c(in, a, pitch);
        vp8_short_fdct4x4_simd128(in, b, pitch);
        if (memcmp(a, b, sizeof(a))) {
            bb_test_fail(__FILE__, __LINE__, "fdct4x4 case %d", i);
            return;
        }
        vp8_short_fdct8x4_c(in, a, 32);
        vp8_short_fdct8x4_simd128(in, b, 32);
        if (memcmp(a, b, sizeof(a))) {
            bb_test_fail(__FILE__, __LINE__, "fdct8x4 case %d", i);
            return;
        }
    }
}

TEST(simd128_vp8_inverse_transforms_are_bit_exact)
{
    static uint8_t pred[PLANE], a[PLANE], b[PLANE];
    short qa[25 * 16], qb[25 * 16], dq[16];
    char eobs[25];
    for (int i = 0; i < 20000; i++) {
        /* Dequantised coefficients as a decoder makes them, and extremes. */
        int range = i % 3 == 0 ? 2048 : i % 3 == 1 ? 65536 : 64;
        for (int k = 0; k < 25 * 16; k++)
            qa[k] = (short)((int)(rnd() % (unsigned)range) - range / 2) * (rnd() % 3 == 0);
        for (int k = 0; k < 16; k++) dq[k] = (short)(1 + rnd() % (i % 2 ? 157 : 8));
        for (int k = 0; k < 25; k++) eobs[k] = (char)(rnd() % 17);
        memcpy(qb, qa, sizeof(qa));
        fill(pred, PLANE, i);
        memcpy(a, pred, PLANE);
        memcpy(b, pred, PLANE);
        int ds = 32 + (int)(rnd() % 40);
        switch (i % 4) {
        case 0:
            vp8_short_idct4x4llm_c(qa, pred, STRIDE, a, ds);
            vp8_short_idct4x4llm_simd128(qb, pred, STRIDE, b, ds);
            break;
        case 1:
            vp8_dequant_idct_add_c(qa, dq, a + 4, ds);
            vp8_dequant_idct_add_simd128(qb, dq, b + 4, ds);
            break;
        case 2:
            vp8_dequant_idct_add_y_block_c(qa, dq, a + 8, ds, eobs);
            vp8_dequant_idct_add_y_block_simd128(qb, dq, b + 8, ds, eobs);
            break;
        default:
            vp8_dequant_idct_add_uv_block_c(qa, dq, a + 8, a + 8 + 8 * ds, ds, eobs);
            vp8_dequant_idct_add_uv_block_simd128(qb, dq, b + 8, b + 8 + 8 * ds, ds, eobs);
            break;
        }
        if (memcmp(a, b, PLANE) || memcmp(qa, qb, sizeof(qa))) {
            bb_test_fail(__FILE__, __LINE__, "kind %d case %d differs", i % 4, i);
            return;
        }
    }
}
