/*
 * make bench: each of libvpx's WebAssembly SIMD kernels against the C
 * function it replaces, in the same module and run, on a 640x360 frame's
 * worth of blocks: "bench vpx.<kernel>.simd128_over_c <speedup> ratio".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "./vp8_rtcd.h"
#include "./vpx_dsp_rtcd.h"
#include "vp8/common/loopfilter.h"
#include "vp8/encoder/block.h"
#include "synth.h"

#define W 704
#define H 416
static unsigned char frame[W * H], ref[W * H], out[W * H];
static volatile unsigned sink;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds for reps runs of fn, the best of three. */
static double best_of(void (*fn)(int), int reps)
{
    double best = 1e9;
    for (int k = 0; k < 3; k++) {
        double t = now_s();
        for (int i = 0; i < reps; i++) fn(i);
        t = now_s() - t;
        if (t < best) best = t;
    }
    return best;
}

static void report(const char *name, void (*c)(int), void (*simd)(int), int reps)
{
    double tc = best_of(c, reps), ts = best_of(simd, reps);
    printf("bench vpx.%s.simd128_over_c %.2f ratio\n", name, tc / ts);
    fflush(stdout);
}
/* kernel: the bench line's name; fn: the pair fn_c / fn_simd128 below. */
#define REPORT(kernel, fn, reps) report(#kernel, fn##_c, fn##_simd128, reps)

/* One pass over the frame's 16x16 blocks (40 x 22 of them). */
#define BLOCKS(body)                                        \
    for (int by = 1; by < 23; by++)                         \
        for (int bx = 1; bx < 41; bx++) {                   \
            unsigned char *p = frame + by * 16 * W + bx * 16; \
            unsigned char *r = ref + by * 16 * W + bx * 16 + (i & 3); \
            (void)p; (void)r;                               \
            body;                                           \
        }

static unsigned char mblim[16], blim[16], lim[16], thr[16];
static loop_filter_info lfi = { mblim, blim, lim, thr };

#define LF(flavour, name) \
    static void name##_##flavour(int i) { (void)i; BLOCKS(vp8_##name##_##flavour(p, 0, 0, W, W, &lfi)) }
LF(c, loop_filter_mbh) LF(simd128, loop_filter_mbh)
LF(c, loop_filter_mbv) LF(simd128, loop_filter_mbv)
LF(c, loop_filter_bh) LF(simd128, loop_filter_bh)
LF(c, loop_filter_bv) LF(simd128, loop_filter_bv)

#define SIXTAP(flavour)                                                                     \
    static void sixtap16_##flavour(int i)                                                   \
    {                                                                                       \
        BLOCKS(vp8_sixtap_predict16x16_##flavour(p, W, 1 + i % 7, 1 + (i / 7) % 7, out, 16)) \
    }
SIXTAP(c) SIXTAP(simd128)

#define SAD(flavour) \
    static void sad16_##flavour(int i) { BLOCKS(sink += vpx_sad16x16_##flavour(p, W, r, W)) }
SAD(c) SAD(simd128)

#define VAR(flavour) \
    static void var16_##flavour(int i) { unsigned sse; BLOCKS(sink += vpx_variance16x16_##flavour(p, W, r, W, &sse)) }
VAR(c) VAR(simd128)

#define SUBVAR(flavour)                                                                   \
    static void subvar16_##flavour(int i)                                                 \
    {                                                                                     \
        unsigned sse;                                                                     \
        BLOCKS(sink += vpx_sub_pixel_variance16x16_##flavour(p, W, i % 8, (i / 8) % 8, r, W, &sse)) \
    }
SUBVAR(c) SUBVAR(simd128)

static short coeff[16 * 24], round_[16], quant[16], dequant[16], qc[16], dqc[16];
static char eob;
#define QUANT(flavour)                                                   \
    static void quant_##flavour(int i)                                   \
    {                                                                    \
        BLOCK b = { 0 };                                                 \
        BLOCKD d = { 0 };                                                \
        b.round = round_; b.quant_fast = quant;                          \
        d.qcoeff = qc; d.dqcoeff = dqc; d.dequant = dequant; d.eob = &eob; \
        BLOCKS(b.coeff = coeff + 16 * ((bx + i) % 24); vp8_fast_quantize_b_##flavour(&b, &d))  \
    }
QUANT(c) QUANT(simd128)

static short residual[16 * 16], dct_out[32];
#define FDCT(flavour) \
    static void fdct_##flavour(int i) { (void)i; BLOCKS(vp8_short_fdct8x4_##flavour(residual + (bx & 7) * 32, dct_out, 32)) }
FDCT(c) FDCT(simd128)

#define DC(flavour) \
    static void dc_##flavour(int i) { BLOCKS(vp8_dc_only_idct_add_##flavour((short)(i * 37 - 500), r, W, p, W)) }
DC(c) DC(simd128)

static short qcoef[256], qwork[256], dqv[16];
static char eobs[16];
#define IDCT(flavour)                                                             \
    static void idct_##flavour(int i)                                             \
    {                                                                             \
        (void)i;                                                                  \
        BLOCKS(memcpy(qwork, qcoef, sizeof(qwork));                               \
               vp8_dequant_idct_add_y_block_##flavour(qwork, dqv, p, W, eobs))    \
    }
IDCT(c) IDCT(simd128)

static short diff[256];
#define SUB(flavour) \
    static void sub_##flavour(int i) { BLOCKS(vpx_subtract_block_##flavour(16, 16, diff, 16, p, W, r, W)) }
SUB(c) SUB(simd128)

int main(void)
{
    uint32_t s = 12345;
    for (int i = 0; i < W * H; i++) {
        uint32_t r = synth_random(&s);
        frame[i] = (unsigned char)(128 + ((i % W) / 7 + (i / W) / 5) % 64 + ((r >> 16) & 7));
        ref[i] = (unsigned char)(frame[i] + ((r >> 20) & 3) - 1);
    }
    memset(mblim, 40, 16); memset(blim, 30, 16); memset(lim, 10, 16); memset(thr, 2, 16);
    for (int i = 0; i < 16; i++) { round_[i] = 20; quant[i] = 1200; dequant[i] = 54; }
    for (int i = 0; i < 16 * 24; i++) coeff[i] = (short)((i * 97) % 600 - 300);
    for (int i = 0; i < 256; i++) residual[i] = (short)((i * 31) % 64 - 32);
    /* Half the blocks with more than a DC coefficient, as in a busy frame. */
    for (int i = 0; i < 256; i++) qcoef[i] = (short)(i % 16 < 3 ? (i * 13) % 40 - 20 : 0);
    for (int i = 0; i < 16; i++) { dqv[i] = 30; eobs[i] = (char)(i % 2 ? 3 : 1); }
    REPORT(loop_filter_mbh, loop_filter_mbh, 40);
    REPORT(loop_filter_mbv, loop_filter_mbv, 40);
    REPORT(loop_filter_bh, loop_filter_bh, 20);
    REPORT(loop_filter_bv, loop_filter_bv, 20);
    REPORT(sixtap_predict16x16, sixtap16, 20);
    REPORT(sad16x16, sad16, 100);
    REPORT(variance16x16, var16, 100);
    REPORT(sub_pixel_variance16x16, subvar16, 40);
    REPORT(fast_quantize_b, quant, 200);
    REPORT(short_fdct8x4, fdct, 200);
    REPORT(dc_only_idct_add, dc, 200);
    REPORT(dequant_idct_add_y_block, idct, 40);
    REPORT(subtract_block16x16, sub, 100);
    return 0;
}
