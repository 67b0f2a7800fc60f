/* make bench: the engine linked without its document and file code
 * (tests/bench/run.sh, doc.widget_extra_kb) still has the call module, which
 * calls into files in the call; these stand in for them, sending none. */
#include "../../src/call/files.h"

#include "beeldbel/error.h"

files *files_new(uint16_t self) { (void)self; return (files *)1; }
void files_free(files *f) { (void)f; }
int files_send(files *f, const uint16_t *to, int nto, int type, const char *name, size_t name_len,
               const uint8_t *data, size_t len, uint32_t *id)
{
    (void)f, (void)to, (void)nto, (void)type, (void)name, (void)name_len, (void)data, (void)len, (void)id;
    return BB_E_UNSUPPORTED;
}
int files_cancel(files *f, uint32_t owner, uint32_t id) { (void)f, (void)owner, (void)id; return BB_E_ARG; }
void files_pump(files *f, bb_media *m, uint64_t now_us) { (void)f, (void)m, (void)now_us; }
int files_receive(files *f, uint32_t from, const uint8_t *p, size_t len, uint64_t now_us)
{
    (void)f, (void)from, (void)p, (void)len, (void)now_us;
    return -1;
}
void files_forget(files *f, uint32_t from) { (void)f, (void)from; }
int files_poll_event(files *f, bb_call_event *ev, uint8_t **bytes)
{
    (void)f, (void)ev;
    *bytes = NULL;
    return BB_E_AGAIN;
}
