/* I420 scaling, internal to src/media. */
#ifndef BB_MEDIA_SCALE_H
#define BB_MEDIA_SCALE_H

#include <stdint.h>

#include "beeldbel/codec.h"

/* Scales src into a packed I420 buffer dst of dw x dh (both even). */
void bbm_media_scale_i420(const bb_image *src, uint8_t *dst, int dw, int dh);

#endif
