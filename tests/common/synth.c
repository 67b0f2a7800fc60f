#include <math.h>

#include "synth.h"

uint32_t synth_random(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

void synth_video_frame(uint8_t *i420, int w, int h, int t)
{
    uint8_t *y = i420, *u = i420 + w * h, *v = u + (w / 2) * (h / 2);
    uint32_t seed = 0x9e3779b9u ^ (uint32_t)t;
    int bx = (t * 7) % (w - 64 > 0 ? w - 64 : 1);
    int by = (t * 3) % (h - 64 > 0 ? h - 64 : 1);
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            int val = (c * 255 / w + r * 64 / h) & 0xff;
            if (c >= bx && c < bx + 64 && r >= by && r < by + 64)
                val = 235 - val / 4;
            val += (int)(synth_random(&seed) & 3) - 1;
            y[r * w + c] = (uint8_t)(val < 16 ? 16 : val > 235 ? 235 : val);
        }
    }
    for (int r = 0; r < h / 2; r++) {
        for (int c = 0; c < w / 2; c++) {
            u[r * (w / 2) + c] = (uint8_t)(128 + (c - w / 4) * 40 / w);
            v[r * (w / 2) + c] = (uint8_t)(128 + (r - h / 4) * 40 / h);
        }
    }
}

/* Integer-only, so native and WASM feed the codec identical samples
 * (libm's sin() differs between glibc and musl in the last bits). */
static int triangle(uint32_t phase) /* phase: 16.16 turns; returns -32768..32767 */
{
    int p = (int)(phase & 0xffff);
    return p < 0x8000 ? p * 2 - 0x8000 : 0x17fff - p * 2;
}

void synth_audio_frame(int16_t *pcm, int t)
{
    for (int i = 0; i < 960; i++) {
        uint32_t n = (uint32_t)t * 960u + (uint32_t)i;
        int a = triangle((uint32_t)((uint64_t)n * 220 * 65536 / 48000));
        int b = triangle((uint32_t)((uint64_t)n * 660 * 65536 / 48000));
        int env = triangle((uint32_t)((uint64_t)n * 4 * 65536 / 48000)) / 2 + 16384;
        int x = (a * 6 + b * 3) / 10;
        pcm[i] = (int16_t)((long long)x * env / 32768 * 3 / 8);
    }
}

double synth_psnr_i420(const uint8_t *a, const uint8_t *b, int w, int h)
{
    size_t n = (size_t)w * h * 3 / 2;
    double se = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        se += d * d;
    }
    if (se == 0)
        return 99.0;
    return 10 * log10(255.0 * 255.0 * n / se);
}
