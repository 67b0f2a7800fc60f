/*
 * Opus through libopus: 48 kHz mono VOIP, 20 ms frames. In-band FEC lets the
 * receiver rebuild one lost packet from the next; DTX sends almost nothing
 * during silence, which matters on a phone's data plan.
 */
#include <stdlib.h>

#include <opus/opus.h>

#include "beeldbel/codec.h"
#include "beeldbel/error.h"

struct bb_audio_encoder {
    OpusEncoder *opus;
};

struct bb_audio_decoder {
    OpusDecoder *opus;
};

static int valid_bitrate(int bps)
{
    return bps >= 6000 && bps <= 64000;
}

int bb_audio_encoder_new(bb_audio_encoder **out, int bitrate_bps)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    if (!valid_bitrate(bitrate_bps))
        return BB_E_ARG;
    bb_audio_encoder *enc = calloc(1, sizeof(*enc));
    if (!enc)
        return BB_E_NOMEM;
    int err = 0;
    enc->opus = opus_encoder_create(BB_AUDIO_RATE, 1, OPUS_APPLICATION_VOIP, &err);
    if (err != OPUS_OK || !enc->opus) {
        free(enc);
        return err == OPUS_ALLOC_FAIL ? BB_E_NOMEM : BB_E_CODEC;
    }
    opus_encoder_ctl(enc->opus, OPUS_SET_BITRATE(bitrate_bps));
    opus_encoder_ctl(enc->opus, OPUS_SET_INBAND_FEC(1));
    opus_encoder_ctl(enc->opus, OPUS_SET_PACKET_LOSS_PERC(10));
    opus_encoder_ctl(enc->opus, OPUS_SET_DTX(1));
    opus_encoder_ctl(enc->opus, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
    *out = enc;
    return BB_OK;
}

void bb_audio_encoder_free(bb_audio_encoder *enc)
{
    if (!enc)
        return;
    opus_encoder_destroy(enc->opus);
    free(enc);
}

int bb_audio_encoder_encode(bb_audio_encoder *enc, const int16_t *pcm,
                            uint8_t *out, size_t cap, size_t *out_len)
{
    if (!enc || !pcm || !out || !out_len)
        return BB_E_ARG;
    *out_len = 0;
    opus_int32 max = cap > 4000 ? 4000 : (opus_int32)cap;
    int n = opus_encode(enc->opus, pcm, BB_AUDIO_FRAME, out, max);
    if (n == OPUS_BUFFER_TOO_SMALL)
        return BB_E_BUFFER;
    if (n < 0)
        return BB_E_CODEC;
    *out_len = (size_t)n;
    return BB_OK;
}

int bb_audio_encoder_set_bitrate(bb_audio_encoder *enc, int bitrate_bps)
{
    if (!enc || !valid_bitrate(bitrate_bps))
        return BB_E_ARG;
    return opus_encoder_ctl(enc->opus, OPUS_SET_BITRATE(bitrate_bps)) == OPUS_OK
               ? BB_OK : BB_E_CODEC;
}

int bb_audio_encoder_set_loss(bb_audio_encoder *enc, int loss_pct)
{
    if (!enc || loss_pct < 0 || loss_pct > 100)
        return BB_E_ARG;
    return opus_encoder_ctl(enc->opus, OPUS_SET_PACKET_LOSS_PERC(loss_pct)) == OPUS_OK
               ? BB_OK : BB_E_CODEC;
}

int bb_audio_decoder_new(bb_audio_decoder **out)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    bb_audio_decoder *dec = calloc(1, sizeof(*dec));
    if (!dec)
        return BB_E_NOMEM;
    int err = 0;
    dec->opus = opus_decoder_create(BB_AUDIO_RATE, 1, &err);
    if (err != OPUS_OK || !dec->opus) {
        free(dec);
        return err == OPUS_ALLOC_FAIL ? BB_E_NOMEM : BB_E_CODEC;
    }
    *out = dec;
    return BB_OK;
}

void bb_audio_decoder_free(bb_audio_decoder *dec)
{
    if (!dec)
        return;
    opus_decoder_destroy(dec->opus);
    free(dec);
}

int bb_audio_decoder_decode(bb_audio_decoder *dec, const uint8_t *data,
                            size_t len, int use_fec, int16_t *pcm,
                            int *samples)
{
    if (!dec || !pcm || !samples || (data && !len) || (!data && use_fec))
        return BB_E_ARG;
    *samples = 0;
    if (len > 4000)
        return BB_E_TOO_LARGE;
    int n = opus_decode(dec->opus, data, (opus_int32)len, pcm, BB_AUDIO_FRAME,
                        use_fec ? 1 : 0);
    if (n < 0)
        return n == OPUS_INVALID_PACKET ? BB_E_PARSE : BB_E_CODEC;
    *samples = n;
    return BB_OK;
}

const char *bb_codec_opus_version(void)
{
    return opus_get_version_string();
}
