/*
 * LD_PRELOAD shim for Janus on machines (and test namespaces) that have only
 * the loopback interface. Janus skips interfaces flagged IFF_LOOPBACK when it
 * gathers ICE candidates, and no setting changes that, so a loopback-only
 * call would have no candidate at all. This shim clears the flag in the
 * getifaddrs() result; nothing else about the interface changes.
 * Used only when src/system/run.sh runs in loopback mode.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stddef.h>

typedef int (*getifaddrs_fn)(struct ifaddrs **);

int getifaddrs(struct ifaddrs **ifap)
{
    static getifaddrs_fn real;
    if (!real)
        real = (getifaddrs_fn)dlsym(RTLD_NEXT, "getifaddrs");
    if (!real)
        return -1;
    int rc = real(ifap);
    if (rc != 0)
        return rc;
    for (struct ifaddrs *i = *ifap; i; i = i->ifa_next)
        i->ifa_flags &= ~(unsigned)IFF_LOOPBACK;
    return 0;
}
