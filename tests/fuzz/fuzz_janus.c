/* libFuzzer target: Janus signalling. The input is a sequence of WebSocket
 * frames separated by newlines, fed to one session that answers every event
 * the way a browser host would. Whatever arrives, nothing may crash, leak or
 * grow without bound. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/janus.h"

static const char SDP[] = "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";

static void drain(bb_janus *j, uint64_t now)
{
    static char buf[BB_JANUS_MAX_MSG];
    size_t n;
    bb_janus_event ev;
    while (bb_janus_poll_send(j, buf, sizeof(buf), &n) == BB_OK)
        ;
    while (bb_janus_poll_event(j, &ev) == BB_OK) {
        if (ev.type == BB_JANUS_EV_PUBLISH_OFFER_NEEDED)
            bb_janus_publish(j, SDP, now);
        else if (ev.type == BB_JANUS_EV_SUBSCRIBE_OFFER)
            bb_janus_subscribe_answer(j, SDP, now);
        else if (ev.type == BB_JANUS_EV_CONNECTION_PROBLEM)
            bb_janus_ws_open(j, now);
    }
    while (bb_janus_poll_send(j, buf, sizeof(buf), &n) == BB_OK)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bb_janus_config cfg = { .room = 1234, .token = "tok", .display = "fuzz" };
    bb_janus *j;
    if (bb_janus_new(&j, &cfg))
        abort();
    uint64_t now = 0;
    bb_janus_ws_open(j, now);
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && data[i] != '\n')
            continue;
        now += 700000; /* crosses keepalive and timeout deadlines over time */
        bb_janus_recv(j, (const char *)data + start, i - start, now);
        bb_janus_tick(j, now);
        drain(j, now);
        start = i + 1;
    }
    bb_janus_trickle(j, BB_JANUS_SUBSCRIBER, "candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0, now);
    bb_janus_leave(j, now);
    drain(j, now);
    bb_janus_free(j);
    return 0;
}
