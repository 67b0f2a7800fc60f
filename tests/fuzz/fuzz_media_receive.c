/* libFuzzer target: the media engine's whole receive path. The input is a
 * sequence of records [u16 length][bytes][u8 time step in ms]; each message
 * goes through bb_media_receive(), then the engine's timers, playout and
 * send queue run as a host would run them. Nothing may crash, leak or read
 * out of bounds, and every message sent in reply must fit 1160 bytes. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bb_media_config cfg;
    bb_media_config_default(&cfg, 0xb0b0b0b0u);
    cfg.width = 64; /* small: the fuzzer spends its time in parsing */
    cfg.height = 64;
    bb_media *m;
    if (bb_media_new(&m, &cfg))
        abort();
    uint64_t now = 1000000;
    size_t off = 0;
    uint8_t out[BB_MEDIA_MAX_MSG];
    int16_t pcm[BB_AUDIO_FRAME];
    while (off + 2 <= size) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        bb_media_receive(m, data + off, len, now);
        off += len;
        if (off < size)
            now += data[off++] * 1000u;
        bb_media_tick(m, now);
        uint32_t peers[BB_MEDIA_MAX_PEERS];
        int n = bb_media_peers(m, peers);
        for (int i = 0; i < n; i++) {
            bb_media_frame f;
            bb_media_pull_frame(m, peers[i], now, &f);
            bb_media_pull_audio(m, peers[i], now, pcm);
        }
        size_t got;
        uint32_t from;
        uint8_t ctl[BB_MEDIA_MAX_CONTROL];
        while (bb_media_poll_control(m, &from, ctl, sizeof(ctl), &got) == BB_OK)
            ;
        while (bb_media_poll_send(m, out, sizeof(out), &got, NULL) == BB_OK)
            if (got > BB_MEDIA_MAX_MSG)
                abort();
    }
    bb_media_stats st;
    bb_media_get_stats(m, &st);
    if (st.npeers > BB_MEDIA_MAX_PEERS)
        abort();
    bb_media_free(m);
    return 0;
}
