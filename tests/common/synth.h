/* Deterministic test media: the same bytes on every build and machine. */
#ifndef BB_SYNTH_H
#define BB_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/* The next of a deterministic pseudo-random sequence (xorshift32); *state nonzero. */
uint32_t synth_random(uint32_t *state);

/* Fills a packed I420 frame: gradients, a moving square, light noise. */
void synth_video_frame(uint8_t *i420, int w, int h, int frame_index);

/* Fills 960 samples of speech-like audio: two tones with a 4 Hz envelope. */
void synth_audio_frame(int16_t *pcm, int frame_index);

/* PSNR in dB between two packed I420 frames (99 when identical). */
double synth_psnr_i420(const uint8_t *a, const uint8_t *b, int w, int h);

#endif
