/*
 * I420 down-scaling for rate control (bilinear, integer). Plain C: it runs
 * once per sent frame only when the encoder works below camera size.
 */
#include "scale.h"

static void scale_plane(const uint8_t *src, int sw, int sh, int sstride,
                        uint8_t *dst, int dw, int dh)
{
    /* 16.16 fixed-point source position of each destination pixel centre. */
    int64_t xstep = ((int64_t)sw << 16) / dw, ystep = ((int64_t)sh << 16) / dh;
    for (int y = 0; y < dh; y++) {
        int64_t sy = (y * ystep) + (ystep >> 1) - 0x8000;
        if (sy < 0)
            sy = 0;
        int y0 = (int)(sy >> 16), fy = (int)(sy & 0xffff) >> 8;
        int y1 = y0 + 1 < sh ? y0 + 1 : sh - 1;
        const uint8_t *r0 = src + (size_t)y0 * sstride, *r1 = src + (size_t)y1 * sstride;
        for (int x = 0; x < dw; x++) {
            int64_t sx = (x * xstep) + (xstep >> 1) - 0x8000;
            if (sx < 0)
                sx = 0;
            int x0 = (int)(sx >> 16), fx = (int)(sx & 0xffff) >> 8;
            int x1 = x0 + 1 < sw ? x0 + 1 : sw - 1;
            int top = r0[x0] * (256 - fx) + r0[x1] * fx;
            int bot = r1[x0] * (256 - fx) + r1[x1] * fx;
            dst[(size_t)y * dw + x] = (uint8_t)((top * (256 - fy) + bot * fy + 32768) >> 16);
        }
    }
}

void bbm_media_scale_i420(const bb_image *src, uint8_t *dst, int dw, int dh)
{
    uint8_t *d = dst;
    for (int p = 0; p < 3; p++) {
        int sw = p ? src->width / 2 : src->width, sh = p ? src->height / 2 : src->height;
        int pw = p ? dw / 2 : dw, ph = p ? dh / 2 : dh;
        scale_plane(src->plane[p], sw, sh, src->stride[p], d, pw, ph);
        d += (size_t)pw * ph;
    }
}
