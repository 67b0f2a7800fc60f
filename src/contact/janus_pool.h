/*
 * The Janus servers the service places calls on. Each has the HTTP URL the
 * service uses (on its own network) and the WebSocket URL participants use,
 * which also names it in the store (a room's server). Whether each answered
 * its last health check is kept here, per service instance; how many calls
 * each has comes from the store, shared. Thread-safe.
 */
#ifndef BB_CONTACT_JANUS_POOL_H
#define BB_CONTACT_JANUS_POOL_H

#define BB_JANUS_SERVERS_MAX 16

typedef struct bb_janus_pool bb_janus_pool;

/* list: "HTTP_URL|WS_URL" entries separated by commas, each URL http(s)://
 * or ws(s):// and at most 255 characters; NULL when malformed (say why on
 * stderr) or out of memory. Every server starts healthy. */
bb_janus_pool *bb_janus_pool_new(const char *list);
void bb_janus_pool_free(bb_janus_pool *p);
int bb_janus_pool_size(const bb_janus_pool *p);
const char *bb_janus_pool_http(const bb_janus_pool *p, int i);
const char *bb_janus_pool_ws(const bb_janus_pool *p, int i);
/* The server a room's stored name (its WebSocket URL) names: its index;
 * "" names the first (rooms from before there were several); -1 none. */
int bb_janus_pool_find(const bb_janus_pool *p, const char *ws);
void bb_janus_pool_set_healthy(bb_janus_pool *p, int i, int healthy);
int bb_janus_pool_healthy(bb_janus_pool *p, int i);
/* The healthy server with the fewest calls (calls[i] for server i; the
 * first of equals); -1 when none is healthy. */
int bb_janus_pool_pick(bb_janus_pool *p, const int *calls);

/* Asks every server ping (BB_OK: healthy) every interval_ms, on a thread
 * of its own, until the pool is freed. BB_OK or BB_E_STATE. */
int bb_janus_pool_watch(bb_janus_pool *p, int (*ping)(const char *http_url), unsigned interval_ms);

#endif
