#!/bin/sh
# classify_eval.sh - how well classify reads digits that are not MNIST's
# (`make classify-eval`).
#
#   sh tests/classify_eval.sh [BUILD_DIR]     (default build)
#
# Writes a set of digit pictures with margins, thin strokes, uneven light,
# blur and noise (datasets/tools/digit_pictures.c, PER_DIGIT of each digit,
# default 60, the same set every time) into BUILD_DIR/classify-eval/, runs
# classify on them with both MNIST models of lesson 08 (the models folder:
# $CONVNET_MODELS, else models/), each picture prepared the old way (the
# whole picture resized: --prep squeeze) and as MNIST's digits were (--prep
# mnist), and prints the accuracy of each, overall and for typed and
# written digits. A picture's digit is the first character of its name.
set -eu
build=${1:-build}
models=${CONVNET_MODELS:-models}
out=$build/classify-eval
for m in modern classic; do
    if [ ! -f "$models/lenet5_${m}_mnist.cnn" ]; then
        echo "classify-eval: $models/lenet5_${m}_mnist.cnn is missing: train the models with" \
             "build/lessons/08_lenet (lesson 08) first" >&2
        exit 1
    fi
done
rm -rf "$out/pictures"
"$build/datasets/tools/digit_pictures" "$out/pictures" "${PER_DIGIT:-60}"
printf '%-8s %-8s %10s %10s %10s\n' model prep all typed written
for m in modern classic; do
    for prep in squeeze mnist; do
        # classify exits 1 when a picture cannot be used; the count says how many
        "$build/lessons/classify" --model "$models/lenet5_${m}_mnist.cnn" --prep "$prep" "$out/pictures" \
            > "$out/$m-$prep.txt" 2> "$out/$m-$prep.err" || true
        awk -v m="$m" -v p="$prep" '
            NF == 3 && $3 ~ /%$/ {
                n = split($1, parts, "/"); base = parts[n]; want = substr(base, 1, 1)
                kind = base ~ /_pen/ ? "written" : "typed"
                total[kind]++; all++
                if ($2 == want) { ok[kind]++; good++ }
            }
            END {
                printf "%-8s %-8s %5d/%-4d %5d/%-4d %5d/%-4d  (%.1f%%, typed %.1f%%, written %.1f%%)\n", m, p,
                    good, all, ok["typed"], total["typed"], ok["written"], total["written"],
                    100 * good / (all ? all : 1), 100 * ok["typed"] / (total["typed"] ? total["typed"] : 1),
                    100 * ok["written"] / (total["written"] ? total["written"] : 1)
            }' "$out/$m-$prep.txt"
        if [ -s "$out/$m-$prep.err" ]; then sed 's/^/    /' "$out/$m-$prep.err" | head -5; fi
    done
done
