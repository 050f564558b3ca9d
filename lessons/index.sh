#!/bin/sh
# index.sh - the page that lists every lesson's notebook (make lessons ends
# with it).
#
#   sh lessons/index.sh [OUT_DIR]
#
# OUT_DIR (default: $CONVNET_OUT if set, else plots/out) holds one folder per
# lesson, NN_name/, with its notebook.html (and live.html when it trained a
# network). Writes OUT_DIR/index.html, one line per lesson: its title, its
# tally of checks, links to its pages; prints the index's path. Generated,
# never committed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${CONVNET_OUT:-$here/plots/out}}
case $out in /*) ;; *) out="$(pwd)/$out" ;; esac
if [ ! -d "$out" ]; then
    echo "index: $out does not exist: run the lessons first (make lessons)" >&2
    exit 1
fi
tmp="$out/index.html.tmp$$"
{
    cat <<'EOF'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>convnet-c: the lessons</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1d232b}
h1{border-bottom:2px solid #3a4a5c}li{margin:.4rem 0}.pass{color:#1a7f37}.fail{color:#cf222e}
.note{color:#57606a}
</style>
</head>
<body>
<h1>convnet-c: the lessons</h1>
<p class="note">Each lesson's notebook as the last run of the lesson wrote it; run a lesson again to regenerate its
page.</p>
<ul>
EOF
    n=0
    for page in "$out"/[0-9][0-9]_*/notebook.html; do
        [ -f "$page" ] || continue
        lesson=$(basename "$(dirname "$page")")
        title=$(sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$page" | head -n 1)
        tally=$(sed -n 's:.*<p class="tally \([a-z]*\)">\(.*\)</p>.*:<span class="\1">\2</span>:p' "$page" | head -n 1)
        [ -n "$tally" ] || tally='<span class="fail">no tally: the run did not finish</span>'
        live=""
        [ -f "$out/$lesson/live.html" ] && live=" · <a href=\"$lesson/live.html\">its training, live</a>"
        printf '<li><a href="%s/notebook.html">%s</a> · %s%s</li>\n' "$lesson" "${title:-$lesson}" "$tally" "$live"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || echo '<li>No lesson has written a notebook here yet.</li>'
    printf '</ul>\n</body>\n</html>\n'
} > "$tmp"
mv "$tmp" "$out/index.html"
echo "The lessons' pages: file://$out/index.html"
