# roofline.gp - the roofline of a machine and the layers measured on it.
#
# A layer that does F floating-point operations while moving at least M
# bytes to or from memory has the arithmetic intensity I = F / M. On a
# machine of peak P (flop/s) and memory bandwidth W (bytes/s) it can run at
# most min(P, W x I): the roof, a slope up to the ridge I = P / W, flat after.
#
# Data (written by lesson 12): optional '#' comment lines, then one row per
# layer: its label (in double quotes when it has spaces), I (flop/byte), the
# measured GFLOP/s, a series number (0, 1, ...: one colour each), and where
# its label goes: x, y, and 0 (centred there), 1 (starting there) or 2
# (ending there). Lesson 12 places each label beside its point, where it
# covers no other label or point if there is such a place, for the axes it
# passes (xlo .. yhi below).
#
#     "LeNet-5 C1" 10.4 45.2 0 10.4 52.3 0
#     "AlexNet conv2" 61.0 80.1 1 66.1 80.1 1
#
# Parameters, given with -e before the script name:
#   datafile, outfile   (required) the data file; the PNG to write
#   peak, bw            (required) the peak in GFLOP/s and the bandwidth in GB/s
#   xlo, xhi, ylo, yhi  (required) the axes' ranges (the labels were placed for them)
#   plottitle           title (default empty)
#   series0, series1    names of the series (default "series 1", "series 2")
#   width, height       pixels (default 900x560)
#
#   gnuplot -e "datafile='roof.dat'; outfile='roof.png'; peak=230; bw=20; xlo=1; xhi=1000; ylo=10; yhi=575" plots/roofline.gp
#   (the first line of lesson 12's roofline.dat is the command for its data)

if (!exists("datafile") || !exists("outfile") || !exists("peak") || !exists("bw") || \
    !exists("xlo") || !exists("xhi") || !exists("ylo") || !exists("yhi")) {
    print "roofline.gp: set datafile, outfile, peak, bw and the axes xlo, xhi, ylo, yhi, e.g. gnuplot -e \"datafile='r.dat'; outfile='r.png'; peak=200; bw=20; xlo=1; xhi=1000; ylo=10; yhi=500\" roofline.gp (the first line of lesson 12's roofline.dat has the command for its data)"
    exit status 2
}
if (!exists("plottitle")) { plottitle = "" }
if (!exists("series0")) { series0 = "series 1" }
if (!exists("series1")) { series1 = "series 2" }
if (!exists("width")) { width = 900 }
if (!exists("height")) { height = 560 }

set encoding utf8
set terminal pngcairo size width, height noenhanced font "DejaVu Sans,11"
set output outfile

ridge = peak / bw

set title plottitle
set logscale xy
set xrange [xlo : xhi]
set yrange [ylo : yhi]
set xlabel "arithmetic intensity (flop per byte of memory traffic)"
set ylabel "GFLOP/s"
set grid xtics ytics mxtics mytics lc rgb "#dddddd"
set key bottom right box opaque
set samples 400

roof(x) = (bw * x < peak) ? bw * x : peak
set label 1 sprintf("peak %.0f GFLOP/s", peak) at xhi / 1.2, peak * 1.25 right textcolor rgb "#444444"
set label 2 sprintf("memory %.1f GB/s", bw) at xlo * 1.3, bw * xlo * 1.3 / 2.2 left textcolor rgb "#444444"
set arrow 1 from ridge, ylo to ridge, peak nohead dashtype 2 lc rgb "#888888"
set label 3 sprintf("ridge %.1f", ridge) at ridge * 1.08, ylo * 2 left textcolor rgb "#888888"

plot roof(x) with lines lw 2 lc rgb "#222222" title "roof: min(peak, bandwidth x intensity)", \
     datafile using 2:($4 == 0 ? $3 : 1/0) with points pt 7 ps 1.4 lc rgb "#4477aa" title series0, \
     datafile using 2:($4 == 1 ? $3 : 1/0) with points pt 5 ps 1.3 lc rgb "#cc6677" title series1, \
     datafile using ($7 == 0 ? $5 : 1/0):6:1 with labels center font ",9" notitle, \
     datafile using ($7 == 1 ? $5 : 1/0):6:1 with labels left font ",9" notitle, \
     datafile using ($7 == 2 ? $5 : 1/0):6:1 with labels right font ",9" notitle
