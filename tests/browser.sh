#!/bin/sh
# browser.sh - the web pages in a real browser (make test-browser).
#
#   sh tests/browser.sh BUILD_DIR
#
# Runs lesson 08 --quick (outputs and models in a temporary folder) and loads
# in headless Chromium its live.html while it trains (a copy of the page and
# its pictures taken at one moment, so that the screenshot shows what was
# counted), then at the end its notebook.html and last live.html. For each page: every picture decoded
# (the page's own script writes <body data-images="N of M loaded">, read
# with --dump-dom), at least as many as the page should show, and a
# screenshot that is not blank (build/datasets/tools/png_ink: the share of
# pixels that are not background). Then it removes one picture from a copy
# of the notebook's folder and expects the check to fail there: a check
# that cannot fail checks nothing. Screenshots are kept in
# BUILD_DIR/browser/ to look at. Exit status 0 when all holds, 1 otherwise.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build="$here/$build" ;; esac
browser=""
for b in chromium chromium-browser; do
    command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done
if [ -z "$browser" ]; then
    echo "test-browser: Chromium is not installed: run 'make deps-browser' (Debian's chromium package)" >&2
    exit 1
fi
lesson="$build/lessons/08_lenet"
ink="$build/datasets/tools/png_ink"
for f in "$lesson" "$ink"; do
    [ -x "$f" ] || { echo "test-browser: $f is missing: run 'make build'" >&2; exit 1; }
done
shots="$build/browser"
mkdir -p "$shots"
tmp=$(mktemp -d /tmp/cn_browser_XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0

# Chromium, headless, on a file; its own profile in the temporary folder.
run_browser() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run \
        --user-data-dir="$tmp/profile" --virtual-time-budget=2000 "$@" 2>>"$tmp/browser.log"
}

# check PAGE NAME MIN: every picture of PAGE loaded, at least MIN of them, and
# its screenshot (NAME.png) not blank. Says what it found; 0 when all holds.
check() {
    page=$1 name=$2 min=$3
    run_browser --dump-dom "file://$page" > "$tmp/$name.dom"
    got=$(sed -n 's/.*data-images="\([0-9]*\) of \([0-9]*\) loaded".*/\1 \2/p' "$tmp/$name.dom" | head -n 1)
    loaded=${got% *} total=${got#* }
    rm -f "$shots/$name.png"
    run_browser --window-size=1200,2400 --screenshot="$shots/$name.png" "file://$page" >/dev/null
    share=$("$ink" "$shots/$name.png" 2>/dev/null | cut -d' ' -f3)
    if [ -z "$got" ]; then
        echo "  $name: the page did not count its pictures (no data-images in the DOM: did it load?)"
        return 1
    fi
    blank=$(awk -v s="${share:-0}" 'BEGIN { print (s < 0.005) }')
    echo "  $name: $loaded of $total pictures loaded (at least $min expected), screenshot $shots/$name.png," \
         "${share:-unreadable} of it drawn"
    [ "$loaded" = "$total" ] && [ "$total" -ge "$min" ] && [ "$blank" = 0 ]
}

echo "test-browser: lesson 08 --quick, outputs in $tmp"
out="$tmp/out"
CONVNET_OUT="$out" CONVNET_MODELS="$tmp/models" OMP_WAIT_POLICY=passive "$lesson" --quick \
    >"$tmp/lesson.out" 2>"$tmp/lesson.err" &
pid=$!
dir="$out/08_lenet"
# live.html while it trains: loaded as often as time allows until it shows
# pictures (it shows none until the training has paid for them); never a
# broken one
during=0
while kill -0 "$pid" 2>/dev/null && [ "$during" = 0 ]; do
    if [ -f "$dir/live.html" ] && grep -q 'http-equiv="refresh"' "$dir/live.html"; then
        # one moment of the folder: the page first, then its pictures (each
        # replaced whole, never removed, so every one the page names is there)
        rm -rf "$tmp/snap" && mkdir "$tmp/snap" && cp "$dir/live.html" "$tmp/snap/" &&
            cp "$dir"/live_*.png "$tmp/snap/" 2>/dev/null
        if check "$tmp/snap/live.html" live_training 0 >"$tmp/during.txt"; then
            grep -q ': 0 of 0 pictures' "$tmp/during.txt" || { cat "$tmp/during.txt"; during=1; }
        else
            cat "$tmp/during.txt"
            failed=1
            break
        fi
    fi
    sleep 0.2
done
wait "$pid"
status=$?
if [ "$status" -ne 0 ]; then
    echo "test-browser: lesson 08 --quick failed (status $status):" >&2
    tail -n 20 "$tmp/lesson.err" >&2
    exit 1
fi
[ "$during" = 1 ] || echo "  (live.html was loaded while the lesson trained, but it showed no pictures yet)"
check "$dir/notebook.html" notebook 12 || failed=1
check "$dir/live.html" live_end 4 || failed=1
grep -q 'http-equiv="refresh"' "$dir/live.html" && { echo "  live_end: the last page still reloads itself"; failed=1; }

# The check must see a missing picture: remove one from a copy.
cp -r "$dir" "$tmp/broken"
first=$(sed -n 's/.*<img src="\([^"?]*\).*/\1/p' "$tmp/broken/notebook.html" | head -n 1)
rm -f "$tmp/broken/$first"
echo "  a copy of the notebook without $first:"
if check "$tmp/broken/notebook.html" notebook_missing 12; then
    echo "test-browser: the check passed with $first missing: it cannot see a broken picture" >&2
    failed=1
else
    echo "  ... fails, as it must"
fi

if [ "$failed" = 0 ]; then echo "test-browser: every page loaded whole"; else echo "test-browser: FAILED" >&2; fi
exit "$failed"
