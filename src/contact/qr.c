/*
 * QR codes (ISO/IEC 18004) for the second factor's enrolment: the
 * otpauth:// link an authenticator app scans. Byte mode, error correction
 * level M, versions 1 to 9 (up to 180 bytes), the mask with the lowest
 * penalty. Nothing but the symbol: the console draws the modules.
 */
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"

/* Level M, per version 1..9: EC codewords per block, blocks in group 1 and
 * their data codewords, blocks in group 2 (one data codeword more). */
static const struct {
    uint8_t ec, b1, d1, b2;
} level_m[10] = {
    {0, 0, 0, 0},   {10, 1, 16, 0}, {16, 1, 28, 0}, {26, 1, 44, 0}, {18, 2, 32, 0},
    {24, 2, 43, 0}, {16, 4, 27, 0}, {18, 4, 31, 0}, {22, 2, 38, 2}, {22, 3, 36, 2},
};
/* Second alignment coordinate (the first is 6; version 7+ has a third between). */
static const uint8_t align_last[10] = {0, 0, 18, 22, 26, 30, 34, 38, 42, 46};
static const uint32_t version_bits[10] = {0, 0, 0, 0, 0, 0, 0, 0x07C94, 0x085BC, 0x09A99};

typedef struct {
    int n;
    uint8_t *m;              /* n*n: bit 0 dark, bit 1 function module */
} grid;

static void put(grid *g, int x, int y, int dark)
{
    g->m[y * g->n + x] = (uint8_t)(2 | (dark ? 1 : 0));
}

static void finder(grid *g, int cx, int cy)
{
    for (int dy = -4; dy <= 4; dy++)
        for (int dx = -4; dx <= 4; dx++) {
            int x = cx + dx, y = cy + dy, d = dx < 0 ? -dx : dx, e = dy < 0 ? -dy : dy;
            int r = d > e ? d : e;
            if (x >= 0 && y >= 0 && x < g->n && y < g->n)
                put(g, x, y, r != 2 && r != 4);
        }
}

static void alignment(grid *g, int cx, int cy)
{
    for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++) {
            int d = dx < 0 ? -dx : dx, e = dy < 0 ? -dy : dy;
            put(g, cx + dx, cy + dy, (d > e ? d : e) != 1);
        }
}

/* Format bits: level M (00) and the mask, BCH(15,5), XOR 0x5412. */
static void format_info(grid *g, int mask)
{
    uint32_t data = (uint32_t)mask, rem = data;
    for (int i = 0; i < 10; i++)
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    uint32_t bits = ((data << 10) | rem) ^ 0x5412;
    int n = g->n;
    for (int i = 0; i <= 5; i++)
        put(g, 8, i, (bits >> i) & 1);
    put(g, 8, 7, (bits >> 6) & 1);
    put(g, 8, 8, (bits >> 7) & 1);
    put(g, 7, 8, (bits >> 8) & 1);
    for (int i = 9; i < 15; i++)
        put(g, 14 - i, 8, (bits >> i) & 1);
    for (int i = 0; i < 8; i++)
        put(g, n - 1 - i, 8, (bits >> i) & 1);
    for (int i = 8; i < 15; i++)
        put(g, 8, n - 15 + i, (bits >> i) & 1);
    put(g, 8, n - 8, 1); /* the dark module */
}

static void function_patterns(grid *g, int version)
{
    int n = g->n;
    for (int i = 0; i < n; i++) {
        put(g, 6, i, i % 2 == 0);
        put(g, i, 6, i % 2 == 0);
    }
    finder(g, 3, 3);
    finder(g, n - 4, 3);
    finder(g, 3, n - 4);
    if (version >= 2) {
        int pos[3], k = 0;
        pos[k++] = 6;
        if (version >= 7)
            pos[k++] = (6 + align_last[version]) / 2;
        pos[k++] = align_last[version];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                if (!((i == 0 && j == 0) || (i == 0 && j == k - 1) || (i == k - 1 && j == 0)))
                    alignment(g, pos[i], pos[j]);
    }
    format_info(g, 0); /* reserves the format areas; written again with the mask */
    if (version >= 7)
        for (int i = 0; i < 18; i++) {
            int bit = (version_bits[version] >> i) & 1, a = n - 11 + i % 3, b = i / 3;
            put(g, a, b, bit);
            put(g, b, a, bit);
        }
}

/* GF(256) with x^8+x^4+x^3+x^2+1. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    for (int i = 7; i >= 0; i--) {
        r = (uint8_t)((r << 1) ^ ((r >> 7) * 0x1D));
        if ((b >> i) & 1)
            r ^= a;
    }
    return r;
}

/* ec_len Reed-Solomon codewords of data into ec. */
static void reed_solomon(const uint8_t *data, int len, uint8_t *ec, int ec_len)
{
    uint8_t gen[32] = {0};
    gen[ec_len - 1] = 1;
    uint8_t root = 1;
    for (int i = 0; i < ec_len; i++) {
        for (int j = 0; j < ec_len; j++) {
            gen[j] = gf_mul(gen[j], root);
            if (j + 1 < ec_len)
                gen[j] ^= gen[j + 1];
        }
        root = gf_mul(root, 2);
    }
    memset(ec, 0, (size_t)ec_len);
    for (int i = 0; i < len; i++) {
        uint8_t f = data[i] ^ ec[0];
        memmove(ec, ec + 1, (size_t)ec_len - 1);
        ec[ec_len - 1] = 0;
        for (int j = 0; j < ec_len; j++)
            ec[j] ^= gf_mul(gen[j], f);
    }
}

static int mask_bit(int mask, int x, int y)
{
    switch (mask) {
    case 0: return (x + y) % 2 == 0;
    case 1: return y % 2 == 0;
    case 2: return x % 3 == 0;
    case 3: return (x + y) % 3 == 0;
    case 4: return (x / 3 + y / 2) % 2 == 0;
    case 5: return x * y % 2 + x * y % 3 == 0;
    case 6: return (x * y % 2 + x * y % 3) % 2 == 0;
    default: return ((x + y) % 2 + x * y % 3) % 2 == 0;
    }
}

/* The standard's four penalty rules. */
static long penalty(const grid *g)
{
    int n = g->n;
    long p = 0, dark = 0;
#define AT(x, y) (g->m[(y) * n + (x)] & 1)
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < n; a++) {
            int run = 1;
            for (int b = 1; b <= n; b++) {
                int same = b < n && (pass ? AT(a, b) == AT(a, b - 1) : AT(b, a) == AT(b - 1, a));
                if (same) {
                    run++;
                } else {
                    if (run >= 5)
                        p += run - 2;
                    run = 1;
                }
            }
            for (int b = 0; b + 7 <= n; b++) {
                static const int pat[7] = {1, 0, 1, 1, 1, 0, 1};
                int ok = 1;
                for (int k = 0; k < 7 && ok; k++)
                    ok = (pass ? AT(a, b + k) : AT(b + k, a)) == pat[k];
                if (!ok)
                    continue;
                int before = 1, after = 1;
                for (int k = 1; k <= 4; k++) {
                    if (b - k >= 0 && (pass ? AT(a, b - k) : AT(b - k, a)))
                        before = 0;
                    if (b + 6 + k < n && (pass ? AT(a, b + 6 + k) : AT(b + 6 + k, a)))
                        after = 0;
                }
                if (before || after)
                    p += 40;
            }
        }
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            dark += AT(x, y);
            if (x + 1 < n && y + 1 < n && AT(x, y) == AT(x + 1, y) && AT(x, y) == AT(x, y + 1) &&
                AT(x, y) == AT(x + 1, y + 1))
                p += 3;
        }
    long pct = dark * 100 / ((long)n * n), dev = pct < 50 ? 50 - pct : pct - 50;
    p += dev / 5 * 10;
#undef AT
    return p;
}

int bb_qr_encode(const uint8_t *data, size_t len, uint8_t *modules, int *size)
{
    if (!data || !modules || !size)
        return BB_E_ARG;
    int version = 1;
    for (; version <= 9; version++) {
        int cap = level_m[version].b1 * level_m[version].d1 + level_m[version].b2 * (level_m[version].d1 + 1);
        if ((int)len * 8 + 12 <= cap * 8)
            break;
    }
    if (version > 9)
        return BB_E_BUFFER;
    const int n = 17 + 4 * version, blocks = level_m[version].b1 + level_m[version].b2;
    const int ec_len = level_m[version].ec, d1 = level_m[version].d1;
    const int ndata = level_m[version].b1 * d1 + level_m[version].b2 * (d1 + 1);

    /* Mode 0100, 8-bit count, the bytes, terminator, padding. */
    uint8_t cw[BB_QR_MAX_CODEWORDS] = {0};
    int bit = 0;
#define PUSH(v, nbits)                                                                           \
    for (int i_ = (nbits)-1; i_ >= 0; i_--, bit++)                                                \
        if (((v) >> i_) & 1)                                                                      \
            cw[bit >> 3] |= (uint8_t)(0x80 >> (bit & 7));
    PUSH(4u, 4);
    PUSH((unsigned)len, 8);
    for (size_t i = 0; i < len; i++)
        PUSH((unsigned)data[i], 8);
#undef PUSH
    bit += 4; /* terminator (at most what fits), then to a byte boundary */
    int used = (bit + 7) / 8;
    if (used > ndata)
        used = ndata;
    for (int i = used, k = 0; i < ndata; i++, k++)
        cw[i] = k % 2 ? 0x11 : 0xEC;

    /* Blocks, their EC codewords, interleaved. */
    uint8_t ec[9][32], out[BB_QR_MAX_CODEWORDS];
    int start[9], dlen[9], total = 0;
    for (int b = 0, off = 0; b < blocks; b++) {
        dlen[b] = d1 + (b >= level_m[version].b1);
        start[b] = off;
        reed_solomon(cw + off, dlen[b], ec[b], ec_len);
        off += dlen[b];
    }
    for (int i = 0; i <= d1; i++)
        for (int b = 0; b < blocks; b++)
            if (i < dlen[b])
                out[total++] = cw[start[b] + i];
    for (int i = 0; i < ec_len; i++)
        for (int b = 0; b < blocks; b++)
            out[total++] = ec[b][i];

    /* Function patterns, then the codewords in the zigzag. */
    uint8_t base[BB_QR_MAX_SIZE * BB_QR_MAX_SIZE] = {0};
    grid g = {n, base};
    function_patterns(&g, version);
    int k = 0;
    for (int right = n - 1; right >= 1; right -= 2) {
        if (right == 6)
            right = 5;
        for (int vert = 0; vert < n; vert++)
            for (int j = 0; j < 2; j++) {
                int x = right - j, upward = ((right + 1) & 2) == 0;
                int y = upward ? n - 1 - vert : vert;
                if (base[y * n + x] & 2)
                    continue;
                if (k < total * 8 && ((out[k >> 3] >> (7 - (k & 7))) & 1))
                    base[y * n + x] = 1;
                k++;
            }
    }

    /* The mask with the least penalty. */
    uint8_t trial[BB_QR_MAX_SIZE * BB_QR_MAX_SIZE];
    long best = -1;
    for (int mask = 0; mask < 8; mask++) {
        memcpy(trial, base, (size_t)n * n);
        grid t = {n, trial};
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                if (!(trial[y * n + x] & 2) && mask_bit(mask, x, y))
                    trial[y * n + x] ^= 1;
        format_info(&t, mask);
        long p = penalty(&t);
        if (best < 0 || p < best) {
            best = p;
            for (int i = 0; i < n * n; i++)
                modules[i] = trial[i] & 1;
        }
    }
    *size = n;
    return BB_OK;
}
