/* libFuzzer target: the media wire parser alone (src/media/wire.c). What it
 * accepts must write back to the very same bytes, and parse again. */
#include <stdlib.h>
#include <string.h>

#include "../../src/media/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wire_msg m, again;
    int rc = bbm_wire_parse(data, size, &m);
    if (rc < 0) {
        if (rc < -BB_MEDIA_REJECT_COUNT)
            abort(); /* every rejection names a counted reason */
        return 0;
    }
    uint8_t buf[BB_MEDIA_MAX_MSG];
    size_t n = bbm_wire_write(&m, buf, sizeof(buf));
    if (n != size || memcmp(buf, data, size))
        abort();
    if (bbm_wire_parse(buf, n, &again) != 0 || again.type != m.type || again.ssrc != m.ssrc)
        abort();
    return 0;
}
