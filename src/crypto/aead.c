/* AES-GCM sealing of single messages; the building block of SFrame. */
#include <string.h>

#include <mbedtls/gcm.h>
#include <mbedtls/platform_util.h>

#include "beeldbel/crypto.h"
#include "beeldbel/error.h"

static int gcm_start(mbedtls_gcm_context *gcm, const uint8_t *key, size_t key_len)
{
    if (!key || (key_len != 16 && key_len != 32))
        return BB_E_ARG;
    mbedtls_gcm_init(gcm);
    if (mbedtls_gcm_setkey(gcm, MBEDTLS_CIPHER_ID_AES, key,
                           (unsigned)(key_len * 8)) != 0) {
        mbedtls_gcm_free(gcm);
        return BB_E_CRYPTO;
    }
    return BB_OK;
}

static int args_ok(const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                   const uint8_t *in, size_t in_len, const uint8_t *out,
                   const size_t *out_len)
{
    return nonce && out && out_len && (aad || !aad_len) && (in || !in_len);
}

int bb_aead_seal(const uint8_t *key, size_t key_len,
                 const uint8_t nonce[BB_AEAD_NONCE_LEN],
                 const uint8_t *aad, size_t aad_len,
                 const uint8_t *pt, size_t pt_len,
                 uint8_t *out, size_t cap, size_t *out_len)
{
    if (!args_ok(nonce, aad, aad_len, pt, pt_len, out, out_len))
        return BB_E_ARG;
    *out_len = 0;
    if (pt_len > SIZE_MAX - BB_AEAD_TAG_LEN || cap < pt_len + BB_AEAD_TAG_LEN)
        return BB_E_BUFFER;
    mbedtls_gcm_context gcm;
    int rc = gcm_start(&gcm, key, key_len);
    if (rc)
        return rc;
    if (mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, pt_len, nonce,
                                  BB_AEAD_NONCE_LEN, aad, aad_len, pt, out,
                                  BB_AEAD_TAG_LEN, out + pt_len) != 0)
        rc = BB_E_CRYPTO;
    mbedtls_gcm_free(&gcm);
    if (rc == BB_OK)
        *out_len = pt_len + BB_AEAD_TAG_LEN;
    return rc;
}

int bb_aead_open(const uint8_t *key, size_t key_len,
                 const uint8_t nonce[BB_AEAD_NONCE_LEN],
                 const uint8_t *aad, size_t aad_len,
                 const uint8_t *ct, size_t ct_len,
                 uint8_t *out, size_t cap, size_t *out_len)
{
    if (!args_ok(nonce, aad, aad_len, ct, ct_len, out, out_len))
        return BB_E_ARG;
    *out_len = 0;
    if (ct_len < BB_AEAD_TAG_LEN)
        return BB_E_AUTH;
    size_t pt_len = ct_len - BB_AEAD_TAG_LEN;
    if (cap < pt_len)
        return BB_E_BUFFER;
    mbedtls_gcm_context gcm;
    int rc = gcm_start(&gcm, key, key_len);
    if (rc)
        return rc;
    int r = mbedtls_gcm_auth_decrypt(&gcm, pt_len, nonce, BB_AEAD_NONCE_LEN,
                                     aad, aad_len, ct + pt_len, BB_AEAD_TAG_LEN,
                                     ct, out);
    mbedtls_gcm_free(&gcm);
    if (r == MBEDTLS_ERR_GCM_AUTH_FAILED) {
        /* Never hand out unauthenticated plaintext. */
        mbedtls_platform_zeroize(out, pt_len);
        return BB_E_AUTH;
    }
    if (r != 0)
        return BB_E_CRYPTO;
    *out_len = pt_len;
    return BB_OK;
}
