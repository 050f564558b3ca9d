# bands.gp - curves measured over several seeds: each curve its mean (a
# line) inside a shaded band from its lowest to its highest seed.
#
# Data (written by lessons/kit/ablations.c, or by hand): optional '#'
# comment lines, then a header row, then one row per x value. Column 1 is
# x; then three columns per curve: the mean (its header titles the curve),
# the lowest and the highest value over the seeds. NaN leaves a gap.
#
#     epoch "ReLU" "ReLU low" "ReLU high" "tanh" "tanh low" "tanh high"
#     1     0.52   0.50       0.55        0.71   0.69       0.74
#
# Parameters, given with -e before the script name:
#   datafile, outfile      (required) the data file; the PNG to write
#   plottitle, xlab, ylab  title and axis labels (default empty)
#   pairs=1                the curves come in pairs (training, test): a pair
#                          shares a colour, its second curve dashed
#   level=L, levelname='T' a horizontal dotted line at L, titled T
#
#   gnuplot -e "datafile='relu_vs_tanh.dat'; outfile='relu_vs_tanh.png'" plots/bands.gp

if (!exists("datafile") || !exists("outfile")) {
    print "bands.gp: set datafile and outfile, e.g. gnuplot -e \"datafile='x.dat'; outfile='x.png'\" bands.gp"
    exit status 2
}
if (!exists("plottitle")) { plottitle = "" }
if (!exists("xlab")) { xlab = "" }
if (!exists("ylab")) { ylab = "" }
if (!exists("pairs")) { pairs = 0 }
if (!exists("levelname")) { levelname = "" }

set encoding utf8
set terminal pngcairo size 800, 500 noenhanced font "DejaVu Sans,11"
set output outfile
set key outside below center horizontal Left reverse
set grid
set title plottitle
set xlabel xlab
set ylabel ylab
set datafile columnheaders
stats datafile nooutput
n = int((STATS_columns - 1) / 3)
stats datafile using 1 nooutput
if (STATS_max - STATS_min <= 20) { set xtics 1 }

colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #17becf #7f7f7f"
colour(i) = word(colours, ((pairs ? (i - 1) / 2 : i - 1) % 8) + 1)
dash(i) = (pairs && (i - 1) % 2 == 1) ? 2 : 1
set style fill transparent solid 0.18 noborder

if (exists("level")) {
    plot for [i=1:n] datafile using 1:3*i:3*i+1 with filledcurves linecolor rgb colour(i) notitle, \
         for [i=1:n] datafile using 1:3*i-1 with linespoints linecolor rgb colour(i) dashtype dash(i) \
             linewidth 2 pointtype 7 pointsize 0.6 title columnheader(3*i-1), \
         level with lines linecolor rgb "#404040" dashtype 3 linewidth 1.5 title levelname
} else {
    plot for [i=1:n] datafile using 1:3*i:3*i+1 with filledcurves linecolor rgb colour(i) notitle, \
         for [i=1:n] datafile using 1:3*i-1 with linespoints linecolor rgb colour(i) dashtype dash(i) \
             linewidth 2 pointtype 7 pointsize 0.6 title columnheader(3*i-1)
}
