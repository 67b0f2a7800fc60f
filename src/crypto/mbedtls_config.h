/*
 * Mbed TLS 2.28 configuration for beeldbel: only what the engine and the
 * police CA tool use. Every extra module costs WASM bytes in a widget that
 * citizens download on a phone, so add a line here only with a user for it.
 *
 *   AES-GCM, AES-CTR + HMAC-SHA256, HKDF     SFrame (RFC 9605), message sealing
 *   X25519 (ECDH), ECDSA P-256               key agreement, officer signatures
 *   X.509 parse / CRL / write                officer certificates, revocation
 *   CTR_DRBG + entropy from getentropy()     keys; tests inject their own RNG
 */
#ifndef BEELDBEL_MBEDTLS_CONFIG_H
#define BEELDBEL_MBEDTLS_CONFIG_H

/* System support */
#if !defined(__EMSCRIPTEN__) && (defined(__x86_64__) || defined(__i386__))
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_AESNI_C
#endif
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C

/* Entropy: no /dev/urandom file I/O; mbedtls_hardware_poll() calls
 * getentropy() (src/crypto/entropy.c). */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C

/* Symmetric */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_CTR
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C

/* Public key */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C

/* Certificates */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CRL_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CRT_WRITE_C

/* Diagnostics */
#define MBEDTLS_ERROR_C
#define MBEDTLS_VERSION_C

#include "mbedtls/check_config.h"

#endif /* BEELDBEL_MBEDTLS_CONFIG_H */
