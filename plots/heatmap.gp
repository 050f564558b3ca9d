# heatmap.gp - a matrix as coloured cells, its values printed in the cells;
# row 0 at the top, as the matrix is written (a confusion matrix reads
# "true class down the side, predicted class along the bottom").
#
# Data (written by plot_heatmap in core/plot.c, or by hand): optional '#'
# comment lines, then the column labels (a first, empty, corner entry), then
# one row per matrix row starting with its label. Labels with spaces in
# double quotes:
#
#     ""            "T-shirt/top" "Trouser"
#     "T-shirt/top" 812           3
#     "Trouser"     5             951
#
# Parameters, given with -e before the script name:
#   datafile, outfile    (required) the data file; the PNG to write
#   plottitle            title (default empty)
#   rowlab, collab       axis titles for the rows and the columns
#   cellfmt              printf format of the cell values (default "%g")
#   nrows, ncols         the matrix size (default: counted by stats)
#   showvalues=0         colours only (for large matrices)
#   signed=1             a blue-white-red scale centred on 0 (for weights);
#                        default: white (low) to dark blue (high)
#   confusion=1          a confusion matrix: the diagonal blue on its own
#                        scale (white 0 .. dark blue its largest cell), the
#                        other cells red on theirs (any count above 0 at least
#                        a pale red), so that a few mistakes show beside
#                        hundreds of right answers; diagmax and offmax give
#                        the largest diagonal and off-diagonal counts
#   xrot                 angle of the column labels (default 45; 0 for short ones)
#   width, height        pixels (default 720x640)
#
#   gnuplot -e "datafile='confusion.dat'; outfile='confusion.png'; rowlab='true'; collab='predicted'" plots/heatmap.gp

if (!exists("datafile") || !exists("outfile")) {
    print "heatmap.gp: set datafile and outfile, e.g. gnuplot -e \"datafile='m.dat'; outfile='m.png'\" heatmap.gp"
    exit status 2
}
if (!exists("plottitle")) { plottitle = "" }
if (!exists("rowlab")) { rowlab = "" }
if (!exists("collab")) { collab = "" }
if (!exists("cellfmt")) { cellfmt = "%g" }
if (!exists("showvalues")) { showvalues = 1 }
if (!exists("signed")) { signed = 0 }
if (!exists("confusion")) { confusion = 0 }
if (!exists("xrot")) { xrot = 45 }
if (!exists("width")) { width = 720 }
if (!exists("height")) { height = 640 }

set encoding utf8
set terminal pngcairo size width, height noenhanced font "DejaVu Sans,11"
set output outfile

stats datafile matrix columnheaders rowheaders nooutput
vmin = STATS_min
vmax = STATS_max
# The size as given (plot_heatmap passes it): stats miscounts the rows of a
# matrix holding NaN.
if (!exists("ncols")) { ncols = STATS_size_x }
if (!exists("nrows")) { nrows = STATS_size_y }

set title plottitle
set xlabel collab
set ylabel rowlab
unset key
set size ratio -1
# Pixel centres sit at integer indices; the reversed y range puts row 0 on top.
set xrange [-0.5 : ncols - 0.5]
set yrange [nrows - 0.5 : -0.5]
if (xrot != 0) {
    set xtics rotate by xrot right nomirror scale 0
} else {
    set xtics norotate nomirror scale 0
}
set ytics nomirror scale 0

if (signed) {
    vabs = (abs(vmin) > abs(vmax)) ? abs(vmin) : abs(vmax)
    if (vabs == 0) { vabs = 1 }
    set cbrange [-vabs : vabs]
    set palette defined (-1 "#2166ac", 0 "#f7f7f7", 1 "#b2182b")
    # dark text on the pale middle of the scale, white on the saturated ends
    dark(v) = abs(v) > 0.6 * vabs
} else {
    set palette defined (0 "#ffffff", 1 "#c6dbef", 2 "#6baed6", 3 "#08306b")
    dark(v) = v > vmin + 0.55 * (vmax - vmin)
}

if (confusion) {
    # the largest right-answer count and the largest mistake count (given
    # by plot_confusion; by hand, any positive numbers)
    if (!exists("diagmax") || diagmax <= 0) { diagmax = 1 }
    if (!exists("offmax") || offmax <= 0) { offmax = 1 }
    # t in [0, 1]: how strong a cell is on its own scale; 0 stays white
    rawstrength(x, y, v) = v <= 0 ? 0 : (x == y ? v / diagmax : 0.15 + 0.85 * v / offmax)
    strength(x, y, v) = rawstrength(x, y, v) > 1 ? 1 : rawstrength(x, y, v)
    # from white to dark blue (#08306b) on the diagonal, to dark red (#a50f15) off it
    red(x, y, v) = 255 - strength(x, y, v) * (x == y ? 247 : 90)
    green(x, y, v) = 255 - strength(x, y, v) * (x == y ? 207 : 240)
    blue(x, y, v) = 255 - strength(x, y, v) * (x == y ? 148 : 234)
    plot datafile matrix columnheaders rowheaders \
             using 1:2:(red($1, $2, $3)):(green($1, $2, $3)):(blue($1, $2, $3)) with rgbimage, \
         datafile matrix columnheaders rowheaders \
             using 1:2:(sprintf(cellfmt, $3)):(strength($1, $2, $3) > 0.55 ? 0xffffff : 0x000000) \
             with labels textcolor rgb variable
} else {
if (showvalues) {
    plot datafile matrix columnheaders rowheaders using 1:2:3 with image, \
         datafile matrix columnheaders rowheaders \
             using 1:2:(sprintf(cellfmt, $3)):(dark($3) ? 0xffffff : 0x000000) \
             with labels textcolor rgb variable
} else {
    plot datafile matrix columnheaders rowheaders using 1:2:3 with image
}
}
