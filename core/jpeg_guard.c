/* jpeg_guard.c - see jpeg_guard.h. */
#include "core/jpeg_guard.h"

#include "core/error.h"

/* The tables of the DHT segment whose body starts at p[at] and declares
 * len bytes: each is a class/id byte, 16 counts, then as many symbols as
 * the counts add up to. Read as stb_image reads them: from the file
 * whatever the segment's length says, and 0 past the end of the file. */
static int check_dht(const unsigned char *p, size_t n, size_t at, size_t len, const char *name)
{
    const size_t end = at + len;
    while (at < end) {
        unsigned total = 0;
        for (int i = 0; i < 16; i++) {
            const unsigned c = at + 1 + i < n ? p[at + 1 + i] : 0;
            if (c > (2u << i))
                return cn_fail("cannot decode image %s: a JPEG Huffman table declares %u codes of length %d, "
                               "more than exist (the file is damaged or hostile)", name, c, i + 1);
            total += c;
        }
        if (total > 256)
            return cn_fail("cannot decode image %s: a JPEG Huffman table declares %u codes, at most 256 exist "
                           "(the file is damaged or hostile)", name, total);
        at += 17 + total;
    }
    return 0;
}

int jpeg_guard_check(const unsigned char *p, size_t n, const char *name)
{
    /* a JPEG starts with the marker SOI, FF D8; stb_image also takes any
     * number of fill bytes FF before it */
    size_t at = 0;
    while (p && at < n && p[at] == 0xFF) at++;
    if (!p || at < 1 || at >= n || p[at] != 0xD8) return 0;   /* not a JPEG */
    at++;
    while (at + 1 < n) {
        if (p[at] != 0xFF) {
            at++;   /* entropy-coded data of a scan, or padding */
            continue;
        }
        const unsigned char m = p[at + 1];
        /* fill bytes, stuffed zeros, restart markers, start and end of image
         * have no length */
        if (m == 0xFF) {
            at++;
            continue;
        }
        if (m == 0x00 || (m >= 0xD0 && m <= 0xD9) || m == 0x01) {
            at += 2;
            continue;
        }
        const size_t len = (size_t)(at + 2 < n ? p[at + 2] : 0) << 8 | (at + 3 < n ? p[at + 3] : 0);
        if (len < 2) return 0;   /* stb reports the bad length itself */
        if (m == 0xC4 && check_dht(p, n, at + 4, len - 2, name)) return -1;
        at = at + 2 + len;
    }
    return 0;
}
