/*
 * SFrame (RFC 9605): every test vector of the RFC's Appendix C, then the
 * behaviour the engine relies on: any flipped bit, a replay, an unknown or
 * removed key is rejected and counted.
 */
#include <stdlib.h>

#include "beeldbel/error.h"
#include "beeldbel/sframe.h"
#include "../common/bb_test.h"

static size_t unhex(const char *h, uint8_t *out)
{
    size_t i = 0;
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[i++] = (uint8_t)v;
    }
    return i;
}

/* The vectors below are copied from RFC 9605 Appendix C (sections named). */
/* RFC 9605 Appendix C.1: header encoding, all 289 cases (kid, ctr, header). */
static const struct hdr_vec { uint64_t kid, ctr; const char *hex; } rfc_headers[] = {
    {0x0ull, 0x0ull, "00"},
    {0x0ull, 0x1ull, "01"},
    {0x0ull, 0xffull, "08ff"},
    {0x0ull, 0x100ull, "090100"},
    {0x0ull, 0xffffull, "09ffff"},
    {0x0ull, 0x10000ull, "0a010000"},
    {0x0ull, 0xffffffull, "0affffff"},
    {0x0ull, 0x1000000ull, "0b01000000"},
    {0x0ull, 0xffffffffull, "0bffffffff"},
    {0x0ull, 0x100000000ull, "0c0100000000"},
    {0x0ull, 0xffffffffffull, "0cffffffffff"},
    {0x0ull, 0x10000000000ull, "0d010000000000"},
    {0x0ull, 0xffffffffffffull, "0dffffffffffff"},
    {0x0ull, 0x1000000000000ull, "0e01000000000000"},
    {0x0ull, 0xffffffffffffffull, "0effffffffffffff"},
    {0x0ull, 0x100000000000000ull, "0f0100000000000000"},
    {0x0ull, 0xffffffffffffffffull, "0fffffffffffffffff"},
    {0x1ull, 0x0ull, "10"},
    {0x1ull, 0x1ull, "11"},
    {0x1ull, 0xffull, "18ff"},
    {0x1ull, 0x100ull, "190100"},
    {0x1ull, 0xffffull, "19ffff"},
    {0x1ull, 0x10000ull, "1a010000"},
    {0x1ull, 0xffffffull, "1affffff"},
    {0x1ull, 0x1000000ull, "1b01000000"},
    {0x1ull, 0xffffffffull, "1bffffffff"},
    {0x1ull, 0x100000000ull, "1c0100000000"},
    {0x1ull, 0xffffffffffull, "1cffffffffff"},
    {0x1ull, 0x10000000000ull, "1d010000000000"},
    {0x1ull, 0xffffffffffffull, "1dffffffffffff"},
    {0x1ull, 0x1000000000000ull, "1e01000000000000"},
    {0x1ull, 0xffffffffffffffull, "1effffffffffffff"},
    {0x1ull, 0x100000000000000ull, "1f0100000000000000"},
    {0x1ull, 0xffffffffffffffffull, "1fffffffffffffffff"},
    {0xffull, 0x0ull, "80ff"},
    {0xffull, 0x1ull, "81ff"},
    {0xffull, 0xffull, "88ffff"},
    {0xffull, 0x100ull, "89ff0100"},
    {0xffull, 0xffffull, "89ffffff"},
    {0xffull, 0x10000ull, "8aff010000"},
    {0xffull, 0xffffffull, "8affffffff"},
    {0xffull, 0x1000000ull, "8bff01000000"},
    {0xffull, 0xffffffffull, "8bffffffffff"},
    {0xffull, 0x100000000ull, "8cff0100000000"},
    {0xffull, 0xffffffffffull, "8cffffffffffff"},
    {0xffull, 0x10000000000ull, "8dff010000000000"},
    {0xffull, 0xffffffffffffull, "8dffffffffffffff"},
    {0xffull, 0x1000000000000ull, "8eff01000000000000"},
    {0xffull, 0xffffffffffffffull, "8effffffffffffffff"},
    {0xffull, 0x100000000000000ull, "8fff0100000000000000"},
    {0xffull, 0xffffffffffffffffull, "8fffffffffffffffffff"},
    {0x100ull, 0x0ull, "900100"},
    {0x100ull, 0x1ull, "910100"},
    {0x100ull, 0xffull, "980100ff"},
    {0x100ull, 0x100ull, "9901000100"},
    {0x100ull, 0xffffull, "990100ffff"},
    {0x100ull, 0x10000ull, "9a0100010000"},
    {0x100ull, 0xffffffull, "9a0100ffffff"},
    {0x100ull, 0x1000000ull, "9b010001000000"},
    {0x100ull, 0xffffffffull, "9b0100ffffffff"},
    {0x100ull, 0x100000000ull, "9c01000100000000"},
    {0x100ull, 0xffffffffffull, "9c0100ffffffffff"},
    {0x100ull, 0x10000000000ull, "9d0100010000000000"},
    {0x100ull, 0xffffffffffffull, "9d0100ffffffffffff"},
    {0x100ull, 0x1000000000000ull, "9e010001000000000000"},
    {0x100ull, 0xffffffffffffffull, "9e0100ffffffffffffff"},
    {0x100ull, 0x100000000000000ull, "9f01000100000000000000"},
    {0x100ull, 0xffffffffffffffffull, "9f0100ffffffffffffffff"},
    {0xffffull, 0x0ull, "90ffff"},
    {0xffffull, 0x1ull, "91ffff"},
    {0xffffull, 0xffull, "98ffffff"},
    {0xffffull, 0x100ull, "99ffff0100"},
    {0xffffull, 0xffffull, "99ffffffff"},
    {0xffffull, 0x10000ull, "9affff010000"},
    {0xffffull, 0xffffffull, "9affffffffff"},
    {0xffffull, 0x1000000ull, "9bffff01000000"},
    {0xffffull, 0xffffffffull, "9bffffffffffff"},
    {0xffffull, 0x100000000ull, "9cffff0100000000"},
    {0xffffull, 0xffffffffffull, "9cffffffffffffff"},
    {0xffffull, 0x10000000000ull, "9dffff010000000000"},
    {0xffffull, 0xffffffffffffull, "9dffffffffffffffff"},
    {0xffffull, 0x1000000000000ull, "9effff01000000000000"},
    {0xffffull, 0xffffffffffffffull, "9effffffffffffffffff"},
    {0xffffull, 0x100000000000000ull, "9fffff0100000000000000"},
    {0xffffull, 0xffffffffffffffffull, "9fffffffffffffffffffff"},
    {0x10000ull, 0x0ull, "a0010000"},
    {0x10000ull, 0x1ull, "a1010000"},
    {0x10000ull, 0xffull, "a8010000ff"},
    {0x10000ull, 0x100ull, "a90100000100"},
    {0x10000ull, 0xffffull, "a9010000ffff"},
    {0x10000ull, 0x10000ull, "aa010000010000"},
    {0x10000ull, 0xffffffull, "aa010000ffffff"},
    {0x10000ull, 0x1000000ull, "ab01000001000000"},
    {0x10000ull, 0xffffffffull, "ab010000ffffffff"},
    {0x10000ull, 0x100000000ull, "ac0100000100000000"},
    {0x10000ull, 0xffffffffffull, "ac010000ffffffffff"},
    {0x10000ull, 0x10000000000ull, "ad010000010000000000"},
    {0x10000ull, 0xffffffffffffull, "ad010000ffffffffffff"},
    {0x10000ull, 0x1000000000000ull, "ae01000001000000000000"},
    {0x10000ull, 0xffffffffffffffull, "ae010000ffffffffffffff"},
    {0x10000ull, 0x100000000000000ull, "af0100000100000000000000"},
    {0x10000ull, 0xffffffffffffffffull, "af010000ffffffffffffffff"},
    {0xffffffull, 0x0ull, "a0ffffff"},
    {0xffffffull, 0x1ull, "a1ffffff"},
    {0xffffffull, 0xffull, "a8ffffffff"},
    {0xffffffull, 0x100ull, "a9ffffff0100"},
    {0xffffffull, 0xffffull, "a9ffffffffff"},
    {0xffffffull, 0x10000ull, "aaffffff010000"},
    {0xffffffull, 0xffffffull, "aaffffffffffff"},
    {0xffffffull, 0x1000000ull, "abffffff01000000"},
    {0xffffffull, 0xffffffffull, "abffffffffffffff"},
    {0xffffffull, 0x100000000ull, "acffffff0100000000"},
    {0xffffffull, 0xffffffffffull, "acffffffffffffffff"},
    {0xffffffull, 0x10000000000ull, "adffffff010000000000"},
    {0xffffffull, 0xffffffffffffull, "adffffffffffffffffff"},
    {0xffffffull, 0x1000000000000ull, "aeffffff01000000000000"},
    {0xffffffull, 0xffffffffffffffull, "aeffffffffffffffffffff"},
    {0xffffffull, 0x100000000000000ull, "afffffff0100000000000000"},
    {0xffffffull, 0xffffffffffffffffull, "afffffffffffffffffffffff"},
    {0x1000000ull, 0x0ull, "b001000000"},
    {0x1000000ull, 0x1ull, "b101000000"},
    {0x1000000ull, 0xffull, "b801000000ff"},
    {0x1000000ull, 0x100ull, "b9010000000100"},
    {0x1000000ull, 0xffffull, "b901000000ffff"},
    {0x1000000ull, 0x10000ull, "ba01000000010000"},
    {0x1000000ull, 0xffffffull, "ba01000000ffffff"},
    {0x1000000ull, 0x1000000ull, "bb0100000001000000"},
    {0x1000000ull, 0xffffffffull, "bb01000000ffffffff"},
    {0x1000000ull, 0x100000000ull, "bc010000000100000000"},
    {0x1000000ull, 0xffffffffffull, "bc01000000ffffffffff"},
    {0x1000000ull, 0x10000000000ull, "bd01000000010000000000"},
    {0x1000000ull, 0xffffffffffffull, "bd01000000ffffffffffff"},
    {0x1000000ull, 0x1000000000000ull, "be0100000001000000000000"},
    {0x1000000ull, 0xffffffffffffffull, "be01000000ffffffffffffff"},
    {0x1000000ull, 0x100000000000000ull, "bf010000000100000000000000"},
    {0x1000000ull, 0xffffffffffffffffull, "bf01000000ffffffffffffffff"},
    {0xffffffffull, 0x0ull, "b0ffffffff"},
    {0xffffffffull, 0x1ull, "b1ffffffff"},
    {0xffffffffull, 0xffull, "b8ffffffffff"},
    {0xffffffffull, 0x100ull, "b9ffffffff0100"},
    {0xffffffffull, 0xffffull, "b9ffffffffffff"},
    {0xffffffffull, 0x10000ull, "baffffffff010000"},
    {0xffffffffull, 0xffffffull, "baffffffffffffff"},
    {0xffffffffull, 0x1000000ull, "bbffffffff01000000"},
    {0xffffffffull, 0xffffffffull, "bbffffffffffffffff"},
    {0xffffffffull, 0x100000000ull, "bcffffffff0100000000"},
    {0xffffffffull, 0xffffffffffull, "bcffffffffffffffffff"},
    {0xffffffffull, 0x10000000000ull, "bdffffffff010000000000"},
    {0xffffffffull, 0xffffffffffffull, "bdffffffffffffffffffff"},
    {0xffffffffull, 0x1000000000000ull, "beffffffff01000000000000"},
    {0xffffffffull, 0xffffffffffffffull, "beffffffffffffffffffffff"},
    {0xffffffffull, 0x100000000000000ull, "bfffffffff0100000000000000"},
    {0xffffffffull, 0xffffffffffffffffull, "bfffffffffffffffffffffffff"},
    {0x100000000ull, 0x0ull, "c00100000000"},
    {0x100000000ull, 0x1ull, "c10100000000"},
    {0x100000000ull, 0xffull, "c80100000000ff"},
    {0x100000000ull, 0x100ull, "c901000000000100"},
    {0x100000000ull, 0xffffull, "c90100000000ffff"},
    {0x100000000ull, 0x10000ull, "ca0100000000010000"},
    {0x100000000ull, 0xffffffull, "ca0100000000ffffff"},
    {0x100000000ull, 0x1000000ull, "cb010000000001000000"},
    {0x100000000ull, 0xffffffffull, "cb0100000000ffffffff"},
    {0x100000000ull, 0x100000000ull, "cc01000000000100000000"},
    {0x100000000ull, 0xffffffffffull, "cc0100000000ffffffffff"},
    {0x100000000ull, 0x10000000000ull, "cd0100000000010000000000"},
    {0x100000000ull, 0xffffffffffffull, "cd0100000000ffffffffffff"},
    {0x100000000ull, 0x1000000000000ull, "ce010000000001000000000000"},
    {0x100000000ull, 0xffffffffffffffull, "ce0100000000ffffffffffffff"},
    {0x100000000ull, 0x100000000000000ull, "cf01000000000100000000000000"},
    {0x100000000ull, 0xffffffffffffffffull, "cf0100000000ffffffffffffffff"},
    {0xffffffffffull, 0x0ull, "c0ffffffffff"},
    {0xffffffffffull, 0x1ull, "c1ffffffffff"},
    {0xffffffffffull, 0xffull, "c8ffffffffffff"},
    {0xffffffffffull, 0x100ull, "c9ffffffffff0100"},
    {0xffffffffffull, 0xffffull, "c9ffffffffffffff"},
    {0xffffffffffull, 0x10000ull, "caffffffffff010000"},
    {0xffffffffffull, 0xffffffull, "caffffffffffffffff"},
    {0xffffffffffull, 0x1000000ull, "cbffffffffff01000000"},
    {0xffffffffffull, 0xffffffffull, "cbffffffffffffffffff"},
    {0xffffffffffull, 0x100000000ull, "ccffffffffff0100000000"},
    {0xffffffffffull, 0xffffffffffull, "ccffffffffffffffffffff"},
    {0xffffffffffull, 0x10000000000ull, "cdffffffffff010000000000"},
    {0xffffffffffull, 0xffffffffffffull, "cdffffffffffffffffffffff"},
    {0xffffffffffull, 0x1000000000000ull, "ceffffffffff01000000000000"},
    {0xffffffffffull, 0xffffffffffffffull, "ceffffffffffffffffffffffff"},
    {0xffffffffffull, 0x100000000000000ull, "cfffffffffff0100000000000000"},
    {0xffffffffffull, 0xffffffffffffffffull, "cfffffffffffffffffffffffffff"},
    {0x10000000000ull, 0x0ull, "d0010000000000"},
    {0x10000000000ull, 0x1ull, "d1010000000000"},
    {0x10000000000ull, 0xffull, "d8010000000000ff"},
    {0x10000000000ull, 0x100ull, "d90100000000000100"},
    {0x10000000000ull, 0xffffull, "d9010000000000ffff"},
    {0x10000000000ull, 0x10000ull, "da010000000000010000"},
    {0x10000000000ull, 0xffffffull, "da010000000000ffffff"},
    {0x10000000000ull, 0x1000000ull, "db01000000000001000000"},
    {0x10000000000ull, 0xffffffffull, "db010000000000ffffffff"},
    {0x10000000000ull, 0x100000000ull, "dc0100000000000100000000"},
    {0x10000000000ull, 0xffffffffffull, "dc010000000000ffffffffff"},
    {0x10000000000ull, 0x10000000000ull, "dd010000000000010000000000"},
    {0x10000000000ull, 0xffffffffffffull, "dd010000000000ffffffffffff"},
    {0x10000000000ull, 0x1000000000000ull, "de01000000000001000000000000"},
    {0x10000000000ull, 0xffffffffffffffull, "de010000000000ffffffffffffff"},
    {0x10000000000ull, 0x100000000000000ull, "df0100000000000100000000000000"},
    {0x10000000000ull, 0xffffffffffffffffull, "df010000000000ffffffffffffffff"},
    {0xffffffffffffull, 0x0ull, "d0ffffffffffff"},
    {0xffffffffffffull, 0x1ull, "d1ffffffffffff"},
    {0xffffffffffffull, 0xffull, "d8ffffffffffffff"},
    {0xffffffffffffull, 0x100ull, "d9ffffffffffff0100"},
    {0xffffffffffffull, 0xffffull, "d9ffffffffffffffff"},
    {0xffffffffffffull, 0x10000ull, "daffffffffffff010000"},
    {0xffffffffffffull, 0xffffffull, "daffffffffffffffffff"},
    {0xffffffffffffull, 0x1000000ull, "dbffffffffffff01000000"},
    {0xffffffffffffull, 0xffffffffull, "dbffffffffffffffffffff"},
    {0xffffffffffffull, 0x100000000ull, "dcffffffffffff0100000000"},
    {0xffffffffffffull, 0xffffffffffull, "dcffffffffffffffffffffff"},
    {0xffffffffffffull, 0x10000000000ull, "ddffffffffffff010000000000"},
    {0xffffffffffffull, 0xffffffffffffull, "ddffffffffffffffffffffffff"},
    {0xffffffffffffull, 0x1000000000000ull, "deffffffffffff01000000000000"},
    {0xffffffffffffull, 0xffffffffffffffull, "deffffffffffffffffffffffffff"},
    {0xffffffffffffull, 0x100000000000000ull, "dfffffffffffff0100000000000000"},
    {0xffffffffffffull, 0xffffffffffffffffull, "dfffffffffffffffffffffffffffff"},
    {0x1000000000000ull, 0x0ull, "e001000000000000"},
    {0x1000000000000ull, 0x1ull, "e101000000000000"},
    {0x1000000000000ull, 0xffull, "e801000000000000ff"},
    {0x1000000000000ull, 0x100ull, "e9010000000000000100"},
    {0x1000000000000ull, 0xffffull, "e901000000000000ffff"},
    {0x1000000000000ull, 0x10000ull, "ea01000000000000010000"},
    {0x1000000000000ull, 0xffffffull, "ea01000000000000ffffff"},
    {0x1000000000000ull, 0x1000000ull, "eb0100000000000001000000"},
    {0x1000000000000ull, 0xffffffffull, "eb01000000000000ffffffff"},
    {0x1000000000000ull, 0x100000000ull, "ec010000000000000100000000"},
    {0x1000000000000ull, 0xffffffffffull, "ec01000000000000ffffffffff"},
    {0x1000000000000ull, 0x10000000000ull, "ed01000000000000010000000000"},
    {0x1000000000000ull, 0xffffffffffffull, "ed01000000000000ffffffffffff"},
    {0x1000000000000ull, 0x1000000000000ull, "ee0100000000000001000000000000"},
    {0x1000000000000ull, 0xffffffffffffffull, "ee01000000000000ffffffffffffff"},
    {0x1000000000000ull, 0x100000000000000ull, "ef010000000000000100000000000000"},
    {0x1000000000000ull, 0xffffffffffffffffull, "ef01000000000000ffffffffffffffff"},
    {0xffffffffffffffull, 0x0ull, "e0ffffffffffffff"},
    {0xffffffffffffffull, 0x1ull, "e1ffffffffffffff"},
    {0xffffffffffffffull, 0xffull, "e8ffffffffffffffff"},
    {0xffffffffffffffull, 0x100ull, "e9ffffffffffffff0100"},
    {0xffffffffffffffull, 0xffffull, "e9ffffffffffffffffff"},
    {0xffffffffffffffull, 0x10000ull, "eaffffffffffffff010000"},
    {0xffffffffffffffull, 0xffffffull, "eaffffffffffffffffffff"},
    {0xffffffffffffffull, 0x1000000ull, "ebffffffffffffff01000000"},
    {0xffffffffffffffull, 0xffffffffull, "ebffffffffffffffffffffff"},
    {0xffffffffffffffull, 0x100000000ull, "ecffffffffffffff0100000000"},
    {0xffffffffffffffull, 0xffffffffffull, "ecffffffffffffffffffffffff"},
    {0xffffffffffffffull, 0x10000000000ull, "edffffffffffffff010000000000"},
    {0xffffffffffffffull, 0xffffffffffffull, "edffffffffffffffffffffffffff"},
    {0xffffffffffffffull, 0x1000000000000ull, "eeffffffffffffff01000000000000"},
    {0xffffffffffffffull, 0xffffffffffffffull, "eeffffffffffffffffffffffffffff"},
    {0xffffffffffffffull, 0x100000000000000ull, "efffffffffffffff0100000000000000"},
    {0xffffffffffffffull, 0xffffffffffffffffull, "efffffffffffffffffffffffffffffff"},
    {0x100000000000000ull, 0x0ull, "f00100000000000000"},
    {0x100000000000000ull, 0x1ull, "f10100000000000000"},
    {0x100000000000000ull, 0xffull, "f80100000000000000ff"},
    {0x100000000000000ull, 0x100ull, "f901000000000000000100"},
    {0x100000000000000ull, 0xffffull, "f90100000000000000ffff"},
    {0x100000000000000ull, 0x10000ull, "fa0100000000000000010000"},
    {0x100000000000000ull, 0xffffffull, "fa0100000000000000ffffff"},
    {0x100000000000000ull, 0x1000000ull, "fb010000000000000001000000"},
    {0x100000000000000ull, 0xffffffffull, "fb0100000000000000ffffffff"},
    {0x100000000000000ull, 0x100000000ull, "fc01000000000000000100000000"},
    {0x100000000000000ull, 0xffffffffffull, "fc0100000000000000ffffffffff"},
    {0x100000000000000ull, 0x10000000000ull, "fd0100000000000000010000000000"},
    {0x100000000000000ull, 0xffffffffffffull, "fd0100000000000000ffffffffffff"},
    {0x100000000000000ull, 0x1000000000000ull, "fe010000000000000001000000000000"},
    {0x100000000000000ull, 0xffffffffffffffull, "fe0100000000000000ffffffffffffff"},
    {0x100000000000000ull, 0x100000000000000ull, "ff01000000000000000100000000000000"},
    {0x100000000000000ull, 0xffffffffffffffffull, "ff0100000000000000ffffffffffffffff"},
    {0xffffffffffffffffull, 0x0ull, "f0ffffffffffffffff"},
    {0xffffffffffffffffull, 0x1ull, "f1ffffffffffffffff"},
    {0xffffffffffffffffull, 0xffull, "f8ffffffffffffffffff"},
    {0xffffffffffffffffull, 0x100ull, "f9ffffffffffffffff0100"},
    {0xffffffffffffffffull, 0xffffull, "f9ffffffffffffffffffff"},
    {0xffffffffffffffffull, 0x10000ull, "faffffffffffffffff010000"},
    {0xffffffffffffffffull, 0xffffffull, "faffffffffffffffffffffff"},
    {0xffffffffffffffffull, 0x1000000ull, "fbffffffffffffffff01000000"},
    {0xffffffffffffffffull, 0xffffffffull, "fbffffffffffffffffffffffff"},
    {0xffffffffffffffffull, 0x100000000ull, "fcffffffffffffffff0100000000"},
    {0xffffffffffffffffull, 0xffffffffffull, "fcffffffffffffffffffffffffff"},
    {0xffffffffffffffffull, 0x10000000000ull, "fdffffffffffffffff010000000000"},
    {0xffffffffffffffffull, 0xffffffffffffull, "fdffffffffffffffffffffffffffff"},
    {0xffffffffffffffffull, 0x1000000000000ull, "feffffffffffffffff01000000000000"},
    {0xffffffffffffffffull, 0xffffffffffffffull, "feffffffffffffffffffffffffffffff"},
    {0xffffffffffffffffull, 0x100000000000000ull, "ffffffffffffffffff0100000000000000"},
    {0xffffffffffffffffull, 0xffffffffffffffffull, "ffffffffffffffffffffffffffffffffff"},
};

/* RFC 9605 Appendix C.2: AES-CTR + HMAC AEAD (suites 1-3). */
static const struct aead_vec { int suite; const char *key, *enc_key, *auth_key, *nonce, *aad, *pt, *ct; } rfc_aead[] = {
    {1,
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
     "000102030405060708090a0b0c0d0e0f", "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
     "101112131415161718191a1b", "4945544620534672616d65205747", "64726166742d696574662d736672616d652d656e63",
     "6339af04ada1d064688a442b8dc69d5b6bfa40f4bef0583e8081069cc60705"},
    {2,
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
     "000102030405060708090a0b0c0d0e0f", "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
     "101112131415161718191a1b", "4945544620534672616d65205747", "64726166742d696574662d736672616d652d656e63",
     "6339af04ada1d064688a442b8dc69d5b6bfa40f4be6e93b7da076927bb"},
    {3,
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
     "000102030405060708090a0b0c0d0e0f", "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
     "101112131415161718191a1b", "4945544620534672616d65205747", "64726166742d696574662d736672616d652d656e63",
     "6339af04ada1d064688a442b8dc69d5b6bfa40f4be09480509"},
};

/* RFC 9605 Appendix C.3: SFrame encryption, suites 1-5. */
static const struct sframe_vec { int suite; uint64_t kid, ctr; const char *base_key, *key_label, *salt_label, *secret, *key, *salt, *metadata, *nonce, *aad, *pt, *ct; } rfc_sframe[] = {
    {1, 0x123, 0x4567, "000102030405060708090a0b0c0d0e0f",
     "534672616d6520312e3020536563726574206b65792000000000000001230001",
     "534672616d6520312e30205365637265742073616c742000000000000001230001",
     "d926952ca8b7ec4a95941d1ada3a5203ceff8cceee34f574d23909eb314c40c0",
     "3f7d9a7c83ae8e1c8a11ae695ab59314b367e359fadac7b9c46b2bc6f81f46e16b96f0811868d59402b7e870102720b3",
     "50b29329a04dc0f184ac3168", "4945544620534672616d65205747", "50b29329a04dc0f184ac740f",
     "99012345674945544620534672616d65205747",
     "64726166742d696574662d736672616d652d656e63",
     "9901234567449408b6f490086165b9d6f62b24ae1a59a56486b4ae8ed036b88912e24f11"},
    {2, 0x123, 0x4567, "000102030405060708090a0b0c0d0e0f",
     "534672616d6520312e3020536563726574206b65792000000000000001230002",
     "534672616d6520312e30205365637265742073616c742000000000000001230002",
     "d926952ca8b7ec4a95941d1ada3a5203ceff8cceee34f574d23909eb314c40c0",
     "e2ec5c797540310483b16bf6e7a570d2a27d192fe869c7ccd8584a8d9dab91549fbe553f5113461ec6aa83bf3865553e",
     "e68ac8dd3d02fbcd368c5577", "4945544620534672616d65205747", "e68ac8dd3d02fbcd368c1010",
     "99012345674945544620534672616d65205747",
     "64726166742d696574662d736672616d652d656e63",
     "99012345673f31438db4d09434e43afa0f8a2f00867a2be085046a9f5cb4f101d607"},
    {3, 0x123, 0x4567, "000102030405060708090a0b0c0d0e0f",
     "534672616d6520312e3020536563726574206b65792000000000000001230003",
     "534672616d6520312e30205365637265742073616c742000000000000001230003",
     "d926952ca8b7ec4a95941d1ada3a5203ceff8cceee34f574d23909eb314c40c0",
     "2c5703089cbb8c583475e4fc461d97d18809df79b6d550f78eb6d50ffa80d89211d57909934f46f5405e38cd583c69fe",
     "38c16e4f5159700c00c7f350", "4945544620534672616d65205747", "38c16e4f5159700c00c7b637",
     "99012345674945544620534672616d65205747",
     "64726166742d696574662d736672616d652d656e63",
     "990123456717fc8af28a5a695afcfc6c8df6358a17e26b2fcb3bae32e443"},
    {4, 0x123, 0x4567, "000102030405060708090a0b0c0d0e0f",
     "534672616d6520312e3020536563726574206b65792000000000000001230004",
     "534672616d6520312e30205365637265742073616c742000000000000001230004",
     "d926952ca8b7ec4a95941d1ada3a5203ceff8cceee34f574d23909eb314c40c0",
     "d34f547f4ca4f9a7447006fe7fcbf768",
     "75234edefe07819026751816", "4945544620534672616d65205747", "75234edefe07819026755d71",
     "99012345674945544620534672616d65205747",
     "64726166742d696574662d736672616d652d656e63",
     "9901234567b7412c2513a1b66dbb48841bbaf17f598751176ad847681a69c6d0b091c07018ce4adb34eb"},
    {5, 0x123, 0x4567, "000102030405060708090a0b0c0d0e0f",
     "534672616d6520312e3020536563726574206b65792000000000000001230005",
     "534672616d6520312e30205365637265742073616c742000000000000001230005",
     "0fc3ea6de6aac97a35f194cf9bed94d4b5230f1cb45a785c9fe5dce9c188938ab6ba005bc4c0a19181599e9d1bcf7b74aca48b60bf5e254e546d809313e083a3",
     "d3e27b0d4a5ae9e55df01a70e6d4d28d969b246e2936f4b7a5d9b494da6b9633",
     "84991c167b8cd23c93708ec7", "4945544620534672616d65205747", "84991c167b8cd23c9370cba0",
     "99012345674945544620534672616d65205747",
     "64726166742d696574662d736672616d652d656e63",
     "990123456794f509d36e9beacb0e261d99c7d1e972f1fed787d4049f17ca21353c1cc24d56ceabced279"},
};

TEST(sframe_rfc9605_c1_header_vectors)
{
    CHECK_EQ_INT(sizeof(rfc_headers) / sizeof(rfc_headers[0]), 289);
    for (size_t i = 0; i < sizeof(rfc_headers) / sizeof(rfc_headers[0]); i++) {
        uint8_t want[BB_SFRAME_MAX_HEADER], got[BB_SFRAME_MAX_HEADER];
        size_t wl = unhex(rfc_headers[i].hex, want), gl, pl;
        uint64_t kid, ctr;
        CHECK_OK(bb_sframe_header_encode(rfc_headers[i].kid, rfc_headers[i].ctr, got, sizeof(got), &gl));
        CHECK_EQ_INT(gl, wl);
        CHECK(memcmp(got, want, wl) == 0);
        CHECK_OK(bb_sframe_header_parse(want, wl, &kid, &ctr, &pl));
        CHECK(kid == rfc_headers[i].kid && ctr == rfc_headers[i].ctr && pl == wl);
        /* Every truncation of a header is refused, never over-read. */
        for (size_t cut = 0; cut < wl; cut++)
            CHECK_EQ_INT(bb_sframe_header_parse(want, cut, &kid, &ctr, &pl), BB_E_PARSE);
    }
}

TEST(sframe_rfc9605_c2_aes_ctr_hmac_vectors)
{
    for (size_t i = 0; i < sizeof(rfc_aead) / sizeof(rfc_aead[0]); i++) {
        const struct aead_vec *v = &rfc_aead[i];
        uint8_t key[48], nonce[12], aad[64], pt[64], ct[96], out[96], back[64];
        size_t kl = unhex(v->key, key), al = unhex(v->aad, aad), pl = unhex(v->pt, pt);
        size_t cl = unhex(v->ct, ct), n;
        unhex(v->nonce, nonce);
        bb_sframe_key k;
        CHECK_OK(bb_sframe_key_import(&k, (bb_sframe_suite)v->suite, key, kl, nonce));
        int rc = bb_sframe_aead_encrypt(&k, nonce, aad, al, pt, pl, out, sizeof(out), &n);
        if (rc == BB_OK && (n != cl || memcmp(out, ct, cl) != 0))
            rc = -100;
        if (rc == BB_OK)
            rc = bb_sframe_aead_decrypt(&k, nonce, aad, al, ct, cl, back, sizeof(back), &n);
        if (rc == BB_OK && (n != pl || memcmp(back, pt, pl) != 0))
            rc = -101;
        ct[0] ^= 1;
        if (rc == BB_OK && bb_sframe_aead_decrypt(&k, nonce, aad, al, ct, cl, back, sizeof(back), &n) != BB_E_AUTH)
            rc = -102;
        bb_sframe_key_free(&k);
        CHECK_OK(rc);
    }
}

TEST(sframe_rfc9605_c3_encryption_vectors)
{
    for (size_t i = 0; i < sizeof(rfc_sframe) / sizeof(rfc_sframe[0]); i++) {
        const struct sframe_vec *v = &rfc_sframe[i];
        uint8_t base[32], salt[12], key[48], meta[32], pt[64], ct[128], out[128], back[64];
        size_t bl = unhex(v->base_key, base), ml = unhex(v->metadata, meta);
        size_t pl = unhex(v->pt, pt), cl = unhex(v->ct, ct), kl = unhex(v->key, key), n;
        unhex(v->salt, salt);
        bb_sframe_key k;
        CHECK_OK(bb_sframe_key_derive(&k, (bb_sframe_suite)v->suite, v->kid, base, bl));
        int rc = BB_OK;
        if (k.key_len != kl || memcmp(k.key, key, kl) || memcmp(k.salt, salt, 12))
            rc = -100; /* derive_key_salt() result differs */
        if (rc == BB_OK)
            rc = bb_sframe_key_seal(&k, v->kid, v->ctr, meta, ml, pt, pl, out, sizeof(out), &n);
        if (rc == BB_OK && (n != cl || memcmp(out, ct, cl) != 0))
            rc = -101;
        uint64_t kid, ctr;
        size_t hl;
        if (rc == BB_OK)
            rc = bb_sframe_header_parse(ct, cl, &kid, &ctr, &hl);
        if (rc == BB_OK && (kid != v->kid || ctr != v->ctr))
            rc = -102;
        if (rc == BB_OK)
            rc = bb_sframe_key_open(&k, ctr, hl, meta, ml, ct, cl, back, sizeof(back), &n);
        if (rc == BB_OK && (n != pl || memcmp(back, pt, pl) != 0))
            rc = -103;
        bb_sframe_key_free(&k);
        CHECK_OK(rc);
    }
}

static const bb_sframe_suite all_suites[] = {
    BB_SFRAME_AES_128_GCM_SHA256_128, BB_SFRAME_AES_256_GCM_SHA512_128,
    BB_SFRAME_AES_128_CTR_HMAC_SHA256_80, BB_SFRAME_AES_128_CTR_HMAC_SHA256_64};

/* A pair of contexts that share one sender key (kid 0x0203). */
static int pair(bb_sframe_suite s, bb_sframe_ctx **tx, bb_sframe_ctx **rx)
{
    uint8_t base[32];
    for (int i = 0; i < 32; i++)
        base[i] = (uint8_t)(i * 7 + 1);
    int rc = bb_sframe_ctx_new(tx, s);
    if (!rc)
        rc = bb_sframe_ctx_new(rx, s);
    if (!rc)
        rc = bb_sframe_ctx_add_key(*tx, 0x0203, base, 32);
    if (!rc)
        rc = bb_sframe_ctx_set_sender(*tx, 0x0203);
    if (!rc)
        rc = bb_sframe_ctx_add_key(*rx, 0x0203, base, 32);
    return rc;
}

TEST(sframe_any_flipped_bit_is_rejected_in_every_suite)
{
    for (size_t si = 0; si < sizeof(all_suites) / sizeof(all_suites[0]); si++) {
        bb_sframe_ctx *tx = NULL, *rx = NULL;
        uint8_t pt[100], msg[200], back[200], meta[3] = {'v', 'i', 'd'};
        size_t n, m;
        for (int i = 0; i < 100; i++)
            pt[i] = (uint8_t)(i ^ 0x5a);
        int rc = pair(all_suites[si], &tx, &rx);
        if (!rc)
            rc = bb_sframe_protect(tx, meta, 3, pt, sizeof(pt), msg, sizeof(msg), &n);
        uint64_t flips = 0;
        for (size_t bit = 0; rc == BB_OK && bit < n * 8; bit++) {
            msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            if (bb_sframe_unprotect(rx, meta, 3, msg, n, back, sizeof(back), &m, NULL) == BB_OK)
                rc = -100 - (int)bit;
            msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            flips++;
        }
        /* Metadata is authenticated too. */
        meta[1] ^= 0x20;
        if (!rc && bb_sframe_unprotect(rx, meta, 3, msg, n, back, sizeof(back), &m, NULL) != BB_E_AUTH)
            rc = -1;
        meta[1] ^= 0x20;
        /* The untouched message still opens: flips did not poison the window. */
        if (!rc)
            rc = bb_sframe_unprotect(rx, meta, 3, msg, n, back, sizeof(back), &m, NULL);
        if (!rc && (m != sizeof(pt) || memcmp(back, pt, m)))
            rc = -2;
        const bb_sframe_stats *st = bb_sframe_ctx_stats(rx);
        uint64_t rej = 0;
        for (int r = 0; r < BB_SFRAME_REJECT_COUNT; r++)
            rej += st->rejected[r];
        if (!rc && (rej != flips + 1 || st->accepted != 1 || st->rejected[BB_SFRAME_REJECT_AUTH] == 0))
            rc = -3;
        bb_sframe_ctx_free(tx);
        bb_sframe_ctx_free(rx);
        CHECK_OK(rc);
    }
}

TEST(sframe_replayed_message_is_rejected)
{
    bb_sframe_ctx *tx, *rx;
    CHECK_OK(pair(BB_SFRAME_AES_128_GCM_SHA256_128, &tx, &rx));
    uint8_t msgs[300][40], back[40];
    size_t len[300], m;
    for (int i = 0; i < 300; i++) {
        uint8_t pt[8] = {(uint8_t)i, (uint8_t)(i >> 8)};
        CHECK_OK(bb_sframe_protect(tx, NULL, 0, pt, 8, msgs[i], 40, &len[i]));
    }
    /* Out of order within the window is fine, once. */
    CHECK_OK(bb_sframe_unprotect(rx, NULL, 0, msgs[5], len[5], back, 40, &m, NULL));
    CHECK_OK(bb_sframe_unprotect(rx, NULL, 0, msgs[2], len[2], back, 40, &m, NULL));
    CHECK_EQ_INT(back[0], 2);
    CHECK_EQ_INT(bb_sframe_unprotect(rx, NULL, 0, msgs[5], len[5], back, 40, &m, NULL), BB_E_PROTO);
    CHECK_EQ_INT(bb_sframe_unprotect(rx, NULL, 0, msgs[2], len[2], back, 40, &m, NULL), BB_E_PROTO);
    CHECK_OK(bb_sframe_unprotect(rx, NULL, 0, msgs[299], len[299], back, 40, &m, NULL));
    /* 299 - 171 = 128: just outside the window; 172 just inside. */
    CHECK_EQ_INT(bb_sframe_unprotect(rx, NULL, 0, msgs[171], len[171], back, 40, &m, NULL), BB_E_PROTO);
    CHECK_OK(bb_sframe_unprotect(rx, NULL, 0, msgs[172], len[172], back, 40, &m, NULL));
    CHECK_EQ_INT(bb_sframe_unprotect(rx, NULL, 0, msgs[172], len[172], back, 40, &m, NULL), BB_E_PROTO);
    CHECK_EQ_INT(bb_sframe_ctx_stats(rx)->rejected[BB_SFRAME_REJECT_REPLAY], 4);
    CHECK_EQ_INT(bb_sframe_ctx_stats(rx)->accepted, 4);
    bb_sframe_ctx_free(tx);
    bb_sframe_ctx_free(rx);
}

TEST(sframe_removed_or_unknown_key_is_rejected)
{
    bb_sframe_ctx *tx, *rx;
    CHECK_OK(pair(BB_SFRAME_AES_256_GCM_SHA512_128, &tx, &rx));
    uint8_t msg[64], back[64], other[32] = {9};
    size_t n, m;
    CHECK_OK(bb_sframe_protect(tx, NULL, 0, (const uint8_t *)"hallo", 5, msg, 64, &n));
    CHECK_OK(bb_sframe_ctx_remove_key(rx, 0x0203));
    CHECK_EQ_INT(bb_sframe_unprotect(rx, NULL, 0, msg, n, back, 64, &m, NULL), BB_E_PROTO);
    CHECK_EQ_INT(bb_sframe_ctx_stats(rx)->rejected[BB_SFRAME_REJECT_UNKNOWN_KID], 1);
    /* Same KID, different base key (a rekey the receiver missed): auth fails. */
    CHECK_OK(bb_sframe_ctx_add_key(rx, 0x0203, other, 32));
    CHECK_EQ_INT(bb_sframe_unprotect(rx, NULL, 0, msg, n, back, 64, &m, NULL), BB_E_AUTH);
    CHECK_OK(bb_sframe_ctx_remove_key(tx, 0x0203));
    CHECK_EQ_INT(bb_sframe_protect(tx, NULL, 0, msg, 5, back, 64, &n), BB_E_STATE);
    bb_sframe_ctx_free(tx);
    bb_sframe_ctx_free(rx);
}

TEST(sframe_header_rejects_non_canonical_and_bad_input)
{
    uint64_t kid, ctr;
    size_t hl;
    const uint8_t long_small[] = {0x80, 0x05};   /* KID 5 in long form */
    const uint8_t padded[] = {0x90, 0x00, 0x09}; /* KID 9 with a zero byte */
    CHECK_EQ_INT(bb_sframe_header_parse(long_small, 2, &kid, &ctr, &hl), BB_E_PROTO);
    CHECK_EQ_INT(bb_sframe_header_parse(padded, 3, &kid, &ctr, &hl), BB_E_PROTO);
    CHECK_EQ_INT(bb_sframe_header_parse(NULL, 0, &kid, &ctr, &hl), BB_E_PARSE);
    uint8_t small[2];
    CHECK_EQ_INT(bb_sframe_header_encode(0x1234, 0, small, 2, &hl), BB_E_BUFFER);
    bb_sframe_key k;
    uint8_t base[8] = {0};
    CHECK_EQ_INT(bb_sframe_key_derive(&k, BB_SFRAME_AES_128_GCM_SHA256_128, 1, base, 8), BB_E_ARG);
    CHECK_EQ_INT(bb_sframe_key_derive(&k, (bb_sframe_suite)99, 1, base, 8), BB_E_ARG);
    bb_sframe_ctx *c;
    CHECK_EQ_INT(bb_sframe_ctx_new(&c, (bb_sframe_suite)0), BB_E_UNSUPPORTED);
    CHECK_EQ_INT(bb_sframe_ctx_new(&c, BB_SFRAME_AES_128_CTR_HMAC_SHA256_32), BB_E_UNSUPPORTED);
}

TEST(sframe_short_message_is_rejected_not_read_past)
{
    bb_sframe_ctx *tx, *rx;
    CHECK_OK(pair(BB_SFRAME_AES_128_CTR_HMAC_SHA256_80, &tx, &rx));
    uint8_t msg[64], back[64];
    size_t n, m;
    CHECK_OK(bb_sframe_protect(tx, NULL, 0, (const uint8_t *)"x", 1, msg, 64, &n));
    CHECK_EQ_INT(n, 3 + 1 + 10); /* header (kid 0x203 = 2 bytes + config) + 1 + tag 10 */
    for (size_t cut = 0; cut < n; cut++)
        CHECK(bb_sframe_unprotect(rx, NULL, 0, msg, cut, back, 64, &m, NULL) < 0);
    CHECK_OK(bb_sframe_unprotect(rx, NULL, 0, msg, n, back, 64, &m, NULL));
    CHECK(m == 1 && back[0] == 'x');
    bb_sframe_ctx_free(tx);
    bb_sframe_ctx_free(rx);
}

TEST(sframe_replacing_the_sending_key_never_restarts_its_counter)
{
    bb_sframe_ctx *tx;
    uint8_t base[16] = {3}, msg[64];
    size_t n, hl;
    uint64_t kid, ctr;
    CHECK_OK(bb_sframe_ctx_new(&tx, BB_SFRAME_AES_128_GCM_SHA256_128));
    CHECK_OK(bb_sframe_ctx_add_key(tx, 9, base, 16));
    CHECK_OK(bb_sframe_ctx_set_sender(tx, 9));
    CHECK_OK(bb_sframe_protect(tx, NULL, 0, base, 4, msg, 64, &n));
    CHECK_OK(bb_sframe_protect(tx, NULL, 0, base, 4, msg, 64, &n));
    CHECK_OK(bb_sframe_ctx_add_key(tx, 9, base, 16)); /* same key again: must not reuse nonces */
    CHECK_OK(bb_sframe_ctx_set_sender(tx, 9));
    CHECK_OK(bb_sframe_protect(tx, NULL, 0, base, 4, msg, 64, &n));
    CHECK_OK(bb_sframe_header_parse(msg, n, &kid, &ctr, &hl));
    CHECK(kid == 9 && ctr == 2);
    bb_sframe_ctx_free(tx);
}
