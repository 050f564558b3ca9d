/* stb_image_impl.c - stb_image's decoders compiled into the fuzz targets.
 *
 * The programs use the system's libstb. The fuzz targets link this copy of
 * the same header's implementation first, built with the fuzzer's coverage
 * and the sanitizers, so libFuzzer sees inside the PNG and JPEG decoders
 * (an uninstrumented library is a black box to it) and ASan checks their
 * every read and write.
 */
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
