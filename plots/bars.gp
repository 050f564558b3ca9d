# bars.gp - one labelled bar per value, the value printed on the bar.
#
# Data (written by plot_bars in core/plot.c, or by hand): optional '#'
# comment lines, then one row per bar: its label (in double quotes when it
# has spaces) and its value.
#
#     "T-shirt/top" 0.85
#     "Ankle boot"  0.97
#
# Parameters, given with -e before the script name:
#   datafile, outfile    (required) the data file; the PNG to write
#   plottitle, ylab      title and y axis label (default empty)
#   valfmt               printf format of the printed values (default "%g")
#   xrot                 angle of the bar labels (default 30; 0 for short ones)
#   width, height        pixels (default 800x500)
#
#   gnuplot -e "datafile='acc.dat'; outfile='acc.png'; ylab='accuracy'" plots/bars.gp

if (!exists("datafile") || !exists("outfile")) {
    print "bars.gp: set datafile and outfile, e.g. gnuplot -e \"datafile='b.dat'; outfile='b.png'\" bars.gp"
    exit status 2
}
if (!exists("plottitle")) { plottitle = "" }
if (!exists("ylab")) { ylab = "" }
if (!exists("valfmt")) { valfmt = "%g" }
if (!exists("xrot")) { xrot = 30 }
if (!exists("width")) { width = 800 }
if (!exists("height")) { height = 500 }

set encoding utf8
set terminal pngcairo size width, height noenhanced font "DejaVu Sans,11"
set output outfile

# Bars grow from 0, so the y range always includes 0, plus room for the values.
stats datafile using 2 nooutput
nbars = STATS_records + STATS_invalid   # a NaN value still holds its place
ylo = (STATS_min < 0) ? STATS_min : 0
yhi = (STATS_max > 0) ? STATS_max : 0
pad = 0.12 * (yhi - ylo)
if (pad == 0) { pad = 1 }
set yrange [(ylo < 0 ? ylo - pad : 0) : (yhi > 0 || ylo == 0 ? yhi + pad : 0)]
set xrange [-0.6 : nbars - 0.4]

set title plottitle
set ylabel ylab
unset key
set style fill solid 0.85 border -1
set boxwidth 0.7
set grid ytics
if (xrot != 0) {
    set xtics rotate by xrot right nomirror scale 0
} else {
    set xtics norotate nomirror scale 0
}
set xzeroaxis linetype -1

# Values above positive bars and below negative ones (1/0 skips a point).
plot datafile using 0:2:xtic(1) with boxes linecolor rgb "#4477aa", \
     datafile using 0:($2 >= 0 ? $2 : 1/0):(sprintf(valfmt, $2)) with labels offset 0, 0.8, \
     datafile using 0:($2 < 0 ? $2 : 1/0):(sprintf(valfmt, $2)) with labels offset 0, -0.8
