/* AES-GCM sealing: known-answer vectors and tamper rejection. */
#include "beeldbel/crypto.h"
#include "beeldbel/error.h"
#include "../common/bb_test.h"

static void unhex(const char *h, uint8_t *out, size_t *n)
{
    size_t i = 0;
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[i++] = (uint8_t)v;
    }
    *n = i;
}

/* "The Galois/Counter Mode of Operation" (McGrew & Viega), test case 4. */
TEST(aes128_gcm_known_answer)
{
    uint8_t key[16], iv[12], aad[20], pt[60], ct[76], expect[76], back[60];
    size_t n, kl, il, al, pl, el;
    unhex("feffe9928665731c6d6a8f9467308308", key, &kl);
    unhex("cafebabefacedbaddecaf888", iv, &il);
    unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, &al);
    unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", pt, &pl);
    unhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
          "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
          "5bc94fbc3221a5db94fae95ae7121a47", expect, &el);
    CHECK_OK(bb_aead_seal(key, kl, iv, aad, al, pt, pl, ct, sizeof(ct), &n));
    CHECK_EQ_INT(n, el);
    CHECK(memcmp(ct, expect, el) == 0);
    CHECK_OK(bb_aead_open(key, kl, iv, aad, al, ct, n, back, sizeof(back), &n));
    CHECK_EQ_INT(n, pl);
    CHECK(memcmp(back, pt, pl) == 0);
}

/* Same paper, test case 16 (AES-256). */
TEST(aes256_gcm_known_answer)
{
    uint8_t key[32], iv[12], aad[20], pt[60], ct[76], expect[76];
    size_t n, kl, il, al, pl, el;
    unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", key, &kl);
    unhex("cafebabefacedbaddecaf888", iv, &il);
    unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, &al);
    unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", pt, &pl);
    unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
          "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
          "76fc6ece0f4e1768cddf8853bb2d551b", expect, &el);
    CHECK_OK(bb_aead_seal(key, kl, iv, aad, al, pt, pl, ct, sizeof(ct), &n));
    CHECK(n == el && memcmp(ct, expect, el) == 0);
}

TEST(aead_any_flipped_bit_is_rejected)
{
    uint8_t key[16] = {1}, iv[12] = {2}, aad[4] = {'h', 'd', 'r', 0};
    uint8_t pt[40], ct[56], back[40];
    size_t n, m;
    for (int i = 0; i < 40; i++)
        pt[i] = (uint8_t)i;
    CHECK_OK(bb_aead_seal(key, 16, iv, aad, 4, pt, 40, ct, sizeof(ct), &n));
    for (size_t bit = 0; bit < n * 8; bit++) {
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK_EQ_INT(bb_aead_open(key, 16, iv, aad, 4, ct, n, back, sizeof(back), &m), BB_E_AUTH);
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    aad[0] ^= 1; /* header is authenticated too */
    CHECK_EQ_INT(bb_aead_open(key, 16, iv, aad, 4, ct, n, back, sizeof(back), &m), BB_E_AUTH);
    aad[0] ^= 1;
    iv[0] ^= 1;
    CHECK_EQ_INT(bb_aead_open(key, 16, iv, aad, 4, ct, n, back, sizeof(back), &m), BB_E_AUTH);
    iv[0] ^= 1;
    CHECK_EQ_INT(bb_aead_open(key, 16, iv, aad, 4, ct, 15, back, sizeof(back), &m), BB_E_AUTH);
    CHECK_OK(bb_aead_open(key, 16, iv, aad, 4, ct, n, back, sizeof(back), &m));
    CHECK(m == 40 && memcmp(back, pt, 40) == 0);
}

TEST(aead_rejects_bad_arguments)
{
    uint8_t key[24] = {0}, iv[12] = {0}, buf[64];
    size_t n;
    CHECK_EQ_INT(bb_aead_seal(key, 24, iv, NULL, 0, buf, 8, buf + 32, 32, &n), BB_E_ARG);
    CHECK_EQ_INT(bb_aead_seal(key, 16, iv, NULL, 0, buf, 20, buf + 32, 32, &n), BB_E_BUFFER);
    CHECK_EQ_INT(bb_aead_seal(key, 16, NULL, NULL, 0, buf, 8, buf + 32, 32, &n), BB_E_ARG);
    CHECK_EQ_INT(bb_aead_seal(key, 16, iv, NULL, 5, buf, 8, buf + 32, 32, &n), BB_E_ARG);
}

TEST(os_random_is_not_constant)
{
    uint8_t a[300], b[300];
    CHECK_OK(bb_random_os(a, sizeof(a)));
    CHECK_OK(bb_random_os(b, sizeof(b)));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
}

TEST(crypto_version_is_debian_source)
{
    CHECK(strstr(bb_crypto_version(), "2.28.3") != NULL);
}
