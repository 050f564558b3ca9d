#!/bin/sh
# datasets.sh - `make datasets` repairs what is damaged: on a copy of the
# prepared datasets (never the real ones), a truncated Fashion-MNIST file and
# an edited one are named, made again from their source and verified; a
# second run finds nothing to do. Run by `make check`; needs the datasets
# prepared (make datasets) and takes a second or two.
set -u
cd "$(dirname "$0")/.." || exit 1
fail() { echo "tests/datasets.sh: FAILED: $*" >&2; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for d in fashion-mnist mnist-sample photos; do
    cp -RL "datasets/$d" "$tmp/" || fail "cannot copy datasets/$d (run make datasets first)"
done

labels=$tmp/fashion-mnist/t10k-labels-idx1-ubyte
images=$tmp/fashion-mnist/t10k-images-idx3-ubyte
want_labels=$(sha256sum < "$labels")
truncate -s 5000 "$labels" || fail "cannot truncate $labels"
printf 'X' | dd of="$images" bs=1 seek=1000 conv=notrunc 2>/dev/null || fail "cannot edit $images"

out=$(make --no-print-directory datasets DATASETS_DIR="$tmp" 2>&1) || fail "make datasets exited non-zero: $out"
for f in "$labels" "$images"; do
    echo "$out" | grep -q "$f is damaged" || fail "make datasets did not say that $f is damaged: $out"
    echo "$out" | grep -q "$f unpacked from" || fail "make datasets did not make $f again: $out"
done
echo "$out" | grep -q "5000 bytes" || fail "the truncated file's size is not named: $out"
n=$(grep -c . datasets/SHA256SUMS)
echo "$out" | grep -q "verified $n files in $tmp" || fail "the $n files of datasets/SHA256SUMS were not verified: $out"
[ "$(sha256sum < "$labels")" = "$want_labels" ] || fail "$labels is not the original file again"

out=$(make --no-print-directory datasets DATASETS_DIR="$tmp" 2>&1) || fail "the second make datasets failed: $out"
echo "$out" | grep -q "damaged\|unpacked" && fail "the second make datasets remade something: $out"

# A file that stays wrong after it is made again fails the verification.
printf 'X' | dd of="$tmp/mnist-sample/test-labels-idx1-ubyte" bs=1 seek=8 conv=notrunc 2>/dev/null
sh datasets/verify.sh "$tmp" >/dev/null 2>"$tmp/err" && fail "verify.sh accepted a damaged file"
grep -q "test-labels-idx1-ubyte" "$tmp/err" || fail "verify.sh did not name the damaged file: $(cat "$tmp/err")"

echo "datasets: make datasets repairs damaged files (truncated, edited) and verifies them"
