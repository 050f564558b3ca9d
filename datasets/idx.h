/* idx.h - the IDX file format (LeCun's MNIST format), read and written.
 *
 * Layout of a file, all integers big-endian:
 *
 *     byte 0, 1   0x00 0x00             magic
 *     byte 2      type                  0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 *     byte 3      rank                  number of dimensions
 *     4 * rank    dims[0..rank)         uint32 each
 *     then        dims[0]*...*dims[rank-1] elements of the type, row-major, big-endian
 *
 * MNIST and Fashion-MNIST use type 0x08: images are rank 3 (count, rows, cols),
 * labels rank 1 (count).
 *
 * What the reader accepts (and why):
 * - All six types. Multi-byte elements are converted to host byte order, so
 *   `(float *)x.data` is usable directly for type 0x0D (malloc alignment fits
 *   every type).
 * - Rank 1 to 4 (IDX allows up to 255; nothing here needs more than 4, and a
 *   fixed dims[4] keeps the struct simple). Rank 0 is refused.
 * - Every dimension at least 1. A zero dimension describes an empty array,
 *   which no dataset here is; refusing it means a successful read always has
 *   data != NULL and count >= 1.
 * - The file length must equal header + data exactly: shorter means a
 *   truncated download, longer means the header does not describe the file
 *   (a classic sign of a wrong or concatenated file).
 * The reader never reads past its input, and it checks every size product for
 * overflow before allocating, so a hostile header cannot make it allocate more
 * than the input's own length.
 */
#ifndef CN_IDX_H
#define CN_IDX_H

#include <stddef.h>
#include <stdint.h>

enum {
    IDX_U8 = 0x08,
    IDX_I8 = 0x09,
    IDX_I16 = 0x0B,
    IDX_I32 = 0x0C,
    IDX_F32 = 0x0D,
    IDX_F64 = 0x0E
};

#define IDX_MAX_RANK 4

typedef struct {
    int type;                   /* one of IDX_U8 ... IDX_F64 */
    int rank;                   /* 1 .. IDX_MAX_RANK */
    uint32_t dims[IDX_MAX_RANK];/* dims[rank..] are 0 */
    size_t count;               /* product of the dims, >= 1 */
    size_t elem_size;           /* bytes per element: 1, 2, 4 or 8 */
    unsigned char *data;        /* count * elem_size bytes, host byte order; owned */
} Idx;

/* Parse an IDX file held in memory (buf, len). The data is copied, so buf can
 * be freed afterwards. `name` (a path, usually) appears in every message.
 * 0 on success; -1 with cn_last_error() set, and *out zeroed, on failure. */
int idx_parse(Idx *out, const unsigned char *buf, size_t len, const char *name);

/* Read an IDX file from disk, with the same checks as idx_parse. A missing
 * file gives a message telling the user to run `make datasets`. */
int idx_load(Idx *out, const char *path);

/* Free the data and zero the struct. Safe on a zeroed or failed Idx. */
void idx_free(Idx *x);

/* Check that a parsed file has the type and rank a caller needs; `what`
 * names its role in the message ("images", "labels"). 0 or -1. */
int idx_expect(const Idx *x, int type, int rank, const char *name, const char *what);

/* Human-readable name of a type byte ("unsigned byte", ...), or NULL when
 * the byte is not an IDX type. */
const char *idx_type_name(int type);

/* Write an unsigned-byte IDX file: header for (rank, dims) then the
 * dims[0]*...*dims[rank-1] bytes of data. Atomic: the bytes go to a temporary
 * file in the same directory, which is renamed over `path` only once it is
 * complete, so a reader never sees a half-written file. 0 or -1. */
int idx_write_u8(const char *path, const unsigned char *data, int rank, const uint32_t *dims);

#endif
