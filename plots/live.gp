# live.gp - the curves of a training so far, for the live view (lessons/kit/live.c):
# the loss on the left (log scale), the accuracy on the right, training solid
# and test dashed, one point per finished epoch.
#
# Data: the training history as core/history.c writes it (train_history_write):
#   # epoch train_loss train_acc test_loss test_acc lr seconds images_per_s
#   1 0.52 0.83 0.41 0.87 0.05 2.1 29000
# accuracies as fractions; a test column of NaN (no test set) draws nothing.
#
# Parameters, given with -e before the script name:
#   datafile, outfile   (required) the history file; the PNG to write
#   plottitle           over both panels (default empty)
#   width, height       pixels (default 960x360)
#
#   gnuplot -e "datafile='live_history.dat'; outfile='curves.png'" plots/live.gp

if (!exists("datafile") || !exists("outfile")) {
    print "live.gp: set datafile and outfile, e.g. gnuplot -e \"datafile='h.dat'; outfile='c.png'\" live.gp"
    exit status 2
}
if (!exists("plottitle")) { plottitle = "" }
if (!exists("width")) { width = 960 }
if (!exists("height")) { height = 360 }

set encoding utf8
set terminal pngcairo size width, height noenhanced font "DejaVu Sans,10"
set output outfile
set datafile missing NaN
set grid
set xlabel "epoch"
set xtics 1
set mxtics 1
# a few epochs: a tick at each; many: gnuplot's own
stats datafile using 1 nooutput
if (STATS_max > 20) { set xtics autofreq }
set xrange [0.5:STATS_max + 0.5]
set style line 1 lc rgb "#1f5fa8" lw 2 pt 7 ps 0.8
set style line 2 lc rgb "#c0392b" lw 2 dt 2 pt 6 ps 0.8

set multiplot layout 1, 2 title plottitle
set title "loss (log scale)"
set key top right
set ylabel "mean cross-entropy"
set logscale y
plot datafile using 1:2 with linespoints ls 1 title "training", \
     datafile using 1:4 with linespoints ls 2 title "test"
unset logscale y
set title "accuracy"
set key bottom right
set ylabel "% right"
set yrange [*:100]
plot datafile using 1:(100 * $3) with linespoints ls 1 title "training", \
     datafile using 1:(100 * $5) with linespoints ls 2 title "test"
unset multiplot
