/* idx.c - IDX reader and unsigned-byte writer (format in idx.h).
 *
 * Depends only on core/error.{h,c} and libc, so the fuzz target can build it
 * alone. The header is validated in one place (parse_header) for both the
 * in-memory parser and the file loader, and every size is checked against the
 * real length before anything is allocated.
 */
#include "datasets/idx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/files.h"

/* --- types ----------------------------------------------------------------- */

static size_t type_size(int type)
{
    switch (type) {
    case IDX_U8: return 1;
    case IDX_I8: return 1;
    case IDX_I16: return 2;
    case IDX_I32: return 4;
    case IDX_F32: return 4;
    case IDX_F64: return 8;
    default: return 0;
    }
}

const char *idx_type_name(int type)
{
    switch (type) {
    case IDX_U8: return "unsigned byte";
    case IDX_I8: return "signed byte";
    case IDX_I16: return "short";
    case IDX_I32: return "int";
    case IDX_F32: return "float";
    case IDX_F64: return "double";
    default: return NULL;
    }
}

/* "60000x28x28" */
static void shape_str(char *buf, size_t size, const uint32_t *dims, int rank)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < rank && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%lu", i ? "x" : "", (unsigned long)dims[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Big-endian elements to host order, in place. Each element is assembled as
 * an unsigned integer from its bytes, most significant first, and stored with
 * memcpy: correct on any host without asking which byte order it uses. */
static void to_host_order(unsigned char *p, size_t count, size_t elem)
{
    if (elem == 2) {
        for (size_t i = 0; i < count; i++, p += 2) {
            uint16_t v = (uint16_t)((unsigned)p[0] << 8 | p[1]);
            memcpy(p, &v, 2);
        }
    } else if (elem == 4) {
        for (size_t i = 0; i < count; i++, p += 4) {
            uint32_t v = be32(p);
            memcpy(p, &v, 4);
        }
    } else if (elem == 8) {
        for (size_t i = 0; i < count; i++, p += 8) {
            uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
            memcpy(p, &v, 8);
        }
    }
}

/* --- header ---------------------------------------------------------------- */

/* Validate the header in hdr[0..avail) of a file that is file_len bytes long
 * in total (avail <= file_len; avail may stop short of the data). Fills every
 * field of *out except data, and sets *data_off to the header length. */
static int parse_header(Idx *out, const unsigned char *hdr, size_t avail, size_t file_len,
                        const char *name, size_t *data_off)
{
    memset(out, 0, sizeof *out);
    if (avail < 4)
        return cn_fail("IDX file %s: truncated header: %zu bytes, too short for the 4-byte "
                       "magic/type/rank header (empty or cut-off file)", name, file_len);
    if (hdr[0] != 0 || hdr[1] != 0) {
        int gz = hdr[0] == 0x1f && hdr[1] == 0x8b;
        return cn_fail("IDX file %s: bad magic: first two bytes are 0x%02x 0x%02x, an IDX file "
                       "starts with 0x00 0x00%s", name, hdr[0], hdr[1],
                       gz ? " (this one is gzip-compressed: gunzip it first, as `make datasets` does)"
                          : " (not an IDX file)");
    }
    int type = hdr[2], rank = hdr[3];
    size_t elem = type_size(type);
    if (elem == 0)
        return cn_fail("IDX file %s: unsupported type 0x%02x (known types: 0x08 unsigned byte, "
                       "0x09 signed byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)", name, type);
    if (rank < 1 || rank > IDX_MAX_RANK)
        return cn_fail("IDX file %s: unsupported rank %d (this reader takes rank 1 to %d)", name,
                       rank, IDX_MAX_RANK);
    size_t hlen = 4 + 4 * (size_t)rank;
    if (avail < hlen)
        return cn_fail("IDX file %s: truncated header: %zu bytes, but a rank-%d header needs %zu",
                       name, file_len, rank, hlen);

    uint32_t dims[IDX_MAX_RANK] = { 0 };
    for (int i = 0; i < rank; i++) dims[i] = be32(hdr + 4 + 4 * (size_t)i);
    char shape[64];
    shape_str(shape, sizeof shape, dims, rank);

    size_t count = 1, bytes, total;
    for (int i = 0; i < rank; i++) {
        if (dims[i] == 0)
            return cn_fail("IDX file %s: dimension %d is zero (dims %s): empty arrays are refused",
                           name, i, shape);
        if (cn_mul_size(count, dims[i], &count) != 0)
            return cn_fail("IDX file %s: dims %s overflow size_t: the element count is too large "
                           "for this machine", name, shape);
    }
    if (cn_mul_size(count, elem, &bytes) != 0 || cn_add_size(bytes, hlen, &total) != 0)
        return cn_fail("IDX file %s: dims %s of %zu-byte elements overflow size_t: the data size "
                       "is too large for this machine", name, shape, elem);
    if (file_len < total)
        return cn_fail("IDX file %s: truncated: %zu bytes, but its header (%s %s) needs %zu "
                       "(%zu header + %zu data); the file was cut off", name, file_len,
                       shape, idx_type_name(type), total, hlen, bytes);
    if (file_len > total)
        return cn_fail("IDX file %s: too long: %zu bytes, but its header (%s %s) describes %zu; "
                       "%zu extra bytes at the end (wrong header or concatenated files)", name,
                       file_len, shape, idx_type_name(type), total, file_len - total);

    out->type = type;
    out->rank = rank;
    memcpy(out->dims, dims, sizeof dims);
    out->count = count;
    out->elem_size = elem;
    *data_off = hlen;
    return 0;
}

/* --- reading --------------------------------------------------------------- */

int idx_parse(Idx *out, const unsigned char *buf, size_t len, const char *name)
{
    if (!name) name = "(buffer)";
    if (!out) return cn_fail("idx_parse(%s): out is NULL", name);
    memset(out, 0, sizeof *out);
    if (!buf && len > 0) return cn_fail("idx_parse(%s): buf is NULL but len is %zu", name, len);
    size_t off;
    if (parse_header(out, buf, len, len, name, &off) != 0) return -1;
    size_t bytes = out->count * out->elem_size;   /* checked in parse_header */
    unsigned char *data = malloc(bytes);
    if (!data) {
        memset(out, 0, sizeof *out);
        return cn_fail("IDX file %s: out of memory for %zu bytes of data", name, bytes);
    }
    memcpy(data, buf + off, bytes);
    to_host_order(data, out->count, out->elem_size);
    out->data = data;
    return 0;
}

int idx_load(Idx *out, const char *path)
{
    if (!out) return cn_fail("idx_load: out is NULL");
    memset(out, 0, sizeof *out);
    if (!path) return cn_fail("idx_load: path is NULL");

    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return cn_fail("IDX file %s: missing (%s): run `make datasets` in the project root "
                           "to create it", path, strerror(e));
        return cn_fail("IDX file %s: cannot open it for reading: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return cn_fail("IDX file %s: cannot stat it: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        return cn_fail("IDX file %s: not a regular file (%s)", path,
                       S_ISDIR(st.st_mode) ? "a directory" : "a device, pipe or socket");
    }
    if (st.st_size < 0 || (uintmax_t)st.st_size > SIZE_MAX) {
        fclose(f);
        return cn_fail("IDX file %s: size %jd is too large for this machine", path,
                       (intmax_t)st.st_size);
    }
    size_t len = (size_t)st.st_size;

    /* The header is at most 4 + 4 * IDX_MAX_RANK bytes; read what the file
     * has of it and let parse_header judge, against the full length. */
    unsigned char hdr[4 + 4 * IDX_MAX_RANK];
    size_t want = len < sizeof hdr ? len : sizeof hdr;
    size_t got = fread(hdr, 1, want, f);
    if (got != want) {
        int bad = ferror(f);
        fclose(f);
        return cn_fail("IDX file %s: %s after %zu of %zu header bytes", path,
                       bad ? "read error" : "unexpected end (file shrank while reading?)", got, want);
    }
    size_t off;
    if (parse_header(out, hdr, got, len, path, &off) != 0) {
        fclose(f);
        return -1;
    }
    size_t bytes = out->count * out->elem_size;   /* checked in parse_header */
    unsigned char *data = malloc(bytes);
    if (!data) {
        fclose(f);
        memset(out, 0, sizeof *out);
        return cn_fail("IDX file %s: out of memory for %zu bytes of data", path, bytes);
    }
    if (fseek(f, (long)off, SEEK_SET) != 0) {
        int e = errno;
        free(data);
        fclose(f);
        memset(out, 0, sizeof *out);
        return cn_fail("IDX file %s: cannot seek to the data: %s", path, strerror(e));
    }
    got = fread(data, 1, bytes, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || got != bytes || bad) {
        free(data);
        memset(out, 0, sizeof *out);
        return cn_fail("IDX file %s: %s after %zu of %zu data bytes", path,
                       bad ? "read error" : "unexpected end (file changed while reading?)", got, bytes);
    }
    to_host_order(data, out->count, out->elem_size);
    out->data = data;
    return 0;
}

void idx_free(Idx *x)
{
    if (!x) return;
    free(x->data);
    memset(x, 0, sizeof *x);
}

int idx_expect(const Idx *x, int type, int rank, const char *name, const char *what)
{
    if (!name) name = "(buffer)";
    if (!what) what = "data";
    if (!x || !x->data) return cn_fail("IDX file %s: no data loaded", name);
    const char *want_t = idx_type_name(type), *have_t = idx_type_name(x->type);
    if (x->type != type)
        return cn_fail("IDX file %s: type 0x%02x (%s), but %s must be type 0x%02x (%s): is it the "
                       "right file?", name, x->type, have_t ? have_t : "unknown", what, type,
                       want_t ? want_t : "unknown");
    if (x->rank != rank) {
        char shape[64];
        shape_str(shape, sizeof shape, x->dims, x->rank);
        return cn_fail("IDX file %s: rank %d (dims %s), but %s must have rank %d: is it the "
                       "right file?", name, x->rank, shape, what, rank);
    }
    return 0;
}

/* --- writing --------------------------------------------------------------- */

int idx_write_u8(const char *path, const unsigned char *data, int rank, const uint32_t *dims)
{
    if (!path) return cn_fail("idx_write_u8: path is NULL");
    if (!data || !dims) return cn_fail("idx_write_u8(%s): data or dims is NULL", path);
    if (rank < 1 || rank > IDX_MAX_RANK)
        return cn_fail("idx_write_u8(%s): rank %d outside 1..%d", path, rank, IDX_MAX_RANK);
    size_t count = 1;
    unsigned char hdr[4 + 4 * IDX_MAX_RANK] = { 0, 0, IDX_U8, (unsigned char)rank };
    for (int i = 0; i < rank; i++) {
        if (dims[i] == 0) return cn_fail("idx_write_u8(%s): dimension %d is zero", path, i);
        if (cn_mul_size(count, dims[i], &count) != 0)
            return cn_fail("idx_write_u8(%s): dims overflow size_t", path);
        for (int b = 0; b < 4; b++) hdr[4 + 4 * i + b] = (unsigned char)(dims[i] >> (24 - 8 * b));
    }
    size_t hlen = 4 + 4 * (size_t)rank;

    /* Header and data in one buffer, written beside the file and renamed
     * into place (core/files.h): a crash never leaves half a dataset. */
    size_t total;
    if (cn_add_size(hlen, count, &total) != 0) return cn_fail("idx_write_u8(%s): size overflows size_t", path);
    unsigned char *buf = malloc(total);
    if (!buf) return cn_fail("idx_write_u8(%s): out of memory for %zu bytes", path, total);
    memcpy(buf, hdr, hlen);
    memcpy(buf + hlen, data, count);
    int rc = cn_file_write_atomic(path, buf, total);
    free(buf);
    return rc;
}
