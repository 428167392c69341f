package org.saddlescope.report;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures for every command, as PNG (at twice the nominal size, for print and high-density screens), SVG and PDF,
 * from plain {@code double[]} arrays (callers never touch the plotting library).
 *
 * <pre>
 *   Figures.Panel p = Figures.panel("loss", "step", "loss").logY()
 *       .line("train", steps, loss).vline(1200, "E1").shade(0, 900, "P0");
 *   Figures.save(p, run.figures(), "loss");                    // figures/loss.png, loss.svg, loss.pdf
 *   Figures.grid("singular values", panels, 3, dir, "spectra"); // one image, panels in rows of 3
 * </pre>
 *
 * Drawn by JFreeChart ({@link PanelChart}), with JFreeSVG and JFreePDF painting the same Graphics2D calls into
 * vector files ({@link FigureFiles}: text stays text in SVG; in PDF it is drawn as outlines so that Greek letters
 * need no embedded font). The axes are {@link Ticks}': decades and minor ticks on log axes, 1-2-5 steps with the
 * decimals they need on linear ones, whole numbers only on an axis whose values are all whole (depth, layer,
 * index), labels that never touch. Math in titles, labels and legends is written as in TeX ({@code W_ℓ},
 * {@code Σ_{i≥2} s_i²}) and drawn with real sub- and superscripts ({@link MathText}). Every panel with several
 * named series has a legend: right of a single plot, below each panel of a grid, or once for a whole grid whose
 * panels share their series (one colour per singular-value index, say). Marker labels (escapes) and band labels
 * (plateaus) are staggered so that they do not overlap. A grid is at most {@link #MAX_WIDTH} wide, so the report
 * shows it, and its fonts, at 100%.
 *
 * Non-finite points are dropped, and so are non-positive ones on a log axis (a log axis cannot show them: the
 * series' legend entry says how many).
 */
public final class Figures {
    private Figures() {}

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    public static final int PANEL_WIDTH = 520;
    public static final int PANEL_HEIGHT = 380;
    /** The widest a grid is laid out: report.html's column (1180 px) less its margins, so it shows at 100%. */
    public static final int MAX_WIDTH = 1140;
    /** The narrowest panel of a grid; below it a grid gets fewer columns. */
    public static final int MIN_PANEL_WIDTH = 340;
    /** PNG pixels per figure unit. */
    public static final int PNG_SCALE = 2;

    /** Tableau-10 (matplotlib's default cycle), so figures look like the ones researchers know. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    /** Colour of the i-th singular value (1-based) or i-th run: the same in every panel and every figure. */
    public static Color indexColor(int i) {
        return PALETTE[Math.floorMod(i - 1, PALETTE.length)];
    }

    public enum Style { LINE, DASHED, DOTTED, LINE_MARKERS, SCATTER, STEP }

    record Series(String name, double[] x, double[] y, Style style, Color color) {}
    record Marker(double x, String label, Color color) {}
    record Band(double x0, double x1, String label) {}
    record Bars(String of, double[] x, double[] low, double[] high) {}

    /** The paths written by a save. */
    public record Saved(Path png, Path svg, Path pdf) {}

    /** One plot: series, axes, markers. Build it with the chained methods, then save it or put it in a grid. */
    public static final class Panel {
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

    public static Panel panel(String title, String xLabel, String yLabel) {
        return new Panel(title, xLabel, yLabel);
    }

    /** Saves one panel at the default size as dir/base.png, .svg and .pdf. */
    public static Saved save(Panel p, Path dir, String base) {
        return save(p, dir, base, WIDTH, HEIGHT);
    }

    public static Saved save(Panel p, Path dir, String base, int width, int height) {
        return write(null, List.of(p), 1, width, height, dir, base, false);
    }

    /**
     * Several panels in one image, {@code columns} per row (e.g. one panel per layer in 2 × 3), with an overall
     * title (may be null). Panels with {@code legend(false)} share one legend at the right of the figure.
     */
    public static Saved grid(String title, List<Panel> panels, int columns, Path dir, String base) {
        return write(title, panels, columns, PANEL_WIDTH, PANEL_HEIGHT, dir, base, true);
    }

    private static Saved write(String title, List<Panel> panels, int columns, int pw, int ph, Path dir, String base, boolean grid) {
        if (panels.isEmpty()) throw new IllegalArgumentException("a figure needs at least one panel");
        if (columns < 1) throw new IllegalArgumentException("columns must be positive");
        if (base.isEmpty() || base.contains("/")) throw new IllegalArgumentException("bad figure name '" + base + "'");
        return FigureFiles.write(FigureFiles.layout(title, panels, columns, pw, ph, grid), dir, base);
    }

    // fonts: at a grid's 100% (MAX_WIDTH) no text is below 11 px
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font MARK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    /** The smallest text of any figure, in figure pixels (a test holds every font to it). */
    static final int SMALLEST_FONT = 11;
}
