/* I420 picture helpers shared by the VP8 wrappers and the binding layer. */
#include <string.h>

#include "beeldbel/codec.h"
#include "beeldbel/error.h"

static int valid_dims(int w, int h)
{
    return w >= 16 && h >= 16 && w <= 4096 && h <= 4096 && !(w & 1) && !(h & 1);
}

size_t bb_i420_size(int width, int height)
{
    if (!valid_dims(width, height))
        return 0;
    return (size_t)width * height * 3 / 2;
}

int bb_image_wrap_i420(bb_image *img, const uint8_t *buf, int width, int height)
{
    if (!img || !buf || !valid_dims(width, height))
        return BB_E_ARG;
    size_t luma = (size_t)width * height;
    img->width = width;
    img->height = height;
    img->plane[0] = buf;
    img->plane[1] = buf + luma;
    img->plane[2] = buf + luma + luma / 4;
    img->stride[0] = width;
    img->stride[1] = width / 2;
    img->stride[2] = width / 2;
    return BB_OK;
}

int bb_image_pack_i420(const bb_image *img, uint8_t *out, size_t cap)
{
    if (!img || !out)
        return BB_E_ARG;
    size_t need = bb_i420_size(img->width, img->height);
    if (!need || need > cap)
        return BB_E_BUFFER;
    for (int p = 0; p < 3; p++) {
        int pw = p ? img->width / 2 : img->width;
        int ph = p ? img->height / 2 : img->height;
        for (int r = 0; r < ph; r++, out += pw)
            memcpy(out, img->plane[p] + (size_t)r * img->stride[p], (size_t)pw);
    }
    return BB_OK;
}
