/* jpeg_guard.h - the checks a JPEG file must pass before stb_image decodes
 * it.
 *
 * stb_image 2.27 (Debian 12's libstb) builds each Huffman table from the
 * 16 code counts of a DHT segment without checking that they add up to at
 * most 256, the size of its table: a file whose counts add up to more
 * makes the decoder write past the table, into the rest of its state (up to
 * 16 x 255 bytes), before it reports "bad code lengths". Nine bytes are
 * enough (found by tests/fuzz/fuzz_image.c). Later stb_image versions check
 * the counts; this guard does the same on the file's bytes, so that such a
 * file is refused before the decoder sees it.
 *
 * Anything that is not a JPEG passes (other formats have their own
 * decoders); a JPEG passes when every Huffman table it declares, in every
 * DHT segment before or between the scans, has at most 256 codes and no
 * more codes of length L than 2^L.
 */
#ifndef CN_JPEG_GUARD_H
#define CN_JPEG_GUARD_H

#include <stddef.h>

/* 0 when p[0..n) may be handed to stb_image; -1 with a message naming
 * `name` (the file) when it is a JPEG with an impossible Huffman table. */
int jpeg_guard_check(const unsigned char *p, size_t n, const char *name);

#endif
