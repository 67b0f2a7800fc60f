/*
 * The contact service's HTTP layer (libmicrohttpd): routes, sessions, rate
 * limits, JSON replies. The clock and randomness are read here (the I/O
 * shell) and passed to everything below it.
 */
#ifndef BB_CONTACT_SERVICE_H
#define BB_CONTACT_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/identity.h"
#include "store.h"

typedef struct {
    const char *bind_ip;         /* "127.0.0.1" */
    unsigned port;
    unsigned proxy_hops;         /* trusted proxies in front, each adding to X-Forwarded-For */
    int64_t session_max_s;       /* an officer's session ends this long after login (absolute) */
    int64_t session_idle_s;      /* ... or this long after its last use (idle) */
    int64_t retention_s;         /* closed requests are deleted after this */
    int64_t open_max_s;          /* requests never closed are deleted this long after creation */
    int64_t invite_ttl_s;        /* invitation link lifetime */
    double create_per_hour;      /* new requests per client address per hour */
    double calls_per_minute;     /* any citizen call per client address per minute */
    const char *site_url;        /* base of citizens' invitation links, e.g. http://127.0.0.1:8470 */
    const char *console_url;     /* base of colleagues' links (the console's origin) */
    const char *janus_http_url;  /* e.g. http://127.0.0.1:8089/janus; NULL: no video */
    const char *janus_ws_url;    /* what browsers connect to */
    /* Several Janus servers instead ("HTTP_URL|WS_URL,..." as janus_pool.h
     * reads it; NULL: the one above): each new call goes to the healthy one
     * with the fewest calls, checked every second. */
    const char *janus_servers;
    const char *janus_token_secret;
    const char *videoroom_admin_key;
    /* The police time-stamping service (RFC 3161): its private key (PEM,
     * NUL-terminated) and certificate (DER); NULL: no time stamps. */
    const char *tsa_key_pem;
    const uint8_t *tsa_cert_der;
    size_t tsa_cert_len;
    /* The police root (and its revocation list) that a signed statement's
     * officer certificate must chain to before it is kept; NULL: statements
     * are refused. Borrowed. */
    bb_trust *police;
    /* The evidence store (evidence.h): the directory of recorded
     * interviews (NULL: none), the largest recording, how long one is kept. */
    const char *evidence_dir;
    int64_t evidence_max_bytes;
    int64_t evidence_retention_s;
    /* Fills buf with len random bytes; 0 or BB_E_*. */
    int (*random)(uint8_t *buf, size_t len);
} bb_contact_config;

typedef struct bb_contact_service bb_contact_service;

/* Starts serving (threads inside libmicrohttpd). store stays owned by the caller. */
int bb_contact_service_start(const bb_contact_config *cfg, bb_store *store, bb_contact_service **out);
/* Runs retention once (also done every minute by the service). */
void bb_contact_service_purge(bb_contact_service *svc);
/* The port actually bound (useful with port 0). */
unsigned bb_contact_service_port(bb_contact_service *svc);
void bb_contact_service_stop(bb_contact_service *svc);

#endif
