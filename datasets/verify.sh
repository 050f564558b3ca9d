#!/bin/sh
# verify.sh - check the prepared datasets against datasets/SHA256SUMS.
#
#   sh datasets/verify.sh --repair DIR   remove every file of DIR that is listed
#                                        but damaged (its SHA-256, which covers
#                                        its size, differs), saying so, so that
#                                        `make datasets` makes it again
#   sh datasets/verify.sh DIR            every listed file must be in DIR and
#                                        match; else name each one and exit 1
#
# SHA256SUMS lists the files `make datasets` leaves, relative to the datasets
# folder, in the format of `sha256sum` (coreutils): the Fashion-MNIST files
# as Debian's dataset-fashion-mnist unpacks, the MNIST sample as
# datasets/tools/mnist_json2idx converts it (byte for byte the same on every
# machine), the photograph as python3-skimage ships it.
set -u
repair=0
if [ "${1:-}" = "--repair" ]; then repair=1; shift; fi
dir=${1:?usage: sh datasets/verify.sh [--repair] DATASETS_DIR}
sums=$(dirname "$0")/SHA256SUMS
[ -r "$sums" ] || { echo "datasets: cannot read $sums" >&2; exit 1; }

bad=0 ok=0
while read -r want name; do
    f=$dir/$name
    if [ ! -e "$f" ]; then
        [ "$repair" = 1 ] && continue # missing: make creates it
        echo "datasets: $f is missing after \`make datasets\`" >&2
        bad=$((bad + 1))
        continue
    fi
    got=$(sha256sum < "$f" | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then
        ok=$((ok + 1))
        continue
    fi
    size=$(wc -c < "$f" | tr -d ' ')
    if [ "$repair" = 1 ]; then
        echo "datasets: $f is damaged ($size bytes, SHA-256 $got, not the $want of datasets/SHA256SUMS): removed, to be made again"
        rm -f "$f" || exit 1
    else
        echo "datasets: $f is still not the expected file after it was made again ($size bytes, SHA-256 $got," \
             "expected $want in datasets/SHA256SUMS): its source changed; delete it and run \`make deps datasets\`," \
             "or report it" >&2
        bad=$((bad + 1))
    fi
done < "$sums"
[ "$bad" = 0 ] || exit 1
[ "$repair" = 1 ] || echo "datasets: verified $ok files in $dir (the SHA-256 of each, datasets/SHA256SUMS)"
exit 0
