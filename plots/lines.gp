# lines.gp - several curves from one whitespace-separated data file.
#
# Data (written by plot_lines in core/plot.c, or by hand): optional '#'
# comment lines, then a header row naming the columns (names with spaces in
# double quotes), then one row per x value. Column 1 is x; every further
# column is one curve, titled by its header. NaN leaves a gap in a curve.
#
#     epoch "train loss" "test loss"
#     1     2.30         2.41
#     2     1.21         1.52
#
# Parameters, given with -e before the script name:
#   datafile, outfile    (required) the data file; the PNG to write
#                        (with term='dumb': the text file, or stdout when
#                        outfile is not given)
#   plottitle, xlab, ylab  title and axis labels (default empty)
#   logy=1               logarithmic y axis, for losses spanning decades
#   stems=1              discrete samples: each curve in its own panel, one
#                        above the other on the same axes, every value a
#                        stem from 0 (an impulse) with a dot on top and no
#                        line between samples
#   pairs=1              the curves come in pairs (training, test): a pair
#                        shares a colour, its first curve solid with filled
#                        points, its second dashed with open points
#   term='dumb'          a text plot instead of a PNG
#   width, height        pixels (PNG, 800x500) or characters (dumb, 72x20)
#   xint=1               a tick at every whole x (shifts, epochs: integer steps)
#   keybelow=1           the key under the plot instead of beside it (long
#                        curve names would squeeze the plot)
#
#   gnuplot -e "datafile='loss.dat'; outfile='loss.png'; plottitle='Loss'; xlab='epoch'" plots/lines.gp

if (!exists("term")) { term = "png" }
if (!exists("datafile") || (!exists("outfile") && term ne "dumb")) {
    print "lines.gp: set datafile and outfile, e.g. gnuplot -e \"datafile='loss.dat'; outfile='loss.png'\" lines.gp"
    exit status 2
}
if (!exists("plottitle")) { plottitle = "" }
if (!exists("xlab")) { xlab = "" }
if (!exists("ylab")) { ylab = "" }
if (!exists("logy")) { logy = 0 }
if (!exists("stems")) { stems = 0 }
if (!exists("pairs")) { pairs = 0 }

# noenhanced: titles are printed literally ("conv_1" keeps its underscore).
set encoding utf8
if (term eq "dumb") {
    if (!exists("width")) { width = 72 }
    if (!exists("height")) { height = 20 }
    set terminal dumb size width, height noenhanced
    set key inside top right
} else {
    if (!exists("width")) { width = 800 }
    if (!exists("height")) { height = 500 }
    set terminal pngcairo size width, height noenhanced font "DejaVu Sans,11"
    set key outside right top Left reverse
    if (exists("keybelow")) { set key outside below center horizontal Left reverse }
    set grid
    # gnuplot's default colours 3 and 5 (light blue, yellow) are pale on white:
    # darker ones, every curve distinct
    set linetype 1 linecolor rgb "#9400d3"
    set linetype 2 linecolor rgb "#009e73"
    set linetype 3 linecolor rgb "#0060ad"
    set linetype 4 linecolor rgb "#e66100"
    set linetype 5 linecolor rgb "#8c6d00"
    set linetype 6 linecolor rgb "#000000"
    set linetype 7 linecolor rgb "#d7191c"
    set linetype 8 linecolor rgb "#707070"
}
if (exists("xint")) { set xtics 1 }
if (exists("outfile")) { set output outfile }

# The header row names the curves; count its columns to know how many.
set datafile columnheaders
stats datafile nooutput
ncols = STATS_columns

set title plottitle
set xlabel xlab
set ylabel ylab
if (logy) { set logscale y }

if (stems) {
    # One range for every panel, so heights compare across them.
    stats datafile using 1 nooutput
    xlo = STATS_min - 1; xhi = STATS_max + 1
    ylo = 0; yhi = 0
    do for [i=2:ncols] {
        stats datafile using i nooutput
        ylo = STATS_min < ylo ? STATS_min : ylo
        yhi = STATS_max > yhi ? STATS_max : yhi
    }
    pad = (yhi - ylo) * 0.1 + 1e-9
    set xrange [xlo:xhi]
    set yrange [ylo - (ylo < 0 ? pad : 0) : yhi + pad]
    set xzeroaxis
    unset title
    set key inside top right
    set multiplot layout ncols - 1, 1 title plottitle
    do for [i=2:ncols] {
        if (i < ncols) { unset xlabel } else { set xlabel xlab }
        plot datafile using 1:i with impulses linewidth 3 linecolor i - 1 title columnheader(i), \
             '' using 1:i with points pointtype 7 pointsize 0.7 linecolor i - 1 notitle
    }
    unset multiplot
} else {
    if (pairs) {
        # line types 101.. : one colour a pair, solid then dashed
        paircolours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #17becf #7f7f7f"
        do for [i=2:ncols] {
            pc = word(paircolours, ((i - 2) / 2) % 8 + 1)
            pd = ((i - 2) % 2 == 0) ? 1 : 2
            pp = ((i - 2) % 2 == 0) ? 7 : 6
            set linetype 99 + i linecolor rgb pc dashtype pd pointtype pp linewidth 2 pointsize 0.7
        }
        plot for [i=2:ncols] datafile using 1:i with linespoints linetype 99 + i title columnheader(i)
    } else {
        plot for [i=2:ncols] datafile using 1:i with linespoints pointsize 0.6 linewidth 2 \
             title columnheader(i)
    }
}
