/* VP8 and Opus wrappers: round trips, robustness, and the bitstream digests
 * that prove native and WASM builds produce identical output. */
#include <stdlib.h>

#include "beeldbel/codec.h"
#include "beeldbel/error.h"
#include "../common/bb_test.h"
#include "../common/synth.h"

#define W 640
#define H 360

TEST(vp8_roundtrip_360p_keeps_quality)
{
    bb_video_config cfg;
    bb_video_config_default(&cfg, W, H);
    cfg.bitrate_kbps = 1200;
    bb_video_encoder *enc;
    bb_video_decoder *dec;
    CHECK_OK(bb_video_encoder_new(&enc, &cfg));
    CHECK_OK(bb_video_decoder_new(&dec));
    size_t fsz = bb_i420_size(W, H);
    uint8_t *src = malloc(fsz), *got = malloc(fsz), *pkt = malloc(fsz);
    double worst = 99;
    int keys = 0, decoded = 0;
    for (int i = 0; i < 30; i++) {
        bb_image img, out;
        size_t len;
        int key;
        synth_video_frame(src, W, H, i);
        CHECK_OK(bb_image_wrap_i420(&img, src, W, H));
        CHECK_OK(bb_video_encoder_encode(enc, &img, i * 33333LL, 0, pkt, fsz, &len, &key));
        keys += key;
        if (!len)
            continue;
        CHECK_OK(bb_video_decoder_decode(dec, pkt, len, &out));
        CHECK_EQ_INT(out.width, W);
        CHECK_EQ_INT(out.height, H);
        CHECK_EQ_INT(bb_image_pack_i420(&out, got, fsz - 1), BB_E_BUFFER);
        CHECK_OK(bb_image_pack_i420(&out, got, fsz));
        double p = synth_psnr_i420(src, got, W, H);
        if (i >= 5 && p < worst)
            worst = p;
        decoded++;
    }
    printf("  vp8 360p: %d frames decoded, %d keyframes, worst psnr %.1f dB\n",
           decoded, keys, worst);
    CHECK(decoded >= 29);
    CHECK_EQ_INT(keys, 1); /* only the first: no periodic keyframes by default */
    CHECK(worst >= 30.0);
    free(src); free(got); free(pkt);
    bb_video_encoder_free(enc);
    bb_video_decoder_free(dec);
}

TEST(vp8_force_key_gives_keyframe)
{
    bb_video_config cfg;
    bb_video_config_default(&cfg, 320, 180);
    bb_video_encoder *enc;
    CHECK_OK(bb_video_encoder_new(&enc, &cfg));
    size_t fsz = bb_i420_size(320, 180);
    uint8_t *src = malloc(fsz), *pkt = malloc(fsz);
    int keys[4] = {0};
    for (int i = 0; i < 4; i++) {
        bb_image img;
        size_t len;
        synth_video_frame(src, 320, 180, i);
        bb_image_wrap_i420(&img, src, 320, 180);
        CHECK_OK(bb_video_encoder_encode(enc, &img, i * 33333LL, i == 3, pkt, fsz, &len, &keys[i]));
    }
    CHECK(keys[0] && !keys[1] && !keys[2] && keys[3]);
    free(src); free(pkt);
    bb_video_encoder_free(enc);
}

TEST(vp8_bitrate_change_lowers_size)
{
    bb_video_config cfg;
    bb_video_config_default(&cfg, W, H);
    cfg.bitrate_kbps = 2000;
    bb_video_encoder *enc;
    CHECK_OK(bb_video_encoder_new(&enc, &cfg));
    size_t fsz = bb_i420_size(W, H);
    uint8_t *src = malloc(fsz), *pkt = malloc(fsz);
    size_t high = 0, low = 0;
    for (int i = 0; i < 60; i++) {
        bb_image img;
        size_t len;
        int key;
        if (i == 30)
            CHECK_OK(bb_video_encoder_set_bitrate(enc, 200));
        synth_video_frame(src, W, H, i);
        bb_image_wrap_i420(&img, src, W, H);
        CHECK_OK(bb_video_encoder_encode(enc, &img, i * 33333LL, 0, pkt, fsz, &len, &key));
        if (i >= 10 && i < 30) high += len;
        if (i >= 45) low += len;
    }
    printf("  bytes/frame at 2000 kbit/s: %zu, at 200 kbit/s: %zu\n", high / 20, low / 15);
    CHECK(low / 15 * 3 < high / 20);
    CHECK_EQ_INT(bb_video_encoder_set_bitrate(enc, 5), BB_E_ARG);
    free(src); free(pkt);
    bb_video_encoder_free(enc);
}

TEST(vp8_rejects_bad_config)
{
    bb_video_config cfg;
    bb_video_encoder *enc = (bb_video_encoder *)1;
    bb_video_config_default(&cfg, 641, 360);
    CHECK_EQ_INT(bb_video_encoder_new(&enc, &cfg), BB_E_ARG);
    CHECK(enc == NULL);
    bb_video_config_default(&cfg, 640, 360);
    cfg.fps = 0;
    CHECK_EQ_INT(bb_video_encoder_new(&enc, &cfg), BB_E_ARG);
    CHECK_EQ_INT(bb_video_encoder_new(NULL, &cfg), BB_E_ARG);
}

TEST(vp8_decoder_survives_garbage)
{
    bb_video_decoder *dec;
    CHECK_OK(bb_video_decoder_new(&dec));
    uint8_t junk[700];
    uint32_t s = 1;
    int errors = 0;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(round * 37 % (int)sizeof(junk));
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            junk[i] = (uint8_t)(s >> 16);
        }
        if (round % 3 == 0 && n >= 10) { /* a plausible keyframe start code */
            junk[0] = 0x10; junk[3] = 0x9d; junk[4] = 0x01; junk[5] = 0x2a;
        }
        bb_image img;
        int rc = bb_video_decoder_decode(dec, junk, n, &img);
        CHECK(rc == BB_OK || rc == BB_E_CODEC || rc == BB_E_AGAIN || rc == BB_E_TOO_LARGE);
        errors += rc != BB_OK;
    }
    CHECK(errors > 100);
    bb_image img;
    CHECK_EQ_INT(bb_video_decoder_decode(dec, NULL, 0, &img), BB_E_ARG);
    bb_video_decoder_free(dec);
}

TEST(vp8_decoder_refuses_huge_keyframe)
{
    bb_video_decoder *dec;
    CHECK_OK(bb_video_decoder_new(&dec));
    /* keyframe tag, start code, then 16000 x 16000 (14-bit fields) */
    uint8_t kf[64] = { 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a,
                       16000 & 0xff, 16000 >> 8, 16000 & 0xff, 16000 >> 8 };
    bb_image img;
    CHECK_EQ_INT(bb_video_decoder_decode(dec, kf, sizeof(kf), &img), BB_E_TOO_LARGE);
    kf[6] = 0x80; kf[7] = 0x02; kf[8] = 0x68; kf[9] = 0x01; /* 640 x 360 is fine to try */
    CHECK(bb_video_decoder_decode(dec, kf, sizeof(kf), &img) != BB_E_TOO_LARGE);
    bb_video_decoder_free(dec);
}

TEST(vp8_bitstream_digest)
{
    bb_video_config cfg;
    bb_video_config_default(&cfg, W, H);
    bb_video_encoder *enc;
    CHECK_OK(bb_video_encoder_new(&enc, &cfg));
    size_t fsz = bb_i420_size(W, H);
    uint8_t *src = malloc(fsz), *all = malloc(fsz * 10);
    size_t total = 0;
    for (int i = 0; i < 10; i++) {
        bb_image img;
        size_t len;
        int key;
        synth_video_frame(src, W, H, i);
        bb_image_wrap_i420(&img, src, W, H);
        CHECK_OK(bb_video_encoder_encode(enc, &img, i * 33333LL, 0, all + total,
                                         fsz * 10 - total, &len, &key));
        total += len;
    }
    CHECK(total > 1000);
    bb_test_digest("vp8_640x360_10frames", all, total);
    free(src); free(all);
    bb_video_encoder_free(enc);
}

static double energy(const int16_t *p, int n)
{
    double e = 0;
    for (int i = 0; i < n; i++)
        e += (double)p[i] * p[i];
    return e / n;
}

TEST(opus_roundtrip_keeps_energy_and_conceals_loss)
{
    bb_audio_encoder *enc;
    bb_audio_decoder *dec;
    CHECK_OK(bb_audio_encoder_new(&enc, 24000));
    CHECK_OK(bb_audio_decoder_new(&dec));
    int16_t in[BB_AUDIO_FRAME], out[BB_AUDIO_FRAME];
    uint8_t pkt[BB_AUDIO_MAX_PACKET];
    double ein = 0, eout = 0;
    for (int i = 0; i < 50; i++) {
        size_t len;
        int n;
        synth_audio_frame(in, i);
        CHECK_OK(bb_audio_encoder_encode(enc, in, pkt, sizeof(pkt), &len));
        CHECK(len > 2 && len < 200);
        if (i == 25) { /* lost: recover from the next packet's FEC is tested by */
            CHECK_OK(bb_audio_decoder_decode(dec, NULL, 0, 0, out, &n)); /* PLC */
        } else {
            CHECK_OK(bb_audio_decoder_decode(dec, pkt, len, 0, out, &n));
        }
        CHECK_EQ_INT(n, BB_AUDIO_FRAME);
        if (i >= 10) { ein += energy(in, n); eout += energy(out, n); }
    }
    double ratio = eout / ein;
    printf("  opus energy ratio out/in %.2f\n", ratio);
    CHECK(ratio > 0.5 && ratio < 1.5);
    bb_audio_encoder_free(enc);
    bb_audio_decoder_free(dec);
}

TEST(opus_dtx_sends_almost_nothing_in_silence)
{
    bb_audio_encoder *enc;
    CHECK_OK(bb_audio_encoder_new(&enc, 24000));
    int16_t silence[BB_AUDIO_FRAME] = {0};
    uint8_t pkt[BB_AUDIO_MAX_PACKET];
    size_t total = 0;
    for (int i = 0; i < 100; i++) {
        size_t len;
        CHECK_OK(bb_audio_encoder_encode(enc, silence, pkt, sizeof(pkt), &len));
        if (i >= 20) total += len;
    }
    printf("  opus bytes for 1.6 s of silence: %zu\n", total);
    CHECK(total < 400); /* 24 kbit/s would be 4800 bytes */
    bb_audio_encoder_free(enc);
}

TEST(opus_rejects_garbage_and_bad_args)
{
    bb_audio_decoder *dec;
    CHECK_OK(bb_audio_decoder_new(&dec));
    int16_t out[BB_AUDIO_FRAME];
    int n;
    /* Code 3 packet claiming 63 frames of 120 ms: exceeds our 20 ms buffer. */
    uint8_t bad[] = { 0xfb, 0xff, 0x01, 0x02 };
    int rc = bb_audio_decoder_decode(dec, bad, sizeof(bad), 0, out, &n);
    CHECK(rc == BB_E_PARSE || rc == BB_E_CODEC);
    CHECK_EQ_INT(bb_audio_decoder_decode(dec, bad, 0, 0, out, &n), BB_E_ARG);
    CHECK_EQ_INT(bb_audio_decoder_decode(dec, NULL, 0, 1, out, &n), BB_E_ARG);
    bb_audio_encoder *enc;
    CHECK_EQ_INT(bb_audio_encoder_new(&enc, 100), BB_E_ARG);
    bb_audio_decoder_free(dec);
}

TEST(opus_bitstream_digest)
{
    bb_audio_encoder *enc;
    CHECK_OK(bb_audio_encoder_new(&enc, 24000));
    int16_t in[BB_AUDIO_FRAME];
    uint8_t all[50 * BB_AUDIO_MAX_PACKET];
    size_t total = 0;
    for (int i = 0; i < 50; i++) {
        size_t len;
        synth_audio_frame(in, i);
        CHECK_OK(bb_audio_encoder_encode(enc, in, all + total, sizeof(all) - total, &len));
        total += len;
    }
    bb_test_digest("opus_24k_1s", all, total);
    bb_audio_encoder_free(enc);
}

TEST(library_versions_are_the_debian_sources)
{
    CHECK(strstr(bb_codec_vp8_version(), "1.12.0") != NULL);
    CHECK(strstr(bb_codec_opus_version(), "1.3.1") != NULL);
}
