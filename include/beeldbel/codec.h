/*
 * beeldbel — codec module: VP8 video (libvpx) and Opus audio (libopus).
 *
 * Thin, owned wrappers with the settings a real-time call needs: VP8 in
 * realtime mode, error resilient, no lag; Opus VOIP at 48 kHz mono, 20 ms
 * frames, in-band FEC and DTX. Objects are created with bb_*_new and freed
 * with bb_*_free; the caller owns them. Nothing here touches the clock or I/O.
 */
#ifndef BEELDBEL_CODEC_H
#define BEELDBEL_CODEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Images ------------------------------------------------------------ */

/* An I420 picture. Planes are not owned by this struct. */
typedef struct bb_image {
    int width, height;          /* even, 16..4096 */
    const uint8_t *plane[3];    /* Y, U, V */
    int stride[3];
} bb_image;

/* Bytes of a tightly packed I420 picture (Y, then U, then V). */
size_t bb_i420_size(int width, int height);

/* Points img at a tightly packed I420 buffer of bb_i420_size() bytes. */
int bb_image_wrap_i420(bb_image *img, const uint8_t *buf, int width, int height);

/* Copies img (any strides) into out as tightly packed I420; BB_E_BUFFER when
 * cap is smaller than bb_i420_size() of the image. */
int bb_image_pack_i420(const bb_image *img, uint8_t *out, size_t cap);

/* ---- VP8 encoder --------------------------------------------------------- */

typedef struct bb_video_encoder bb_video_encoder;

typedef struct bb_video_config {
    int width, height;          /* even, 16..4096 */
    int fps;                    /* 1..60 */
    int bitrate_kbps;           /* 20..20000 */
    int keyframe_interval;      /* frames between forced keyframes; 0 = only on request */
    int speed;                  /* libvpx cpu-used for realtime, 4..16; 0 = default (8) */
} bb_video_config;

/* Fills cfg with defaults for width x height. */
void bb_video_config_default(bb_video_config *cfg, int width, int height);

/* Creates an encoder; *out is NULL on error. */
int bb_video_encoder_new(bb_video_encoder **out, const bb_video_config *cfg);
void bb_video_encoder_free(bb_video_encoder *enc);

/*
 * Encodes one frame with presentation time pts_us. Writes the compressed
 * frame to out (capacity cap) and its size to *out_len; *out_len is 0 when
 * the rate control dropped the frame. *is_key is set for keyframes.
 * force_key asks for a keyframe (loss recovery).
 */
int bb_video_encoder_encode(bb_video_encoder *enc, const bb_image *img,
                            int64_t pts_us, int force_key,
                            uint8_t *out, size_t cap, size_t *out_len,
                            int *is_key);

/* Changes the target bitrate while running. */
int bb_video_encoder_set_bitrate(bb_video_encoder *enc, int kbps);

/*
 * Changes resolution and frame rate while running (rate control). A new
 * size restarts the encoder, so the next frame is a keyframe; a new frame
 * rate alone does not. On error the old settings stay in force.
 */
int bb_video_encoder_reconfigure(bb_video_encoder *enc, int width, int height,
                                 int fps);

/* ---- VP8 decoder --------------------------------------------------------- */

/* Keyframes larger than this in either dimension are refused unread. */
#define BB_VIDEO_MAX_DIM 2048

typedef struct bb_video_decoder bb_video_decoder;

/* Makes a VP8 decoder in *out (the caller frees it). BB_OK; BB_E_ARG for a
 * NULL out, BB_E_NOMEM, BB_E_CODEC when libvpx refuses. */
int bb_video_decoder_new(bb_video_decoder **out);
/* Frees a decoder; NULL is fine. */
void bb_video_decoder_free(bb_video_decoder *dec);

/*
 * Decodes one compressed frame. On success *img points into the decoder's
 * own buffers, valid until the next call on dec. Corrupt input returns
 * BB_E_CODEC, an over-large keyframe BB_E_TOO_LARGE; either way the decoder
 * stays usable (it waits for a keyframe).
 */
int bb_video_decoder_decode(bb_video_decoder *dec, const uint8_t *data,
                            size_t len, bb_image *img);

/* ---- Opus ------------------------------------------------------------------ */

#define BB_AUDIO_RATE 48000
#define BB_AUDIO_FRAME 960          /* 20 ms at 48 kHz, mono */
#define BB_AUDIO_MAX_PACKET 400     /* bytes; VOIP at <= 64 kbit/s fits easily */

typedef struct bb_audio_encoder bb_audio_encoder;
typedef struct bb_audio_decoder bb_audio_decoder;

/* bitrate_bps: 6000..64000. Expected loss (for FEC) starts at 10 %. */
int bb_audio_encoder_new(bb_audio_encoder **out, int bitrate_bps);
void bb_audio_encoder_free(bb_audio_encoder *enc);

/* Encodes BB_AUDIO_FRAME samples. A packet of 1-2 bytes means DTX silence. */
int bb_audio_encoder_encode(bb_audio_encoder *enc, const int16_t *pcm,
                            uint8_t *out, size_t cap, size_t *out_len);

/* Sets the Opus target bit rate. BB_OK; BB_E_ARG outside the range Opus
 * accepts (or a NULL enc); BB_E_CODEC when Opus refuses. */
int bb_audio_encoder_set_bitrate(bb_audio_encoder *enc, int bitrate_bps);

/* Tells Opus the loss the receiver reports (0..100 %), which sizes its FEC. */
int bb_audio_encoder_set_loss(bb_audio_encoder *enc, int loss_pct);

/* Makes an Opus decoder (48 kHz mono) in *out (the caller frees it). BB_OK;
 * BB_E_ARG for a NULL out, BB_E_NOMEM, BB_E_CODEC when Opus refuses. */
int bb_audio_decoder_new(bb_audio_decoder **out);
/* Frees a decoder; NULL is fine. */
void bb_audio_decoder_free(bb_audio_decoder *dec);

/*
 * Decodes one packet into pcm (room for BB_AUDIO_FRAME samples). data NULL
 * conceals a lost packet (PLC); use_fec decodes the FEC copy of the previous
 * packet carried in data. *samples receives the number of samples written.
 */
int bb_audio_decoder_decode(bb_audio_decoder *dec, const uint8_t *data,
                            size_t len, int use_fec, int16_t *pcm,
                            int *samples);

/* Library version strings, for diagnostics. */
const char *bb_codec_vp8_version(void);
/* 1 when libvpx was built with its WebAssembly SIMD kernels. */
int bb_codec_vp8_simd128(void);
const char *bb_codec_opus_version(void);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CODEC_H */
