/*
 * The Emscripten binding layer: the only C that knows it runs in a browser.
 * It exports the engine API with flat arguments (pointers and integers) that
 * web/engine/engine.js can call. All real logic lives in the modules; these
 * functions only adapt calling conventions. Ownership follows the headers:
 * objects made by *_new are freed by the matching *_free from JS.
 */
#include <stdlib.h>
#include <string.h>

#include <emscripten/emscripten.h>

#include "beeldbel/codec.h"
#include "beeldbel/crypto.h"
#include "beeldbel/error.h"
#include "beeldbel/signal.h"

#define API EMSCRIPTEN_KEEPALIVE

API const char *bbw_strerror(int err) { return bb_strerror(err); }
API const char *bbw_strerror_nl(int err) { return bb_strerror_nl(err); }
API const char *bbw_version_vp8(void) { return bb_codec_vp8_version(); }
API const char *bbw_version_opus(void) { return bb_codec_opus_version(); }
API const char *bbw_version_mbedtls(void) { return bb_crypto_version(); }
API const char *bbw_version_cjson(void) { return bb_signal_json_version(); }

/* ---- video ---- */

API int bbw_video_encoder_new(bb_video_encoder **out, int w, int h, int fps,
                              int kbps)
{
    bb_video_config cfg;
    bb_video_config_default(&cfg, w, h);
    cfg.fps = fps;
    cfg.bitrate_kbps = kbps;
    return bb_video_encoder_new(out, &cfg);
}

API void bbw_video_encoder_free(bb_video_encoder *enc) { bb_video_encoder_free(enc); }

/* i420: packed w*h*3/2 bytes. pts in microseconds as a double (JS number). */
API int bbw_video_encode(bb_video_encoder *enc, const uint8_t *i420, int w,
                         int h, double pts_us, int force_key, uint8_t *out,
                         size_t cap, size_t *out_len, int *is_key)
{
    bb_image img;
    int rc = bb_image_wrap_i420(&img, i420, w, h);
    if (rc)
        return rc;
    return bb_video_encoder_encode(enc, &img, (int64_t)pts_us, force_key, out,
                                   cap, out_len, is_key);
}

API int bbw_video_encoder_set_bitrate(bb_video_encoder *enc, int kbps)
{
    return bb_video_encoder_set_bitrate(enc, kbps);
}

API int bbw_video_decoder_new(bb_video_decoder **out) { return bb_video_decoder_new(out); }
API void bbw_video_decoder_free(bb_video_decoder *dec) { bb_video_decoder_free(dec); }

/*
 * Decodes and copies the picture into a packed I420 buffer (cap bytes).
 * dims receives width and height.
 */
API int bbw_video_decode(bb_video_decoder *dec, const uint8_t *data, size_t len,
                         uint8_t *out, size_t cap, int *dims)
{
    bb_image img;
    int rc = bb_video_decoder_decode(dec, data, len, &img);
    if (rc)
        return rc;
    size_t need = bb_i420_size(img.width, img.height);
    if (!need || need > cap)
        return BB_E_BUFFER;
    for (int p = 0; p < 3; p++) {
        int pw = p ? img.width / 2 : img.width;
        int ph = p ? img.height / 2 : img.height;
        for (int r = 0; r < ph; r++) {
            memcpy(out, img.plane[p] + (size_t)r * img.stride[p], (size_t)pw);
            out += pw;
        }
    }
    dims[0] = img.width;
    dims[1] = img.height;
    return BB_OK;
}

/* ---- audio ---- */

API int bbw_audio_encoder_new(bb_audio_encoder **out, int bps) { return bb_audio_encoder_new(out, bps); }
API void bbw_audio_encoder_free(bb_audio_encoder *enc) { bb_audio_encoder_free(enc); }
API int bbw_audio_encode(bb_audio_encoder *enc, const int16_t *pcm, uint8_t *out,
                         size_t cap, size_t *out_len)
{
    return bb_audio_encoder_encode(enc, pcm, out, cap, out_len);
}
API int bbw_audio_decoder_new(bb_audio_decoder **out) { return bb_audio_decoder_new(out); }
API void bbw_audio_decoder_free(bb_audio_decoder *dec) { bb_audio_decoder_free(dec); }
API int bbw_audio_decode(bb_audio_decoder *dec, const uint8_t *data, size_t len,
                         int16_t *pcm, int *samples)
{
    return bb_audio_decoder_decode(dec, len ? data : NULL, len, 0, pcm, samples);
}

/* ---- crypto ---- */

API int bbw_aead_seal(const uint8_t *key, size_t key_len, const uint8_t *nonce,
                      const uint8_t *aad, size_t aad_len, const uint8_t *pt,
                      size_t pt_len, uint8_t *out, size_t cap, size_t *out_len)
{
    return bb_aead_seal(key, key_len, nonce, aad, aad_len, pt, pt_len, out, cap, out_len);
}

API int bbw_aead_open(const uint8_t *key, size_t key_len, const uint8_t *nonce,
                      const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                      size_t ct_len, uint8_t *out, size_t cap, size_t *out_len)
{
    return bb_aead_open(key, key_len, nonce, aad, aad_len, ct, ct_len, out, cap, out_len);
}

/* ---- control messages ---- */

API size_t bbw_control_msg_size(void) { return sizeof(bb_control_msg); }
API size_t bbw_control_stats_size(void) { return sizeof(bb_control_stats); }

/* Parses; on success fills msg (JS reads type/seq/from/text via getters). */
API int bbw_control_parse(const uint8_t *data, size_t len, bb_control_msg *msg,
                          bb_control_stats *stats)
{
    return bb_control_parse(data, len, msg, stats);
}
API int bbw_control_msg_type(const bb_control_msg *m) { return (int)m->type; }
API double bbw_control_msg_seq(const bb_control_msg *m) { return (double)m->seq; }
API const char *bbw_control_msg_from(const bb_control_msg *m) { return m->from; }
API const char *bbw_control_msg_text(const bb_control_msg *m) { return m->text; }
API double bbw_control_stats_rejected(const bb_control_stats *s, int reason)
{
    if (reason < 0 || reason >= BB_CONTROL_REJECT_COUNT)
        return -1;
    return (double)s->rejected[reason];
}

/* Builds a message from flat fields and writes its JSON into out. */
API int bbw_control_write(int type, double seq, const char *from,
                          const char *text, char *out, size_t cap,
                          size_t *out_len)
{
    bb_control_msg m;
    memset(&m, 0, sizeof(m));
    if (!from || strlen(from) > BB_CONTROL_MAX_ID ||
        (text && strlen(text) > BB_CONTROL_MAX_TEXT) || seq < 0 ||
        seq > 4294967295.0)
        return BB_E_ARG;
    m.type = (bb_control_type)type;
    m.seq = (uint32_t)seq;
    strcpy(m.from, from);
    if (text)
        strcpy(m.text, text);
    return bb_control_write(&m, out, cap, out_len);
}

/* ---- Janus signalling (issue 5) ---- */
#include "beeldbel/janus.h"

API int bbw_janus_new(bb_janus **out, double room, const char *token,
                      const char *pin, const char *display, double feed_id)
{
    bb_janus_config cfg = { .room = (uint64_t)room, .token = token,
                            .pin = (pin && pin[0]) ? pin : NULL,
                            .display = display, .feed_id = (uint64_t)feed_id };
    return bb_janus_new(out, &cfg);
}
API void bbw_janus_free(bb_janus *j) { bb_janus_free(j); }
API int bbw_janus_ws_open(bb_janus *j, double now_us) { return bb_janus_ws_open(j, (uint64_t)now_us); }
API int bbw_janus_recv(bb_janus *j, const char *data, size_t len, double now_us)
{
    return bb_janus_recv(j, data, len, (uint64_t)now_us);
}
API int bbw_janus_poll_send(bb_janus *j, char *out, size_t cap, size_t *len)
{
    return bb_janus_poll_send(j, out, cap, len);
}
API int bbw_janus_tick(bb_janus *j, double now_us) { return bb_janus_tick(j, (uint64_t)now_us); }
API double bbw_janus_next_deadline(bb_janus *j)
{
    uint64_t d = bb_janus_next_deadline(j);
    return d == UINT64_MAX ? -1 : (double)d;
}
API int bbw_janus_publish(bb_janus *j, const char *sdp, double now_us)
{
    return bb_janus_publish(j, sdp, (uint64_t)now_us);
}
API int bbw_janus_subscribe_answer(bb_janus *j, const char *sdp, double now_us)
{
    return bb_janus_subscribe_answer(j, sdp, (uint64_t)now_us);
}
API int bbw_janus_trickle(bb_janus *j, int pc, const char *candidate,
                          const char *mid, int mline, double now_us)
{
    return bb_janus_trickle(j, (bb_janus_pc)pc, (candidate && candidate[0]) ? candidate : NULL,
                            mid, mline, (uint64_t)now_us);
}
API int bbw_janus_leave(bb_janus *j, double now_us) { return bb_janus_leave(j, (uint64_t)now_us); }

/* Events: one static slot per call is not allowed (no global state), so
 * the JS glue passes an event struct it allocated (bbw_janus_event_size). */
API size_t bbw_janus_event_size(void) { return sizeof(bb_janus_event); }
API int bbw_janus_poll_event(bb_janus *j, bb_janus_event *ev) { return bb_janus_poll_event(j, ev); }
API int bbw_janus_event_type(const bb_janus_event *ev) { return (int)ev->type; }
API double bbw_janus_event_feed(const bb_janus_event *ev) { return (double)ev->feed_id; }
API const char *bbw_janus_event_display(const bb_janus_event *ev) { return ev->display; }
API int bbw_janus_event_code(const bb_janus_event *ev) { return ev->code; }
API const char *bbw_janus_event_reason(const bb_janus_event *ev) { return ev->reason; }
API const char *bbw_janus_event_sdp(const bb_janus_event *ev) { return ev->sdp ? ev->sdp : ""; }
API int bbw_janus_event_n_feeds(const bb_janus_event *ev) { return ev->n_feeds; }
API double bbw_janus_event_feed_at(const bb_janus_event *ev, int i)
{
    return (i >= 0 && i < ev->n_feeds) ? (double)ev->feeds[i] : 0;
}
