# SPDX-License-Identifier: MIT
# Draws bench/peers/scaling.png from the data bench/peers/run.mjs --write leaves in build/peers/out/scaling.dat.
# Usage (from the repository root): gnuplot -e "data='build/peers/out/scaling.dat'" bench/peers/scaling.gp
if (!exists("data")) data = 'build/peers/out/scaling.dat'
set terminal pngcairo size 900,560 font "sans,11"
set output 'bench/peers/scaling.png'
set title "Time per 10-line cart against the number of promotions (log–log; lower is faster)"
set xlabel "promotions in the store"
set ylabel "time per cart"
set logscale xy
set xrange [7:1400]
set xtics ("10" 10, "100" 100, "1,000" 1000)
set yrange [10:1000000]
set ytics ("1 µs" 1, "10 µs" 10, "100 µs" 100, "1 ms" 1000, "10 ms" 10000, "100 ms" 100000, "1 s" 1000000)
set grid ytics mytics xtics
set key top left box opaque
# Columns: promotions, Cartcore native (JSON), native typed, WASM, Medusa, Vendure (µs per cart).
plot data using 1:2 with linespoints lw 2 pt 7 lc rgb "#1f4e9c" title "Cartcore native (quoteJson)", \
     data using 1:3 with linespoints lw 2 pt 6 dt 2 lc rgb "#1f4e9c" title "Cartcore native (typed quote)", \
     data using 1:4 with linespoints lw 2 pt 5 lc rgb "#3a9b5c" title "Cartcore WASM in Node", \
     data using 1:5 with linespoints lw 2 pt 9 lc rgb "#c0392b" title "Medusa computeActions", \
     data using 1:6 with linespoints lw 2 pt 11 lc rgb "#8e44ad" title "Vendure applyPriceAdjustments"
