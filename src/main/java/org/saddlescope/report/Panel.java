package org.saddlescope.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * One plot: series, axes, markers, built with the chained methods ({@link Figures#panel}), then saved or put in a grid
 * by {@link Figures}. What a panel holds is read by {@link PanelChart} (the chart) and {@link FigureFiles} (the layout).
 */
public final class Panel {
    public enum Style { LINE, DASHED, DOTTED, LINE_MARKERS, SCATTER, STEP }

    record Series(String name, double[] x, double[] y, Style style, Color color) {}
    record Marker(double x, String label, Color color) {}
    record Band(double x0, double x1, String label) {}
    record Bars(String of, double[] x, double[] low, double[] high) {}

    final String title, xLabel, yLabel;
    final List<Series> series = new ArrayList<>();
    final List<Marker> markers = new ArrayList<>();
    final List<Band> bands = new ArrayList<>();
    final List<Bars> bars = new ArrayList<>();
    boolean logX, logY, legend = true, floorZero;
    Double yMin, yMax, xMin, xMax;
    double[] xTicks;

    Panel(String title, String xLabel, String yLabel) {
        this.title = title == null ? "" : title;
        this.xLabel = xLabel == null ? "" : xLabel;
        this.yLabel = yLabel == null ? "" : yLabel;
    }

    public Panel line(String name, double[] x, double[] y) { return series(name, x, y, Style.LINE, null); }
    public Panel dashed(String name, double[] x, double[] y) { return series(name, x, y, Style.DASHED, null); }
    public Panel scatter(String name, double[] x, double[] y) { return series(name, x, y, Style.SCATTER, null); }

    /** A series; {@code color} null takes the next palette colour. x and y must have the same length. */
    public Panel series(String name, double[] x, double[] y, Style style, Color color) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
        }
        for (Series s : series) if (s.name().equals(name)) throw new IllegalArgumentException("duplicate series name '" + name + "'");
        series.add(new Series(name, x.clone(), y.clone(), style, color));
        return this;
    }

    /** y against 1..n. */
    public Panel line(String name, double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        return line(name, x, y);
    }

    /** Histogram of the finite values in {@code bins} equal bins over [min, max], drawn as steps of counts. */
    public Panel histogram(String name, double[] values, int bins) {
        if (bins < 1) throw new IllegalArgumentException("histogram needs at least one bin");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : values) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (lo > hi) { lo = 0; hi = 1; }
        if (lo == hi) { lo -= 0.5; hi += 0.5; }
        double[] counts = new double[bins];
        double w = (hi - lo) / bins;
        for (double v : values) {
            if (!Double.isFinite(v)) continue;
            int b = (int) Math.floor((v - lo) / w);
            counts[Math.min(bins - 1, Math.max(0, b))]++; // the maximum falls in the last bin
        }
        // outline of the bars: for each bin its left and right edge at its count, down to 0 at both ends
        double[] x = new double[2 * bins + 2], y = new double[2 * bins + 2];
        x[0] = lo; y[0] = 0;
        for (int b = 0; b < bins; b++) {
            x[1 + 2 * b] = lo + b * w; y[1 + 2 * b] = counts[b];
            x[2 + 2 * b] = lo + (b + 1) * w; y[2 + 2 * b] = counts[b];
        }
        x[2 * bins + 1] = hi; y[2 * bins + 1] = 0;
        floorZero = !logY; // counts start at 0
        return series(name, x, y, Style.LINE, null);
    }

    /**
     * Vertical error bars [low_i, high_i] at x_i (confidence intervals, asymmetric allowed), in the colour of the
     * series named {@code of} and without a legend entry of their own.
     */
    public Panel errorBars(String of, double[] x, double[] low, double[] high) {
        if (x.length != low.length || x.length != high.length) throw new IllegalArgumentException("error bars '" + of + "': lengths differ");
        if (series.stream().noneMatch(s -> s.name().equals(of))) throw new IllegalArgumentException("error bars of unknown series '" + of + "'");
        bars.add(new Bars(of, x.clone(), low.clone(), high.clone()));
        return this;
    }

    /** A vertical dashed line at x (a snapshot step, an escape); a short label ("E1") may be null. */
    public Panel vline(double x, String label) { markers.add(new Marker(x, label, null)); return this; }

    /** A vertical dashed line in a colour of its own (truth against detection, say). */
    public Panel vline(double x, String label, Color color) { markers.add(new Marker(x, label, color)); return this; }

    /** A shaded x-interval [x0, x1] (a plateau); a short label ("P0") may be null. */
    public Panel shade(double x0, double x1, String label) {
        bands.add(new Band(Math.min(x0, x1), Math.max(x0, x1), label));
        return this;
    }

    public Panel logX() { logX = true; return this; }
    public Panel logY() { logY = true; return this; }
    public Panel log(boolean x, boolean y) { logX = x; logY = y; return this; }
    public Panel legend(boolean show) { legend = show; return this; }
    public Panel yRange(double min, double max) { yMin = min; yMax = max; return this; }
    public Panel xRange(double min, double max) { xMin = min; xMax = max; return this; }
    /** Labelled x ticks at exactly these values (hidden widths 2, 4, …, 64, say) instead of the automatic ones. */
    public Panel xTicks(double... at) { xTicks = at.clone(); return this; }

    public String title() { return title; }
    public int seriesCount() { return series.size(); }
}
