/*
 * beeldbel — error codes shared by every module.
 *
 * Functions return 0 (BB_OK) on success or one of the negative BB_E* codes.
 * bb_strerror() and bb_strerror_nl() give a short English / Dutch message;
 * the strings are static and must not be freed.
 *
 * Why untrusted input was refused is one convention in every module: the
 * function returns the BB_E_* code, the reason is an enum counted in the
 * module's stats (bb_<module>_reject), and bb_<module>_reject_name() gives
 * its machine name (a static string; "unknown" out of range) for logs and
 * tests. Where people must read a reason (an officer certificate), the
 * module also gives a sentence in Dutch and English.
 */
#ifndef BEELDBEL_ERROR_H
#define BEELDBEL_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define BB_OK             0
#define BB_E_ARG         -1  /* an argument is out of range or NULL */
#define BB_E_NOMEM       -2  /* an allocation failed */
#define BB_E_BUFFER      -3  /* the output buffer is too small */
#define BB_E_CODEC       -4  /* the codec library reported an error */
#define BB_E_AUTH        -5  /* authentication failed: tampered or wrong key */
#define BB_E_CRYPTO      -6  /* the crypto library reported an error */
#define BB_E_PARSE       -7  /* input is not well formed */
#define BB_E_PROTO       -8  /* well formed, but not allowed by the protocol */
#define BB_E_TOO_LARGE   -9  /* input exceeds a size limit */
#define BB_E_AGAIN      -10  /* nothing available yet; try after more input */
#define BB_E_STATE      -11  /* not allowed in the current state */
#define BB_E_UNSUPPORTED -12 /* a valid request this build does not support */

#define BB_E_LAST BB_E_UNSUPPORTED

/* Short English description of an error code (never NULL). */
const char *bb_strerror(int err);

/* Short Dutch description of an error code (never NULL). */
const char *bb_strerror_nl(int err);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_ERROR_H */
