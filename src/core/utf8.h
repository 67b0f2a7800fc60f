/*
 * UTF-8 as the engine accepts it from others. Internal to the engine.
 */
#ifndef BB_CORE_UTF8_H
#define BB_CORE_UTF8_H

#include <stddef.h>

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
int bb_utf8_valid(const unsigned char *s, size_t n);

/* A name to show people: strict UTF-8 without control characters (C0,
 * DEL, C1) or the bidirectional controls that make a name read as
 * something else ("foto‮gpj.exe"). */
int bb_utf8_plain_name(const unsigned char *s, size_t n);

#endif /* BB_CORE_UTF8_H */
