/* The shared trimmed Mbed TLS config plus SHA-1, for the contact service
 * only: Janus's signed tokens are HMAC-SHA1 (a format we don't choose).
 * The engine's libmbedcrypto stays without SHA-1; the service compiles
 * Mbed TLS's sha1.c on its own with this config (Makefile, contact section). */
#include "mbedtls/beeldbel_config.h"
#define MBEDTLS_SHA1_C
