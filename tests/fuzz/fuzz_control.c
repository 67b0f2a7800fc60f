/* libFuzzer target: the control-message parser, then a write/parse round
 * trip of whatever it accepted (must be accepted again, unchanged). */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/signal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bb_control_msg m, again;
    bb_control_stats st = {0};
    if (bb_control_parse(data, size, &m, &st) != BB_OK)
        return 0;
    char buf[BB_CONTROL_MAX_BYTES * 7]; /* escapes can grow text up to 6x */
    size_t n;
    int rc = bb_control_write(&m, buf, sizeof(buf), &n);
    if (rc == BB_E_BUFFER)
        return 0; /* heavy escaping can exceed the wire limit: refused, fine */
    if (rc != BB_OK)
        abort();
    if (bb_control_parse((const uint8_t *)buf, n, &again, &st) != BB_OK)
        abort();
    if (again.type != m.type || again.seq != m.seq || strcmp(again.from, m.from) ||
        strcmp(again.text, m.text))
        abort();
    return 0;
}
