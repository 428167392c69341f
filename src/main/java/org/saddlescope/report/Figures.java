package org.saddlescope.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Figures for every command, as PNG and SVG, from plain {@code double[]} arrays (callers never touch XChart).
 *
 * <pre>
 *   Figures.Panel p = Figures.panel("loss", "step", "loss").logY()
 *       .line("train", steps, loss).vline(1200, "snapshot").shade(0, 900, "plateau 1");
 *   Figures.save(p, run.figures(), "loss");                    // figures/loss.png + loss.svg
 *   Figures.grid("singular values", panels, 3, dir, "spectra"); // one image, panels in rows of 3
 * </pre>
 *
 * Non-finite points are dropped, and so are non-positive ones on a log axis (a log axis cannot show them).
 * Vertical marker lines and shaded x-intervals are drawn over the plot area after XChart paints it, through
 * the chart's own coordinate mapping, so they appear identically in PNG and SVG.
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

    /** Tableau-10 (matplotlib's default cycle), so figures look like the ones researchers know. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color[] SHADES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};

    public enum Style { LINE, DASHED, LINE_MARKERS, SCATTER, STEP }

    record Series(String name, double[] x, double[] y, Style style, Color color) {}
    record Marker(double x, String label) {}
    record Band(double x0, double x1, String label) {}
    record Bars(String of, double[] x, double[] low, double[] high) {}

    /** The paths written by a save. */
    public record Saved(Path png, Path svg) {}

    /** One plot: series, axes, markers. Build it with the chained methods, then save it or put it in a grid. */
    public static final class Panel {
        final String title, xLabel, yLabel;
        final List<Series> series = new ArrayList<>();
        final List<Marker> markers = new ArrayList<>();
        final List<Band> bands = new ArrayList<>();
        final List<Bars> bars = new ArrayList<>();
        boolean logX, logY, legend = true, floorZero;
        Double yMin, yMax, xMin, xMax;

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

        /** A vertical dashed line at x (a snapshot step, an escape time); label may be null. */
        public Panel vline(double x, String label) { markers.add(new Marker(x, label)); return this; }

        /** A shaded x-interval [x0, x1] (a plateau); label may be null. */
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

        public String title() { return title; }
        public int seriesCount() { return series.size(); }
    }

    public static Panel panel(String title, String xLabel, String yLabel) {
        return new Panel(title, xLabel, yLabel);
    }

    /** Saves one panel at the default size as dir/base.png and dir/base.svg. */
    public static Saved save(Panel p, Path dir, String base) {
        return save(p, dir, base, WIDTH, HEIGHT);
    }

    public static Saved save(Panel p, Path dir, String base, int width, int height) {
        return write(null, List.of(p), 1, width, height, dir, base);
    }

    /**
     * Several panels in one image, {@code columns} per row (e.g. one panel per layer in 2 × 3), with an overall
     * title (may be null).
     */
    public static Saved grid(String title, List<Panel> panels, int columns, Path dir, String base) {
        return write(title, panels, columns, PANEL_WIDTH, PANEL_HEIGHT, dir, base);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final int TITLE_BAND = 40;

    private static Saved write(String title, List<Panel> panels, int columns, int pw, int ph, Path dir, String base) {
        if (panels.isEmpty()) throw new IllegalArgumentException("a figure needs at least one panel");
        if (columns < 1) throw new IllegalArgumentException("columns must be positive");
        if (base.isEmpty() || base.contains("/")) throw new IllegalArgumentException("bad figure name '" + base + "'");
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        int top = title == null || title.isEmpty() ? 0 : TITLE_BAND;
        int w = cols * pw, h = top + rows * ph;

        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        paintAll(g, title, panels, cols, pw, ph, w, top);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        VectorGraphics2D vg = new VectorGraphics2D();
        paintAll(vg, title, panels, cols, pw, ph, w, top);
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(vg.getCommands(), new PageSize(0, 0, w, h)).writeTo(svg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] svgBytes = compactSvg(svg.toString(java.nio.charset.StandardCharsets.UTF_8));
        Path pngPath = dir.resolve(base + ".png"), svgPath = dir.resolve(base + ".svg");
        writeAtomically(pngPath, png.toByteArray());
        writeAtomically(svgPath, svgBytes);
        return new Saved(pngPath, svgPath);
    }

    private static void paintAll(Graphics2D g, String title, List<Panel> panels, int cols, int pw, int ph, int w, int top) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, top + ((panels.size() + cols - 1) / cols) * ph);
        if (top > 0) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, Math.max(4, (w - fm.stringWidth(title)) / 2), (top + fm.getAscent()) / 2);
        }
        for (int k = 0; k < panels.size(); k++) {
            Graphics2D pg = (Graphics2D) g.create();
            pg.translate((k % cols) * pw, top + (k / cols) * ph);
            pg.clipRect(0, 0, pw, ph);
            paintPanel(pg, panels.get(k), pw, ph);
            pg.dispose();
        }
    }

    /** Axis range over the points a panel can show. */
    private record Range(double min, double max) {}

    private static void paintPanel(Graphics2D g, Panel p, int w, int h) {
        XYChart chart = new XYChartBuilder().width(w).height(h).title(p.title).xAxisTitle(p.xLabel).yAxisTitle(p.yLabel).build();
        style(chart, p, w);
        int colorIndex = 0;
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        int added = 0;
        for (Series s : p.series) {
            Color color = s.color() != null ? s.color() : PALETTE[colorIndex % PALETTE.length];
            colorIndex++;
            int n = 0;
            double[] x = new double[s.x().length], y = new double[s.y().length];
            for (int i = 0; i < s.x().length; i++) {
                double xv = s.x()[i], yv = s.y()[i];
                if (!Double.isFinite(xv) || !Double.isFinite(yv) || (p.logX && xv <= 0) || (p.logY && yv <= 0)) continue;
                x[n] = xv; y[n] = yv; n++;
                xlo = Math.min(xlo, xv); xhi = Math.max(xhi, xv); ylo = Math.min(ylo, yv); yhi = Math.max(yhi, yv);
            }
            for (Bars b : p.bars) {
                if (!b.of().equals(s.name())) continue;
                for (int i = 0; i < b.x().length; i++) {
                    if (!Double.isFinite(b.x()[i]) || (p.logX && b.x()[i] <= 0)) continue;
                    for (double v : new double[] {b.low()[i], b.high()[i]}) {
                        if (Double.isFinite(v) && !(p.logY && v <= 0)) { ylo = Math.min(ylo, v); yhi = Math.max(yhi, v); }
                    }
                }
            }
            if (n == 0) continue;
            double[][] xy = s.style() == Style.SCATTER ? new double[][] {java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)}
                    : thin(x, y, n);
            XYSeries xs = chart.addSeries(s.name(), xy[0], xy[1]);
            xs.setLineColor(color);
            xs.setMarkerColor(color);
            xs.setLineWidth(1.6f);
            switch (s.style()) {
                case SCATTER:
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    xs.setMarker(SeriesMarkers.CIRCLE);
                    break;
                case DASHED:
                    xs.setMarker(SeriesMarkers.NONE);
                    xs.setLineStyle(SeriesLines.DASH_DASH);
                    break;
                case LINE_MARKERS:
                    xs.setMarker(SeriesMarkers.CIRCLE);
                    xs.setLineStyle(SeriesLines.SOLID);
                    break;
                case STEP:
                    xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
                    xs.setMarker(SeriesMarkers.NONE);
                    xs.setLineStyle(SeriesLines.SOLID);
                    break;
                default:
                    xs.setMarker(SeriesMarkers.NONE);
                    xs.setLineStyle(SeriesLines.SOLID);
            }
            added++;
        }
        if (added == 0) {
            // XChart cannot draw an empty chart: an invisible placeholder keeps the axes, and the panel says so
            XYSeries xs = chart.addSeries(" ", new double[] {1, 2}, new double[] {1, 2});
            xs.setShowInLegend(false);
            xs.setLineColor(new Color(0, 0, 0, 0));
            xs.setMarker(SeriesMarkers.NONE);
            xlo = 1; xhi = 2; ylo = 1; yhi = 2;
            chart.getStyler().setLegendVisible(false);
        }
        boolean autoX = p.xMin == null && p.xMax == null, autoY = p.yMin == null && p.yMax == null;
        Range xr = range(p.xMin != null ? p.xMin : xlo, p.xMax != null ? p.xMax : xhi, p.logX, false, autoX && !p.logX);
        Range yr = range(p.yMin != null ? p.yMin : ylo, p.yMax != null ? p.yMax : yhi, p.logY, autoY, false);
        if (p.floorZero && autoY && !p.logY && ylo >= 0) yr = new Range(0, yr.max());
        chart.getStyler().setXAxisMin(xr.min()).setXAxisMax(xr.max());
        if (added > 0 && !p.logX) {
            // XChart puts ticks on data x values when they are equally spaced (steps logged every k), giving
            // ticks like 0, 220, 440; an invisible unevenly spaced helper series makes it choose round ticks.
            double mid = xr.min() + 0.3183 * (xr.max() - xr.min());
            XYSeries helper = chart.addSeries("\u200b", new double[] {xr.min(), mid, xr.max()},
                    new double[] {yr.min(), yr.min(), yr.min()});
            helper.setShowInLegend(false);
            helper.setLineColor(new Color(0, 0, 0, 0));
            helper.setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setYAxisMin(yr.min()).setYAxisMax(yr.max());
        chart.paint(g, w, h);
        if (added == 0) {
            g.setColor(Color.GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 14));
            g.drawString("no data", w / 2 - 25, h / 2);
        }
        overlays(g, chart, p, xr, yr);
    }

    private static Range range(double lo, double hi, boolean log, boolean pad, boolean nice) {
        if (!(lo <= hi)) { lo = log ? 1 : 0; hi = log ? 10 : 1; }
        if (log) {
            if (lo == hi) { lo /= 2; hi *= 2; }
            if (nice) { lo = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9)); hi = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9)); return new Range(lo, hi); }
            if (pad) { double f = Math.pow(hi / lo, 0.04); lo /= f; hi *= f; }
        } else {
            if (lo == hi) { double d = lo == 0 ? 1 : Math.abs(lo) * 0.1; lo -= d; hi += d; }
            if (pad) { double d = (hi - lo) * 0.04; lo -= d; hi += d; }
            if (nice) {
                // round outwards to a 1-2-5 step giving about 8 intervals, so ticks fall on round numbers
                double raw = (hi - lo) / 8, mag = Math.pow(10, Math.floor(Math.log10(raw)));
                double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
                lo = Math.floor(lo / step + 1e-9) * step;
                hi = Math.ceil(hi / step - 1e-9) * step;
            }
        }
        return new Range(lo, hi);
    }

    private static void style(XYChart chart, Panel p, int w) {
        var st = chart.getStyler();
        st.setTheme(new org.knowm.xchart.style.theme.MatlabTheme());
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(true);
        st.setPlotGridLinesVisible(true);
        st.setPlotGridLinesColor(new Color(0xe6e6e6));
        st.setPlotGridLinesStroke(new BasicStroke(0.7f)); // solid: a dashed stroke becomes thousands of tiny shapes in SVG
        st.setChartTitleVisible(!p.title.isEmpty());
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, w < 600 ? 14 : 16));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setLegendVisible(p.legend && p.series.size() > 1 || p.legend && p.series.size() == 1 && !p.series.get(0).name().isEmpty());
        // many series (top-10 singular values): legend beside the plot so it hides no data
        st.setLegendPosition(p.series.size() > 4 ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.InsideNE);
        st.setLegendBorderColor(new Color(0xc0c0c0));
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        st.setMarkerSize(5);
        st.setXAxisLogarithmic(p.logX);
        st.setYAxisLogarithmic(p.logY);
        st.setAntiAlias(true);
        st.setChartPadding(8);
        st.setLocale(Locale.ROOT);
    }

    /** Shaded bands and vertical lines, clipped to the plot area, in the chart's own coordinates. */
    private static void overlays(Graphics2D g, XYChart chart, Panel p, Range xr, Range yr) {
        if (p.bands.isEmpty() && p.markers.isEmpty() && p.bars.isEmpty()) return;
        double left = chart.getScreenXFromChart(xr.min()), right = chart.getScreenXFromChart(xr.max());
        double topY = chart.getScreenYFromChart(yr.max()), bottom = chart.getScreenYFromChart(yr.min());
        Shape oldClip = g.getClip();
        Rectangle2D plot = new Rectangle2D.Double(left, topY, right - left, bottom - topY);
        g.clip(plot);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        int k = 0;
        for (Band b : p.bands) {
            if (p.logX && b.x1() <= 0) continue;
            double x0 = chart.getScreenXFromChart(p.logX ? Math.max(b.x0(), xr.min()) : b.x0());
            double x1 = chart.getScreenXFromChart(b.x1());
            Color c = SHADES[k++ % SHADES.length];
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 38));
            g.fill(new Rectangle2D.Double(x0, topY, Math.max(1, x1 - x0), bottom - topY));
            if (b.label() != null) {
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue()).darker());
                g.drawString(b.label(), (float) (Math.max(x0, left) + 3), (float) (bottom - 5));
            }
        }
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        for (Marker m : p.markers) {
            if (p.logX && m.x() <= 0) continue;
            double x = chart.getScreenXFromChart(m.x());
            g.setColor(new Color(0x555555));
            g.draw(new Line2D.Double(x, topY, x, bottom));
            if (m.label() != null) g.drawString(m.label(), (float) (x + 3), (float) (topY + 12));
        }
        errorBars(g, chart, p, yr);
        g.setClip(oldClip);
    }

    private static void errorBars(Graphics2D g, XYChart chart, Panel p, Range yr) {
        g.setStroke(new BasicStroke(1.4f));
        for (Bars b : p.bars) {
            int k = 0;
            Color c = null;
            for (Series s : p.series) {
                Color sc = s.color() != null ? s.color() : PALETTE[k % PALETTE.length];
                k++;
                if (s.name().equals(b.of())) c = sc;
            }
            g.setColor(c);
            for (int i = 0; i < b.x().length; i++) {
                double lo = b.low()[i], hi = b.high()[i], xv = b.x()[i];
                if (!Double.isFinite(lo) || !Double.isFinite(hi) || !Double.isFinite(xv) || (p.logX && xv <= 0)) continue;
                if (p.logY && hi <= 0) continue;
                if (p.logY && lo <= 0) lo = yr.min();
                double x = chart.getScreenXFromChart(xv), y0 = chart.getScreenYFromChart(lo), y1 = chart.getScreenYFromChart(hi);
                g.draw(new Line2D.Double(x, y0, x, y1));
                g.draw(new Line2D.Double(x - 4, y0, x + 4, y0));
                g.draw(new Line2D.Double(x - 4, y1, x + 4, y1));
            }
        }
    }

    private static final java.util.regex.Pattern LONG_DECIMAL = java.util.regex.Pattern.compile("(\\d\\.\\d{2})\\d+");

    /**
     * XChart draws every label as glyph outlines with full double precision; coordinates rounded to 1/100 px
     * (invisible at any zoom a figure is read at) make the SVG several times smaller.
     */
    static byte[] compactSvg(String svg) {
        return joinLines(LONG_DECIMAL.matcher(svg).replaceAll("$1")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
            "<line style=\"([^\"]*)\" x1=\"([^\"]*)\" x2=\"([^\"]*)\" y1=\"([^\"]*)\" y2=\"([^\"]*)\"/>");

    /**
     * XChart draws a series as one {@code <line>} element per segment; consecutive lines in the same style
     * become one {@code <path>} (same pixels, a fifth of the bytes).
     */
    static String joinLines(String svg) {
        String[] lines = svg.split("\n", -1);
        StringBuilder out = new StringBuilder(svg.length() / 2);
        String style = null, indent = "";
        StringBuilder d = null;
        String lastX = null, lastY = null;
        for (String raw : lines) {
            java.util.regex.Matcher m = LINE.matcher(raw.trim());
            if (m.matches()) {
                if (style == null || !style.equals(m.group(1))) {
                    if (style != null) out.append(indent).append("<path style=\"").append(style).append("\" d=\"").append(d).append("\"/>\n");
                    style = m.group(1);
                    indent = raw.substring(0, raw.indexOf('<'));
                    d = new StringBuilder();
                    lastX = null;
                }
                if (!m.group(2).equals(lastX) || !m.group(4).equals(lastY)) d.append('M').append(m.group(2)).append(' ').append(m.group(4));
                d.append('L').append(m.group(3)).append(' ').append(m.group(5));
                lastX = m.group(3);
                lastY = m.group(5);
                continue;
            }
            if (style != null) {
                out.append(indent).append("<path style=\"").append(style).append("\" d=\"").append(d).append("\"/>\n");
                style = null;
            }
            out.append(raw).append('\n');
        }
        if (style != null) out.append(indent).append("<path style=\"").append(style).append("\" d=\"").append(d).append("\"/>\n");
        if (out.length() > 0 && !svg.endsWith("\n")) out.setLength(out.length() - 1);
        return out.toString();
    }

    /**
     * At most MAX_POINTS points per series: beyond that the x-range is cut into buckets and each keeps its lowest
     * and highest point in x order, so spikes and plateaus survive (a pixel column cannot show more anyway).
     */
    static final int MAX_POINTS = 3000;

    static double[][] thin(double[] x, double[] y, int n) {
        if (n <= MAX_POINTS) return new double[][] {java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)};
        int buckets = MAX_POINTS / 2;
        double[] ox = new double[2 * buckets], oy = new double[2 * buckets];
        int m = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets), to = (int) ((long) (b + 1) * n / buckets);
            if (from >= to) continue;
            int lo = from, hi = from;
            for (int i = from; i < to; i++) { if (y[i] < y[lo]) lo = i; if (y[i] > y[hi]) hi = i; }
            int first = Math.min(lo, hi), second = Math.max(lo, hi);
            ox[m] = x[first]; oy[m] = y[first]; m++;
            if (second != first) { ox[m] = x[second]; oy[m] = y[second]; m++; }
        }
        return new double[][] {java.util.Arrays.copyOf(ox, m), java.util.Arrays.copyOf(oy, m)};
    }

    /** Temp file in the same folder, then rename: a reader never sees half a figure. */
    static void writeAtomically(Path target, byte[] bytes) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
