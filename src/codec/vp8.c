/*
 * VP8 through libvpx, set up for a live call: one-pass CBR, no lookahead
 * (lag would add latency), error resilient (a lost frame must not poison
 * the following ones more than necessary), realtime deadline.
 */
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#include "beeldbel/codec.h"
#include "beeldbel/error.h"

struct bb_video_encoder {
    vpx_codec_ctx_t ctx;
    vpx_codec_enc_cfg_t cfg;
    bb_video_config conf;
    int64_t frames;
};

struct bb_video_decoder {
    vpx_codec_ctx_t ctx;
};

void bb_video_config_default(bb_video_config *cfg, int width, int height)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->width = width;
    cfg->height = height;
    cfg->fps = 30;
    cfg->bitrate_kbps = 800;
    cfg->keyframe_interval = 0;
    cfg->speed = 8;
}

static int config_valid(const bb_video_config *c)
{
    return c && bb_i420_size(c->width, c->height) > 0 && c->fps >= 1 &&
           c->fps <= 60 && c->bitrate_kbps >= 20 && c->bitrate_kbps <= 20000 &&
           c->keyframe_interval >= 0 && (c->speed == 0 || (c->speed >= 4 && c->speed <= 16));
}

/* (Re)creates the libvpx context from enc->conf. */
static int start_encoder(bb_video_encoder *enc)
{
    const bb_video_config *conf = &enc->conf;
    vpx_codec_enc_cfg_t *cfg = &enc->cfg;
    if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), cfg, 0) != VPX_CODEC_OK)
        return BB_E_CODEC;
    cfg->g_w = (unsigned)conf->width;
    cfg->g_h = (unsigned)conf->height;
    cfg->g_timebase.num = 1;
    cfg->g_timebase.den = 1000000; /* pts in microseconds */
    cfg->g_threads = 1;
    cfg->g_lag_in_frames = 0;
    cfg->g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
    cfg->g_pass = VPX_RC_ONE_PASS;
    cfg->rc_end_usage = VPX_CBR;
    cfg->rc_target_bitrate = (unsigned)conf->bitrate_kbps;
    cfg->rc_min_quantizer = 2;
    cfg->rc_max_quantizer = 56;
    cfg->rc_undershoot_pct = 100;
    cfg->rc_overshoot_pct = 15;
    cfg->rc_buf_initial_sz = 500;
    cfg->rc_buf_optimal_sz = 600;
    cfg->rc_buf_sz = 1000;
    cfg->rc_dropframe_thresh = 0;
    cfg->kf_mode = conf->keyframe_interval ? VPX_KF_AUTO : VPX_KF_DISABLED;
    cfg->kf_min_dist = 0;
    cfg->kf_max_dist = (unsigned)conf->keyframe_interval;

    if (vpx_codec_enc_init(&enc->ctx, vpx_codec_vp8_cx(), cfg, 0) != VPX_CODEC_OK)
        return BB_E_CODEC;
    /* Negative cpu-used selects realtime speed trade-offs in VP8. */
    vpx_codec_control(&enc->ctx, VP8E_SET_CPUUSED, -enc->conf.speed);
    vpx_codec_control(&enc->ctx, VP8E_SET_NOISE_SENSITIVITY, 0);
    vpx_codec_control(&enc->ctx, VP8E_SET_STATIC_THRESHOLD, 1);
    /* Cap keyframe size so a keyframe does not flood a slow link. */
    vpx_codec_control(&enc->ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, 300);
    return BB_OK;
}

int bb_video_encoder_new(bb_video_encoder **out, const bb_video_config *conf)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    if (!config_valid(conf))
        return BB_E_ARG;

    bb_video_encoder *enc = calloc(1, sizeof(*enc));
    if (!enc)
        return BB_E_NOMEM;
    enc->conf = *conf;
    if (!enc->conf.speed)
        enc->conf.speed = 8;

    if (start_encoder(enc) != BB_OK)
        goto fail;
    *out = enc;
    return BB_OK;

fail:
    free(enc);
    return BB_E_CODEC;
}

void bb_video_encoder_free(bb_video_encoder *enc)
{
    if (!enc)
        return;
    vpx_codec_destroy(&enc->ctx);
    free(enc);
}

int bb_video_encoder_encode(bb_video_encoder *enc, const bb_image *img,
                            int64_t pts_us, int force_key,
                            uint8_t *out, size_t cap, size_t *out_len,
                            int *is_key)
{
    if (!enc || !img || !out || !out_len || !is_key)
        return BB_E_ARG;
    *out_len = 0;
    *is_key = 0;
    if (img->width != enc->conf.width || img->height != enc->conf.height)
        return BB_E_ARG;

    vpx_image_t raw;
    /* vpx_img_wrap only records pointers; planes are then set explicitly so
     * callers may pass any strides. */
    if (!vpx_img_wrap(&raw, VPX_IMG_FMT_I420, (unsigned)img->width,
                      (unsigned)img->height, 1, (unsigned char *)img->plane[0]))
        return BB_E_ARG;
    for (int i = 0; i < 3; i++) {
        raw.planes[i] = (unsigned char *)img->plane[i];
        raw.stride[i] = img->stride[i];
    }

    unsigned long duration = (unsigned long)(1000000 / enc->conf.fps);
    vpx_enc_frame_flags_t flags = force_key ? VPX_EFLAG_FORCE_KF : 0;
    if (vpx_codec_encode(&enc->ctx, &raw, pts_us, duration, flags,
                         VPX_DL_REALTIME) != VPX_CODEC_OK)
        return BB_E_CODEC;
    enc->frames++;

    vpx_codec_iter_t iter = NULL;
    const vpx_codec_cx_pkt_t *pkt;
    int rc = BB_OK;
    while ((pkt = vpx_codec_get_cx_data(&enc->ctx, &iter)) != NULL) {
        if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
            continue;
        if (*out_len + pkt->data.frame.sz > cap) {
            rc = BB_E_BUFFER; /* keep draining so the encoder stays consistent */
            continue;
        }
        memcpy(out + *out_len, pkt->data.frame.buf, pkt->data.frame.sz);
        *out_len += pkt->data.frame.sz;
        if (pkt->data.frame.flags & VPX_FRAME_IS_KEY)
            *is_key = 1;
    }
    if (rc != BB_OK)
        *out_len = 0;
    return rc;
}

int bb_video_encoder_set_bitrate(bb_video_encoder *enc, int kbps)
{
    if (!enc || kbps < 20 || kbps > 20000)
        return BB_E_ARG;
    enc->cfg.rc_target_bitrate = (unsigned)kbps;
    if (vpx_codec_enc_config_set(&enc->ctx, &enc->cfg) != VPX_CODEC_OK)
        return BB_E_CODEC;
    enc->conf.bitrate_kbps = kbps;
    return BB_OK;
}

int bb_video_decoder_new(bb_video_decoder **out)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    bb_video_decoder *dec = calloc(1, sizeof(*dec));
    if (!dec)
        return BB_E_NOMEM;
    vpx_codec_dec_cfg_t cfg = { .threads = 1 };
    if (vpx_codec_dec_init(&dec->ctx, vpx_codec_vp8_dx(), &cfg, 0) != VPX_CODEC_OK) {
        free(dec);
        return BB_E_CODEC;
    }
    *out = dec;
    return BB_OK;
}

void bb_video_decoder_free(bb_video_decoder *dec)
{
    if (!dec)
        return;
    vpx_codec_destroy(&dec->ctx);
    free(dec);
}

int bb_video_decoder_decode(bb_video_decoder *dec, const uint8_t *data,
                            size_t len, bb_image *img)
{
    if (!dec || !data || !len || !img)
        return BB_E_ARG;
    if (len > 0x7fffffff)
        return BB_E_TOO_LARGE;
    /* A hostile keyframe can claim 16383x16383 and make libvpx allocate
     * hundreds of megabytes; refuse sizes a call never uses. */
    vpx_codec_stream_info_t si = { .sz = sizeof(si) };
    if (vpx_codec_peek_stream_info(vpx_codec_vp8_dx(), data, (unsigned)len, &si) == VPX_CODEC_OK &&
        si.is_kf && (si.w > BB_VIDEO_MAX_DIM || si.h > BB_VIDEO_MAX_DIM || !si.w || !si.h))
        return BB_E_TOO_LARGE;
    if (vpx_codec_decode(&dec->ctx, data, (unsigned)len, NULL, 0) != VPX_CODEC_OK)
        return BB_E_CODEC;
    vpx_codec_iter_t iter = NULL;
    vpx_image_t *f = vpx_codec_get_frame(&dec->ctx, &iter);
    if (!f)
        return BB_E_AGAIN;
    if (f->fmt != VPX_IMG_FMT_I420)
        return BB_E_CODEC;
    img->width = (int)f->d_w;
    img->height = (int)f->d_h;
    for (int i = 0; i < 3; i++) {
        img->plane[i] = f->planes[i];
        img->stride[i] = f->stride[i];
    }
    return BB_OK;
}

int bb_video_encoder_reconfigure(bb_video_encoder *enc, int width, int height,
                                 int fps)
{
    if (!enc)
        return BB_E_ARG;
    bb_video_config next = enc->conf;
    next.width = width;
    next.height = height;
    next.fps = fps;
    if (!config_valid(&next))
        return BB_E_ARG;
    if (width == enc->conf.width && height == enc->conf.height) {
        enc->conf.fps = fps; /* frame duration follows conf.fps */
        return BB_OK;
    }
    bb_video_config old = enc->conf;
    vpx_codec_destroy(&enc->ctx);
    enc->conf = next;
    if (start_encoder(enc) == BB_OK)
        return BB_OK;
    enc->conf = old;
    if (start_encoder(enc) != BB_OK)
        memset(&enc->ctx, 0, sizeof(enc->ctx)); /* encode will now fail cleanly */
    return BB_E_CODEC;
}

const char *bb_codec_vp8_version(void)
{
    return vpx_codec_version_str();
}

int bb_codec_vp8_simd128(void)
{
    return strstr(vpx_codec_build_config(), "--enable-simd128") != NULL;
}
