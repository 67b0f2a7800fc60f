/*
 * The Emscripten binding layer: the only C that knows it runs in a browser.
 * It exports the engine API with flat arguments (pointers and integers) that
 * web/engine/engine.js can call. All real logic lives in the modules; these
 * functions only adapt calling conventions. Ownership follows the headers:
 * objects made by *_new are freed by the matching *_free from JS.
 */
#include <malloc.h>
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
API int bbw_vp8_simd128(void) { return bb_codec_vp8_simd128(); }
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
    rc = bb_image_pack_i420(&img, out, cap);
    if (rc)
        return rc;
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

/* ---- Janus signalling ---- */
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
API const char *bbw_janus_event_name(const bb_janus_event *ev) { return bb_janus_event_name(ev->type); }
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

/* ---- end-to-end encryption and officer identity ---- */
#include "beeldbel/e2ee.h"
#include "beeldbel/identity.h"

API int bbw_trust_new(bb_trust **out, const uint8_t *root, size_t len) { return bb_trust_new(out, root, len); }
API void bbw_trust_free(bb_trust *t) { bb_trust_free(t); }
API int bbw_trust_set_crl(bb_trust *t, const uint8_t *crl, size_t len) { return bb_trust_set_crl(t, crl, len); }
API void bbw_trust_set_crl_floor(bb_trust *t, double min_this_update) { bb_trust_set_crl_floor(t, (int64_t)min_this_update); }
/* res: a bb_officer_result the glue allocated (bbw_officer_result_size). */
API int bbw_trust_verify_officer(bb_trust *t, const uint8_t *cert, size_t len,
                                 const char *expected, double now_s, bb_officer_result *res)
{
    return bb_trust_verify_officer(t, cert, len, (expected && expected[0]) ? expected : NULL,
                                   (int64_t)now_s, res);
}
API size_t bbw_officer_result_size(void) { return sizeof(bb_officer_result); }
API int bbw_officer_status(const bb_officer_result *r) { return (int)r->status; }
API const char *bbw_officer_name(const bb_officer_result *r) { return r->name; }
API const char *bbw_officer_team(const bb_officer_result *r) { return r->team; }
API const char *bbw_officer_neighbourhood(const bb_officer_result *r) { return r->neighbourhood; }
API const char *bbw_officer_number(const bb_officer_result *r) { return r->officer_id; }
API double bbw_officer_not_after(const bb_officer_result *r) { return (double)r->not_after; }
API int bbw_officer_revocation_checked(const bb_officer_result *r) { return r->revocation_checked; }
API const char *bbw_officer_status_name(int s) { return bb_officer_status_name((bb_officer_status)s); }
API const char *bbw_officer_status_text(int s, int dutch) { return bb_officer_status_text((bb_officer_status)s, dutch); }

/* Keys come from the browser's crypto.getRandomValues (bb_rng_os). */
API int bbw_e2ee_new(bb_e2ee **out, const char *room, int self_id, int role,
                     const uint8_t *invite, size_t invite_len, bb_trust *trust,
                     const char *expected_officer, const uint8_t *cert, size_t cert_len,
                     const uint8_t *key, size_t key_len, int suite)
{
    if (self_id < 1 || self_id > 65535)
        return BB_E_ARG;
    bb_e2ee_config c;
    memset(&c, 0, sizeof(c));
    c.room = room;
    c.self_id = (uint16_t)self_id;
    c.role = (bb_role)role;
    c.invite_secret = invite_len ? invite : NULL;
    c.invite_len = invite_len;
    c.trust = trust;
    c.expected_officer = (expected_officer && expected_officer[0]) ? expected_officer : NULL;
    c.cert = cert_len ? cert : NULL;
    c.cert_len = cert_len;
    c.key = key_len ? key : NULL;
    c.key_len = key_len;
    c.suite = (bb_sframe_suite)suite;
    c.rng = bb_rng_os;
    return bb_e2ee_new(out, &c);
}
API void bbw_e2ee_free(bb_e2ee *e) { bb_e2ee_free(e); }
API int bbw_e2ee_receive(bb_e2ee *e, int feed, const uint8_t *msg, size_t len, double now_us)
{
    if (feed < 1 || feed > 0xffff)
        return BB_E_ARG;
    return bb_e2ee_receive_on(e, (uint16_t)feed, msg, len, (uint64_t)now_us);
}
API int bbw_e2ee_poll(bb_e2ee *e, uint8_t *out, size_t cap, size_t *len) { return bb_e2ee_poll(e, out, cap, len); }
API int bbw_e2ee_remove_peer(bb_e2ee *e, int id, double now_us)
{
    return (id < 1 || id > 65535) ? BB_E_ARG : bb_e2ee_remove_peer(e, (uint16_t)id, (uint64_t)now_us);
}
API int bbw_e2ee_protect(bb_e2ee *e, const uint8_t *meta, size_t meta_len, const uint8_t *pt,
                         size_t pt_len, uint8_t *out, size_t cap, size_t *out_len)
{
    return bb_e2ee_protect(e, meta, meta_len, pt, pt_len, out, cap, out_len);
}
API int bbw_e2ee_unprotect(bb_e2ee *e, const uint8_t *meta, size_t meta_len, const uint8_t *msg,
                           size_t msg_len, uint8_t *out, size_t cap, size_t *out_len, int *from)
{
    uint16_t f = 0;
    int rc = bb_e2ee_unprotect(e, meta, meta_len, msg, msg_len, out, cap, out_len, &f);
    *from = f;
    return rc;
}
API int bbw_e2ee_sas(bb_e2ee *e, char *out8) { return bb_e2ee_sas(e, out8); }
API int bbw_e2ee_peer_count(bb_e2ee *e) { return (int)bb_e2ee_peer_count(e); }
/* info3: id, role, has_key; res: the peer's officer result. */
API int bbw_e2ee_peer_info(bb_e2ee *e, int i, int *info3, bb_officer_result *res)
{
    bb_e2ee_peer p;
    int rc = i < 0 ? BB_E_ARG : bb_e2ee_peer_info(e, (size_t)i, &p);
    if (rc)
        return rc;
    info3[0] = p.id;
    info3[1] = (int)p.role;
    info3[2] = p.has_key;
    *res = p.officer;
    return BB_OK;
}
/* 1 and res filled if an officer certificate failed, else 0. */
API int bbw_e2ee_officer_failure(bb_e2ee *e, bb_officer_result *res)
{
    const bb_officer_result *r = bb_e2ee_officer_failure(e);
    if (!r)
        return 0;
    *res = *r;
    return 1;
}
/* Counters for diagnostics: handshake rejections by reason, then SFrame's. */
API double bbw_e2ee_rejected(bb_e2ee *e, int which)
{
    if (which >= 0 && which < BB_HS_REJECT_COUNT)
        return (double)bb_e2ee_get_stats(e)->rejected[which];
    which -= BB_HS_REJECT_COUNT;
    if (which >= 0 && which < BB_SFRAME_REJECT_COUNT)
        return (double)bb_e2ee_sframe_stats(e)->rejected[which];
    return -1;
}
API const char *bbw_e2ee_reject_name(int which)
{
    /* SFrame's reasons get a prefix: "replay" exists in both lists. */
    static const char *media[BB_SFRAME_REJECT_COUNT] = {
        "media_header", "media_unknown_kid", "media_replay", "media_auth", "media_size"};
    if (which >= 0 && which < BB_HS_REJECT_COUNT)
        return bb_hs_reject_name((bb_hs_reject)which);
    which -= BB_HS_REJECT_COUNT;
    return which >= 0 && which < BB_SFRAME_REJECT_COUNT ? media[which] : "unknown";
}

/* ---- media engine ---- */
#include "beeldbel/media.h"

/* Flat config: times are doubles (JS numbers) in microseconds. */
API int bbw_media_new(bb_media **out, double ssrc, double seed, int w, int h, int fps,
                      int start_kbps, int max_kbps, int profile)
{
    bb_media_config c;
    if (ssrc < 1 || ssrc > 4294967295.0 || seed < 0)
        return BB_E_ARG;
    bb_media_config_default(&c, (uint32_t)ssrc);
    c.seed = (uint64_t)seed;
    c.width = w;
    c.height = h;
    c.fps = fps;
    c.start_kbps = start_kbps;
    c.max_kbps = max_kbps;
    c.profile = (bb_media_profile)profile;
    return bb_media_new(out, &c);
}
API void bbw_media_free(bb_media *m) { bb_media_free(m); }
API int bbw_media_set_profile(bb_media *m, int p) { return bb_media_set_profile(m, (bb_media_profile)p); }

/* i420: packed w*h*3/2 bytes of the configured camera size. */
API int bbw_media_push_video(bb_media *m, const uint8_t *i420, int w, int h,
                             double capture_us, double now_us)
{
    bb_image img;
    int rc = bb_image_wrap_i420(&img, i420, w, h);
    return rc ? rc : bb_media_push_video(m, &img, (uint64_t)capture_us, (uint64_t)now_us);
}
API int bbw_media_push_audio(bb_media *m, const int16_t *pcm, double capture_us, double now_us)
{
    return bb_media_push_audio(m, pcm, (uint64_t)capture_us, (uint64_t)now_us);
}
API int bbw_media_send_control(bb_media *m, const uint8_t *d, size_t len, double now_us)
{
    return bb_media_send_control(m, d, len, (uint64_t)now_us);
}
/* Returns the message class (1..3) or a negative error; *len its size. */
API int bbw_media_poll_send(bb_media *m, uint8_t *out, size_t cap, size_t *len)
{
    bb_media_msg_class cls;
    int rc = bb_media_poll_send(m, out, cap, len, &cls);
    return rc ? rc : (int)cls;
}
API int bbw_media_receive(bb_media *m, const uint8_t *d, size_t len, double now_us)
{
    return bb_media_receive(m, d, len, (uint64_t)now_us);
}
API int bbw_media_tick(bb_media *m, double now_us) { return bb_media_tick(m, (uint64_t)now_us); }
API double bbw_media_next_deadline(bb_media *m) { return (double)bb_media_next_deadline(m); }
/* Fills ssrc[4] (as doubles) and returns the count. */
API int bbw_media_peers(bb_media *m, double *out)
{
    uint32_t s[BB_MEDIA_MAX_PEERS];
    int n = bb_media_peers(m, s);
    for (int i = 0; i < n; i++)
        out[i] = s[i];
    return n;
}
/*
 * Copies the frame to show into a packed I420 buffer of cap bytes.
 * info receives width, height and capture time (as doubles).
 */
API int bbw_media_force_keyframe(bb_media *m) { return bb_media_force_keyframe(m); }
API int bbw_media_remove_peer(bb_media *m, double ssrc) { return bb_media_remove_peer(m, (uint32_t)ssrc); }

API int bbw_media_pull_frame(bb_media *m, double ssrc, double now_us, uint8_t *out,
                             size_t cap, double *info)
{
    bb_media_frame f;
    int rc = bb_media_pull_frame(m, (uint32_t)ssrc, (uint64_t)now_us, &f);
    if (rc)
        return rc;
    rc = bb_image_pack_i420(&f.image, out, cap);
    if (rc)
        return rc;
    info[0] = f.image.width;
    info[1] = f.image.height;
    info[2] = (double)f.capture_us;
    return BB_OK;
}
/*
 * Video coded by the browser (WebCodecs). want: returns 1 (encode; out5 =
 * width, height, fps, kbps, keyframe), 0 (skip) or an error.
 */
API int bbw_media_video_want(bb_media *m, double capture_us, double now_us, int *out5)
{
    bb_media_encode_params p = { 0 };
    int rc = bb_media_video_want(m, (uint64_t)capture_us, (uint64_t)now_us, &p);
    out5[0] = p.width;
    out5[1] = p.height;
    out5[2] = p.fps;
    out5[3] = p.bitrate_kbps;
    out5[4] = p.keyframe;
    return rc;
}
API int bbw_media_push_encoded_video(bb_media *m, const uint8_t *vp8, size_t len, int key,
                                     double capture_us, double now_us)
{
    return bb_media_push_encoded_video(m, vp8, len, key, (uint64_t)capture_us, (uint64_t)now_us);
}
/* info receives length (or the length needed, on BB_E_BUFFER), key, show
 * and capture time, as doubles. */
API int bbw_media_pull_encoded_frame(bb_media *m, double ssrc, double now_us, uint8_t *buf,
                                     size_t cap, double *info)
{
    bb_media_encoded_frame f = { 0 };
    int rc = bb_media_pull_encoded_frame(m, (uint32_t)ssrc, (uint64_t)now_us, buf, cap, &f);
    info[0] = (double)f.len;
    info[1] = f.key;
    info[2] = f.show;
    info[3] = (double)f.capture_us;
    return rc;
}
API int bbw_media_decode_failed(bb_media *m, double ssrc) { return bb_media_decode_failed(m, (uint32_t)ssrc); }
API int bbw_media_decode_dropped(bb_media *m, double ssrc) { return bb_media_decode_dropped(m, (uint32_t)ssrc); }
API int bbw_media_pull_audio(bb_media *m, double ssrc, double now_us, int16_t *pcm)
{
    return bb_media_pull_audio(m, (uint32_t)ssrc, (uint64_t)now_us, pcm);
}
API int bbw_media_poll_control(bb_media *m, double *from, uint8_t *out, size_t cap, size_t *len)
{
    uint32_t f;
    int rc = bb_media_poll_control(m, &f, out, cap, len);
    if (!rc)
        *from = f;
    return rc;
}
/*
 * A few numbers for the UI and diagnostics, as doubles:
 * [0] target kbps [1] width [2] height [3] fps [4] rtt us [5] loss %
 * [6] messages sent [7] bytes sent [8] retransmissions [9] peers,
 * then per peer (10 + BBW_PEER_STATS i): ssrc, frames shown, frames
 * decoded, audio concealed, audio frames, lost, jitter us, keyframe
 * requests, audio and video playout targets (us), audio latency (us: now -
 * capture of the audio played last), audio frames received.
 */
#define BBW_PEER_STATS 12
/* How many doubles bbw_media_stats() writes at most. */
API int bbw_media_stats_size(void) { return 10 + BBW_PEER_STATS * BB_MEDIA_MAX_PEERS; }
API int bbw_media_peer_stats_count(void) { return BBW_PEER_STATS; }
API int bbw_media_stats(bb_media *m, double *out, int n)
{
    bb_media_stats st;
    int rc = bb_media_get_stats(m, &st);
    if (rc)
        return rc;
    if (n < 10 + BBW_PEER_STATS * BB_MEDIA_MAX_PEERS)
        return BB_E_BUFFER;
    double head[10] = { st.target_kbps, st.width, st.height, st.fps, st.rtt_us, st.loss_pct,
                        (double)st.msgs_sent, (double)st.bytes_sent, (double)st.retransmits,
                        st.npeers };
    memcpy(out, head, sizeof(head));
    for (int i = 0; i < st.npeers; i++) {
        const bb_media_peer_stats *p = &st.peer[i];
        double *o = out + 10 + BBW_PEER_STATS * i;
        o[0] = p->ssrc;
        o[1] = (double)p->frames_shown;
        o[2] = (double)p->frames_decoded;
        o[3] = (double)p->audio_plc;
        o[4] = (double)p->audio_frames;
        o[5] = (double)p->lost;
        o[6] = p->jitter_us;
        o[7] = (double)p->keyframe_requests;
        o[8] = p->audio_delay_us;
        o[9] = p->video_delay_us;
        o[10] = (double)p->audio_latency_us;
        o[11] = (double)p->audio_received;
    }
    return BB_OK;
}
/* Bytes the engine's allocator has handed out and not had back (its memory in use). */
API double bbw_heap_in_use(void) { return (double)mallinfo().uordblks; }

API int bbw_media_report_load(bb_media *m, int busy_pct, double now_us)
{
    return bb_media_report_load(m, busy_pct, (uint64_t)now_us);
}
API double bbw_media_rejected(bb_media *m, int reason)
{
    bb_media_stats st;
    if (bb_media_get_stats(m, &st) || reason < 0 || reason >= BB_MEDIA_REJECT_COUNT)
        return -1;
    return (double)st.rejected[reason];
}
API const char *bbw_media_reject_name(int reason) { return bb_media_reject_name(reason); }
API int bbw_media_max_msg(void) { return BB_MEDIA_MAX_MSG; }
API int bbw_video_max_dim(void) { return BB_VIDEO_MAX_DIM; }

/* ---- the call core ---- */
#include "beeldbel/call.h"

/* Keys from the browser's crypto.getRandomValues; media as bbw_media_new. */
API int bbw_call_new(bb_call **out, const char *room, int self_id, int role,
                     const uint8_t *invite, size_t invite_len, bb_trust *trust,
                     const char *expected_officer, const uint8_t *cert, size_t cert_len,
                     const uint8_t *key, size_t key_len, double seed, int w, int h, int fps,
                     int start_kbps, int max_kbps, int profile)
{
    if (self_id < 1 || self_id > 65535 || seed < 0)
        return BB_E_ARG;
    bb_call_config c;
    memset(&c, 0, sizeof(c));
    c.e2ee.room = room;
    c.e2ee.self_id = (uint16_t)self_id;
    c.e2ee.role = (bb_role)role;
    c.e2ee.invite_secret = invite_len ? invite : NULL;
    c.e2ee.invite_len = invite_len;
    c.e2ee.trust = trust;
    c.e2ee.expected_officer = (expected_officer && expected_officer[0]) ? expected_officer : NULL;
    c.e2ee.cert = cert_len ? cert : NULL;
    c.e2ee.cert_len = cert_len;
    c.e2ee.key = key_len ? key : NULL;
    c.e2ee.key_len = key_len;
    c.e2ee.rng = bb_rng_os;
    bb_media_config_default(&c.media, (uint32_t)self_id);
    c.media.seed = (uint64_t)seed;
    c.media.width = w;
    c.media.height = h;
    c.media.fps = fps;
    c.media.start_kbps = start_kbps;
    c.media.max_kbps = max_kbps;
    c.media.profile = (bb_media_profile)profile;
    return bb_call_new(out, &c);
}
API void bbw_call_free(bb_call *c) { bb_call_free(c); }
API bb_media *bbw_call_media(bb_call *c) { return bb_call_media(c); }
/* The key agreement for reading (roster, code, counters) through bbw_e2ee_*. */
API bb_e2ee *bbw_call_e2ee(bb_call *c) { return (bb_e2ee *)bb_call_e2ee(c); }
API int bbw_call_peer_joined(bb_call *c, double feed, double now_us)
{
    return feed < 0 || feed > 4294967295.0 ? BB_E_ARG
                                           : bb_call_peer_joined(c, (uint32_t)feed, (uint64_t)now_us);
}
API int bbw_call_renew_keys(bb_call *c, double now_us) { return bb_call_renew_keys(c, (uint64_t)now_us); }
API int bbw_call_peer_left(bb_call *c, double feed, double now_us, double wall_us)
{
    return feed < 0 || feed > 4294967295.0
               ? BB_E_ARG
               : bb_call_peer_left(c, (uint32_t)feed, (uint64_t)now_us, (uint64_t)wall_us);
}
API int bbw_call_receive(bb_call *c, double feed, const uint8_t *data, size_t len, double now_us,
                         double wall_us)
{
    /* A feed id that is no participant's (0) still counts, as spoofed. */
    uint32_t f = feed < 0 || feed > 4294967295.0 ? 0 : (uint32_t)feed;
    return bb_call_receive(c, f, data, len, (uint64_t)now_us, (uint64_t)wall_us);
}
API int bbw_call_send_text(bb_call *c, int kind, int final, const char *text, double now_us)
{
    return bb_call_send_text(c, (bb_call_text_kind)kind, final, text, strlen(text), (uint64_t)now_us);
}
/* Returns the class (1..4) or a negative code; *len its size; plain2: the
 * media message before SFrame (pointer, length), or 0, 0 for handshakes. */
API int bbw_call_poll_send(bb_call *c, uint8_t *out, size_t cap, size_t *len, size_t *plain2)
{
    bb_call_sent s;
    int rc = bb_call_poll_send(c, out, cap, len, &s);
    if (rc)
        return rc;
    plain2[0] = (size_t)s.plain;
    plain2[1] = s.plain_len;
    return (int)s.cls;
}
API int bbw_call_tick(bb_call *c, double now_us) { return bb_call_tick(c, (uint64_t)now_us); }
API double bbw_call_next_deadline(bb_call *c) { return (double)bb_call_next_deadline(c); }
API int bbw_call_settled(bb_call *c) { return bb_call_settled(c); }
API size_t bbw_call_event_size(void) { return sizeof(bb_call_event); }
/* Returns the event's type (bb_call_event_type) or BB_E_AGAIN; text events
 * fill from, kind, final through the accessors below. */
API int bbw_call_poll_event(bb_call *c, bb_call_event *ev)
{
    int rc = bb_call_poll_event(c, ev);
    return rc ? rc : (int)ev->type;
}
API double bbw_call_event_from(const bb_call_event *ev) { return ev->from; }
API int bbw_call_event_kind(const bb_call_event *ev) { return (int)ev->kind; }
API int bbw_call_event_final(const bb_call_event *ev) { return ev->final; }
API const char *bbw_call_event_text(const bb_call_event *ev) { return ev->text; }
/* Counters by index, named by bbw_call_stat_name; -1 past the last. */
API double bbw_call_stat(bb_call *c, int i)
{
    const bb_call_stats *s = bb_call_get_stats(c);
    const uint64_t v[] = { s->spoofed, s->undecryptable, s->unknown_tag, s->oversize,
                           s->handshakes_refused, s->handshakes_in, s->handshakes_out,
                           s->handshakes_too_large, s->texts_in, s->controls_refused,
                           s->events_dropped, s->docs_in, s->docs_refused, s->files_in,
                           s->files_refused, s->keys_renewed };
    return i >= 0 && i < (int)(sizeof(v) / sizeof(v[0])) ? (double)v[i] : -1;
}
API const char *bbw_call_stat_name(int i)
{
    static const char *names[] = { "spoofed", "undecryptable", "unknownTag", "oversize",
                                   "handshakeRefused", "handshakesIn", "handshakesOut",
                                   "handshakeTooLarge", "textsIn", "controlRefused",
                                   "eventsDropped", "docsIn", "docsRefused", "filesIn",
                                   "filesRefused", "keysRenewed" };
    return i >= 0 && i < (int)(sizeof(names) / sizeof(names[0])) ? names[i] : "";
}
API int bbw_call_max_wire(void) { return BB_CALL_MAX_WIRE; }
API int bbw_call_text_caption(void) { return BB_CALL_TEXT_CAPTION; }
