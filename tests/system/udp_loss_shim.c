/*
 * Test-only LD_PRELOAD shim: drops outgoing UDP datagrams of the process it
 * is loaded into (Janus, in tests/browser/loss.test.mjs) with a fixed
 * probability, so data-channel behaviour under loss is measured through the
 * real SFU. tc netem is not available in this kernel (DESIGN.md).
 *
 *   BB_UDP_LOSS_PERMILLE  drop probability in 1/1000 (default 0)
 *   BB_UDP_LOSS_FILE      drop only while this file exists (lets a test
 *                         connect first, then turn loss on and off); a
 *                         number in it (permille) overrides the default,
 *                         read again at most every 100 ms
 *   BB_UDP_LOSS_SEED      seed of the deterministic generator (default 1)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
typedef int (*sendmmsg_fn)(int, struct mmsghdr *, unsigned int, int);

static uint32_t state;

static int is_udp(int fd)
{
    int type = 0;
    socklen_t len = sizeof(type);
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM;
}

/* The file's number, if it holds one; else fallback. Read at most every 100 ms. */
static int file_permille(const char *file, int fallback)
{
    static int cached = -1;
    static long long read_at;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
    if (read_at && now - read_at < 100)
        return cached >= 0 ? cached : fallback;
    read_at = now;
    cached = -1;
    int fd = open(file, O_RDONLY);
    if (fd >= 0) {
        char buf[16] = { 0 };
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0 && buf[0] >= '0' && buf[0] <= '9')
            cached = atoi(buf);
    }
    return cached >= 0 ? cached : fallback;
}

/* Decides per datagram; one generator for the whole process (a test shim). */
static int drop(int fd)
{
    static int permille = -1;
    static const char *file;
    if (permille < 0) {
        const char *p = getenv("BB_UDP_LOSS_PERMILLE"), *s = getenv("BB_UDP_LOSS_SEED");
        permille = p ? atoi(p) : 0;
        file = getenv("BB_UDP_LOSS_FILE");
        state = s ? (uint32_t)strtoul(s, NULL, 10) : 1;
        if (!state)
            state = 1;
    }
    if (!is_udp(fd) || (file && access(file, F_OK) != 0))
        return 0;
    int now = file ? file_permille(file, permille) : permille;
    if (now <= 0)
        return 0;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return (int)(state % 1000) < now;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    static sendmsg_fn real;
    if (!real)
        real = (sendmsg_fn)dlsym(RTLD_NEXT, "sendmsg");
    if (drop(fd)) {
        ssize_t n = 0;
        for (size_t i = 0; i < msg->msg_iovlen; i++)
            n += (ssize_t)msg->msg_iov[i].iov_len;
        return n; /* "sent": lost on the way, as on a real network */
    }
    return real(fd, msg, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen)
{
    static sendto_fn real;
    if (!real)
        real = (sendto_fn)dlsym(RTLD_NEXT, "sendto");
    if (drop(fd))
        return (ssize_t)len;
    return real(fd, buf, len, flags, to, tolen);
}

int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
    static sendmmsg_fn real;
    if (!real)
        real = (sendmmsg_fn)dlsym(RTLD_NEXT, "sendmmsg");
    /* Send one at a time so each datagram gets its own chance of loss. */
    unsigned int done = 0;
    for (; done < n; done++) {
        ssize_t r = sendmsg(fd, &vec[done].msg_hdr, flags);
        if (r < 0)
            return done ? (int)done : -1;
        vec[done].msg_len = (unsigned int)r;
    }
    return (int)done;
}
