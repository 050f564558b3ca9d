#!/bin/sh
# includes.sh - the layers of the code run one way, and no includes go round.
#
#   core/      includes only core/
#   datasets/  includes core/ and datasets/
#   lessons/, tests/  anything
#
# no library file (core/*, datasets/* but datasets/tools/) includes
# core/die.h, the programs' way to stop: the library never exits;
# and no cycle among the quoted #includes, counted per module: foo.c and
# foo.h are one node, so "train.c includes model_io.h, model_io.h includes
# train.h" is a cycle even though no header includes itself.
# Run from the project root: sh tests/includes.sh (exit 1 on a violation).
set -eu
cd "$(dirname "$0")/.."

files=$(find core datasets lessons tests -name '*.[ch]' -not -path '*/fixtures/*' | sort)

# one "from to" line per quoted include, both as modules (path without .c/.h)
edges=$(for f in $files; do
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
        while read -r inc; do echo "${f%.[ch]} ${inc%.[ch]}"; done
done)

status=0
bad=$(echo "$edges" | awk '$1 ~ /^core\// && $2 !~ /^core\// ||
                           $1 ~ /^datasets\// && $2 !~ /^(core|datasets)\//')
if [ -n "$bad" ]; then
    echo "includes against the layers (core/ <- datasets/ <- lessons/, tests/):"
    echo "$bad" | sed 's/ / includes /'
    status=1
fi

dies=$(echo "$edges" | awk '$2 == "core/die" && $1 != "core/die" &&
                            ($1 ~ /^core\// || $1 ~ /^datasets\/[^\/]*$/)')
if [ -n "$dies" ]; then
    echo "library files that include core/die.h (the library never exits; return cn_fail(...) instead):"
    echo "$dies" | sed 's/ / includes /'
    status=1
fi

# depth-first search; a node met again while still on the path closes a cycle
echo "$edges" | awk '
    $1 != $2 { adj[$1] = adj[$1] " " $2; node[$1]; node[$2] }
    function visit(u,    n, v, i, k, path) {
        state[u] = 1; stack[++depth] = u
        n = split(adj[u], v, " ")
        for (i = 1; i <= n; i++) {
            if (state[v[i]] == 1) {
                path = v[i]
                for (k = depth; k >= 1 && stack[k] != v[i]; k--) path = stack[k] " -> " path
                print "include cycle: " v[i] " -> " path; found = 1
            } else if (!state[v[i]]) visit(v[i])
        }
        state[u] = 2; depth--
    }
    END { for (u in node) if (!state[u]) visit(u); exit found }' || status=1

[ $status = 0 ] && echo "includes: $(echo "$edges" | wc -l) includes, layers respected, no cycle"
exit $status
