package org.saddlescope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.pdf.PDFDocument;
import org.jfree.pdf.PDFGraphics2D;
import org.jfree.pdf.PDFHints;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;
import org.saddlescope.io.AtomicFiles;

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
 * Drawn by JFreeChart, with JFreeSVG and JFreePDF painting the same Graphics2D calls into vector files (text
 * stays text in SVG; in PDF it is drawn as outlines so that Greek letters need no embedded font). The axes are
 * {@link Ticks}': decades and minor ticks on log axes, 1-2-5 steps with the decimals they need on linear ones,
 * labels that never touch. Legends sit outside the data: right of a single plot, below each panel of a grid, or
 * once for a whole grid whose panels share their series (one colour per singular-value index, say). Marker
 * labels (escapes) and band labels (plateaus) are staggered so that they do not overlap.
 *
 * Non-finite points are dropped, and so are non-positive ones on a log axis (a log axis cannot show them).
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
    /** PNG pixels per figure unit. */
    public static final int PNG_SCALE = 2;

    /** Tableau-10 (matplotlib's default cycle), so figures look like the ones researchers know. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color[] SHADES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};
    private static final Color MARKER = new Color(0x444444);

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
        return write(null, List.of(p), 1, width, height, dir, base);
    }

    /**
     * Several panels in one image, {@code columns} per row (e.g. one panel per layer in 2 × 3), with an overall
     * title (may be null). Panels with {@code legend(false)} share one legend at the right of the figure.
     */
    public static Saved grid(String title, List<Panel> panels, int columns, Path dir, String base) {
        return write(title, panels, columns, PANEL_WIDTH, PANEL_HEIGHT, dir, base);
    }

    // ---------------------------------------------------------------------------------------------------------

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font MARK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    private static final int TITLE_BAND = 36;

    /** Everything needed to paint a figure onto any Graphics2D. */
    private record Layout(String title, List<Panel> panels, int cols, int rows, int pw, int ph, int top, int legendWidth,
                          LegendItemCollection shared, int width, int height) {}

    private static Layout layout(String title, List<Panel> panels, int columns, int pw, int ph) {
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        int top = title == null || title.isEmpty() ? 0 : TITLE_BAND;
        LegendItemCollection shared = panels.size() > 1 ? sharedLegend(panels) : null;
        int legendWidth = 0;
        if (shared != null) {
            Graphics2D g = measuring();
            Size2D size = legendTitle(shared).arrange(g, RectangleConstraint.NONE);
            g.dispose();
            legendWidth = (int) Math.ceil(size.getWidth()) + 16;
        }
        return new Layout(title, panels, cols, rows, pw, ph, top, legendWidth, shared, cols * pw + legendWidth, top + rows * ph);
    }

    private static Saved write(String title, List<Panel> panels, int columns, int pw, int ph, Path dir, String base) {
        if (panels.isEmpty()) throw new IllegalArgumentException("a figure needs at least one panel");
        if (columns < 1) throw new IllegalArgumentException("columns must be positive");
        if (base.isEmpty() || base.contains("/")) throw new IllegalArgumentException("bad figure name '" + base + "'");
        Layout l = layout(title, panels, columns, pw, ph);

        BufferedImage img = new BufferedImage(l.width() * PNG_SCALE, l.height() * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.scale(PNG_SCALE, PNG_SCALE);
        paint(g, l);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        SVGGraphics2D svg = new SVGGraphics2D(l.width(), l.height());
        svg.setDefsKeyPrefix("f"); // the default prefix is a clock reading: the same figure must give the same bytes
        svg.setGeomDoubleConverter(Figures::twoDecimals); // 1/100 px: invisible at any zoom, a third of the bytes
        svg.setTransformDoubleConverter(Figures::twoDecimals);
        paint(svg, l);
        String svgText = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + svg.getSVGElement(null, true, new ViewBox(0, 0, l.width(), l.height()), null, null) + "\n";

        PDFDocument pdf = new PDFDocument();
        pdf.setTitle(title != null ? title : panels.get(0).title);
        PDFGraphics2D pg = pdf.createPage(new Rectangle2D.Double(0, 0, l.width(), l.height())).getGraphics2D();
        pg.setRenderingHint(PDFHints.KEY_DRAW_STRING_TYPE, PDFHints.VALUE_DRAW_STRING_TYPE_VECTOR); // Greek without fonts
        paint(pg, l);

        Path pngPath = dir.resolve(base + ".png"), svgPath = dir.resolve(base + ".svg"), pdfPath = dir.resolve(base + ".pdf");
        AtomicFiles.writeAtomically(pngPath, png.toByteArray());
        AtomicFiles.writeAtomically(svgPath, svgText.getBytes(StandardCharsets.UTF_8));
        AtomicFiles.writeAtomically(pdfPath, fixedDates(pdf.getPDFBytes()));
        return new Saved(pngPath, svgPath, pdfPath);
    }

    private static void paint(Graphics2D g, Layout l) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, l.width(), l.height()));
        if (l.top() > 0) {
            g.setFont(TITLE_FONT);
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(l.title(), (float) Math.max(4, (l.cols() * l.pw() - fm.stringWidth(l.title())) / 2.0),
                    (float) ((l.top() + fm.getAscent() - fm.getDescent()) / 2.0 + 2));
        }
        for (int k = 0; k < l.panels().size(); k++) {
            Panel p = l.panels().get(k);
            Rectangle2D area = new Rectangle2D.Double((k % l.cols()) * l.pw(), l.top() + (k / l.cols()) * l.ph(), l.pw(), l.ph());
            boolean ownLegend = p.legend && (l.panels().size() == 1 || l.shared() == null);
            chart(p, ownLegend, l.panels().size() == 1 ? RectangleEdge.RIGHT : RectangleEdge.BOTTOM, area.getWidth())
                    .draw(g, area);
        }
        if (l.shared() != null) {
            LegendTitle lt = legendTitle(l.shared());
            Size2D size = lt.arrange(g, RectangleConstraint.NONE);
            double y = l.top() + Math.min(l.rows() * l.ph() / 2.0 - size.getHeight() / 2, 30);
            lt.draw(g, new Rectangle2D.Double(l.cols() * l.pw() + 4, Math.max(l.top(), y), size.getWidth(), size.getHeight()));
        }
    }

    /**
     * One legend for a grid whose panels all have {@code legend(false)} and use each series name with one colour;
     * null otherwise (or when there is at most one name).
     */
    private static LegendItemCollection sharedLegend(List<Panel> panels) {
        Map<String, Series> first = new LinkedHashMap<>();
        Map<String, Color> colors = new LinkedHashMap<>();
        for (Panel p : panels) {
            if (p.legend) return null;
            int ci = 0;
            for (Series s : p.series) {
                Color c = s.color() != null ? s.color() : PALETTE[ci % PALETTE.length];
                ci++;
                Color had = colors.putIfAbsent(s.name(), c);
                if (had != null && !had.equals(c)) return null;
                first.putIfAbsent(s.name(), s);
            }
        }
        if (first.size() < 2) return null;
        LegendItemCollection items = new LegendItemCollection();
        for (Series s : first.values()) if (!s.name().isBlank()) items.add(legendItem(s, colors.get(s.name())));
        return items;
    }

    private static LegendItem legendItem(Series s, Color c) {
        Shape line = new Line2D.Double(-9, 0, 9, 0);
        boolean shape = s.style() == Style.SCATTER || s.style() == Style.LINE_MARKERS;
        boolean lines = s.style() != Style.SCATTER;
        return new LegendItem(s.name(), null, null, null, shape, new Ellipse2D.Double(-3, -3, 6, 6), true, c, false, c,
                stroke(s.style()), lines, line, stroke(s.style()), c);
    }

    private static LegendTitle legendTitle(LegendItemCollection items) {
        LegendTitle lt = new LegendTitle(() -> items, new org.jfree.chart.block.ColumnArrangement(),
                new org.jfree.chart.block.ColumnArrangement());
        lt.setItemFont(LEGEND_FONT);
        lt.setFrame(BlockBorder.NONE);
        lt.setBackgroundPaint(Color.WHITE);
        lt.setItemLabelPadding(new RectangleInsets(1, 4, 1, 2));
        return lt;
    }

    private static Graphics2D measuring() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    private static Stroke stroke(Style s) {
        switch (s) {
            case DASHED: return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 3f}, 0f);
            case DOTTED: return new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 3f}, 0f);
            default: return new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        }
    }

    /** Log axes carry log10 of the data; the ticks are labelled with the values. */
    private static double tx(double v, boolean log) { return log ? Math.log10(v) : v; }

    private static JFreeChart chart(Panel p, boolean showLegend, RectangleEdge legendEdge, double panelWidth) {
        XYPlot plot = new XYPlot();
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        int colorIndex = 0, added = 0;
        boolean points = false;
        List<Object[]> errorSets = new ArrayList<>(); // collection, series, renderer: drawn after the lines
        for (Series s : p.series) {
            Color color = s.color() != null ? s.color() : PALETTE[colorIndex % PALETTE.length];
            colorIndex++;
            int n = 0;
            double[] x = new double[s.x().length], y = new double[s.y().length];
            for (int i = 0; i < s.x().length; i++) {
                double xv = s.x()[i], yv = s.y()[i];
                if (!Double.isFinite(xv) || !Double.isFinite(yv) || (p.logX && xv <= 0) || (p.logY && yv <= 0)) continue;
                x[n] = tx(xv, p.logX);
                y[n] = tx(yv, p.logY);
                xlo = Math.min(xlo, x[n]); xhi = Math.max(xhi, x[n]); ylo = Math.min(ylo, y[n]); yhi = Math.max(yhi, y[n]);
                n++;
            }
            for (Bars b : p.bars) {
                if (!b.of().equals(s.name())) continue;
                YIntervalSeries ys = new YIntervalSeries(s.name() + " (interval)", false, true);
                for (int i = 0; i < b.x().length; i++) {
                    double bx = b.x()[i], lo = b.low()[i], hi = b.high()[i];
                    if (!Double.isFinite(bx) || (p.logX && bx <= 0) || !Double.isFinite(lo) || !Double.isFinite(hi)) continue;
                    if (p.logY && hi <= 0) continue;
                    double tlo = p.logY && lo <= 0 ? Double.NaN : tx(lo, p.logY), thi = tx(hi, p.logY);
                    if (Double.isFinite(tlo)) { ylo = Math.min(ylo, tlo); yhi = Math.max(yhi, tlo); }
                    ylo = Math.min(ylo, thi);
                    yhi = Math.max(yhi, thi);
                    ys.add(tx(bx, p.logX), thi, Double.isFinite(tlo) ? tlo : thi - 30, thi); // a bar down to 0 on a log axis: to below the plot
                }
                if (ys.getItemCount() == 0) continue;
                XYErrorRenderer er = new XYErrorRenderer();
                er.setDefaultLinesVisible(false);
                er.setDefaultShapesVisible(false);
                er.setDrawXError(false);
                er.setErrorPaint(color);
                er.setErrorStroke(new BasicStroke(1.25f));
                er.setCapLength(8);
                er.setSeriesVisibleInLegend(0, false);
                errorSets.add(new Object[] {new YIntervalSeriesCollection(), ys, er});
            }
            if (n == 0) continue;
            double[][] xy = s.style() == Style.SCATTER ? new double[][] {Arrays.copyOf(x, n), Arrays.copyOf(y, n)} : thin(x, y, n);
            XYSeries xs = new XYSeries(s.name(), false, true);
            for (int i = 0; i < xy[0].length; i++) xs.add(xy[0][i], xy[1][i], false);
            plot.setDataset(added, new XYSeriesCollection(xs));
            plot.setRenderer(added, renderer(s.style(), color));
            points |= s.style() == Style.SCATTER || s.style() == Style.LINE_MARKERS;
            added++;
        }
        for (Object[] e : errorSets) {
            ((YIntervalSeriesCollection) e[0]).addSeries((YIntervalSeries) e[1]);
            plot.setDataset(added, (YIntervalSeriesCollection) e[0]);
            plot.setRenderer(added, (XYErrorRenderer) e[2]);
            added++;
        }
        if (added == 0) { xlo = 0; xhi = 1; ylo = 0; yhi = 1; }
        // points and histogram bars get a margin so none sits on the frame; curves run edge to edge
        double[] xr = range(p.xMin, p.xMax, xlo, xhi, p.logX, points || p.floorZero ? 0.03 : 0);
        double[] yr = range(p.yMin, p.yMax, ylo, yhi, p.logY, 0.05);
        if (p.floorZero && p.yMin == null && !p.logY && ylo >= 0) yr[0] = 0;
        PaperAxis xa = new PaperAxis(p.xLabel, p.logX), ya = new PaperAxis(p.yLabel, p.logY);
        if (p.xTicks != null) xa.fixed = p.xTicks;
        xa.setRange(xr[0], xr[1]);
        ya.setRange(yr[0], yr[1]);
        plot.setDomainAxis(xa);
        plot.setRangeAxis(ya);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.BLACK);
        plot.setOutlineStroke(new BasicStroke(0.75f));
        plot.setDomainGridlinePaint(new Color(0xe8e8e8));
        plot.setRangeGridlinePaint(new Color(0xe8e8e8));
        plot.setDomainGridlineStroke(new BasicStroke(0.5f));
        plot.setRangeGridlineStroke(new BasicStroke(0.5f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setNoDataMessage("no data");
        plot.setNoDataMessageFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
        plot.setNoDataMessagePaint(Color.GRAY);
        if (added == 0) {
            // an empty dataset makes the plot show its "no data" message over the (empty) axes
            plot.setDataset(0, new XYSeriesCollection());
        }
        double plotWidth = panelWidth * (showLegend && legendEdge == RectangleEdge.RIGHT ? 0.68 : 0.82);
        addBands(plot, p, xr, plotWidth);
        addMarkers(plot, p, xr, plotWidth);

        JFreeChart chart = new JFreeChart(p.title.isEmpty() ? null : p.title, PANEL_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(4, 6, 4, 10));
        if (showLegend && added > 0 && (p.series.size() > 1 || !p.series.get(0).name().isEmpty())) {
            LegendItemCollection items = new LegendItemCollection();
            int ci = 0;
            for (Series s : p.series) {
                Color color = s.color() != null ? s.color() : PALETTE[ci % PALETTE.length];
                ci++;
                if (!s.name().isBlank()) items.add(legendItem(s, color)); // a blank name: no legend entry
            }
            int longest = 0;
            for (Series sr : p.series) longest = Math.max(longest, sr.name().length());
            if (longest > 24) legendEdge = RectangleEdge.BOTTOM; // a long legend beside the plot would squeeze it
            LegendTitle lt = legendTitle(items);
            if (legendEdge == RectangleEdge.BOTTOM) {
                lt = new LegendTitle(() -> items);
                lt.setItemFont(LEGEND_FONT);
                lt.setFrame(BlockBorder.NONE);
            }
            lt.setPosition(legendEdge);
            lt.setVerticalAlignment(org.jfree.chart.ui.VerticalAlignment.CENTER);
            lt.setMargin(new RectangleInsets(2, 8, 2, 2));
            chart.addLegend(lt);
        }
        return chart;
    }

    private static XYItemRenderer renderer(Style style, Color color) {
        XYLineAndShapeRenderer r = style == Style.STEP ? new XYStepRenderer() : new XYLineAndShapeRenderer();
        r.setDrawSeriesLineAsPath(true); // one path per series: smooth dashes, compact SVG
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, stroke(style));
        r.setSeriesLinesVisible(0, style != Style.SCATTER);
        boolean shapes = style == Style.SCATTER || style == Style.LINE_MARKERS;
        r.setSeriesShapesVisible(0, shapes);
        if (shapes) r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        return r;
    }

    /** Axis range in plotted coordinates: the data (or the caller's bounds), padded by {@code pad} of its span. */
    private static double[] range(Double min, Double max, double lo, double hi, boolean log, double pad) {
        if (min != null) lo = tx(min, log);
        if (max != null) hi = tx(max, log);
        if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) { lo = 0; hi = 1; }
        if (lo == hi) {
            double d = log ? 0.3 : (lo == 0 ? 1 : Math.abs(lo) * 0.1);
            lo -= d;
            hi += d;
        }
        double d = (hi - lo) * pad;
        return new double[] {min != null ? lo : lo - d, max != null ? hi : hi + d};
    }

    /** Label rows: a label goes on the first row where it does not overlap the previous label of that row. */
    private static int[] stagger(double[] frac, String[] labels, double plotWidth) {
        Graphics2D g = measuring();
        FontMetrics fm = g.getFontMetrics(MARK_FONT);
        g.dispose();
        int[] row = new int[frac.length];
        List<Double> rowEnd = new ArrayList<>();
        Integer[] order = new Integer[frac.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(frac[a], frac[b]));
        for (int i : order) {
            if (labels[i] == null || labels[i].isEmpty()) continue;
            double start = frac[i] * plotWidth, end = start + fm.stringWidth(labels[i]) + 6;
            int r = 0;
            while (r < rowEnd.size() && rowEnd.get(r) > start) r++;
            if (r == rowEnd.size()) rowEnd.add(end); else rowEnd.set(r, end);
            row[i] = r;
        }
        return row;
    }

    private static void addMarkers(XYPlot plot, Panel p, double[] xr, double plotWidth) {
        List<Marker> ms = new ArrayList<>();
        for (Marker m : p.markers) if (!(p.logX && m.x() <= 0)) ms.add(m);
        double[] frac = new double[ms.size()];
        String[] labels = new String[ms.size()];
        for (int i = 0; i < ms.size(); i++) {
            frac[i] = (tx(ms.get(i).x(), p.logX) - xr[0]) / (xr[1] - xr[0]);
            labels[i] = ms.get(i).label();
        }
        int[] row = stagger(frac, labels, plotWidth);
        for (int i = 0; i < ms.size(); i++) {
            Color mc = ms.get(i).color() != null ? ms.get(i).color() : MARKER;
            ValueMarker vm = new ValueMarker(tx(ms.get(i).x(), p.logX), mc,
                    new BasicStroke(1.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
            if (labels[i] != null && !labels[i].isEmpty()) {
                boolean right = frac[i] > 0.9; // near the right edge the label goes left of its line
                vm.setLabel(labels[i]);
                vm.setLabelFont(MARK_FONT);
                vm.setLabelPaint(mc);
                vm.setLabelBackgroundColor(new Color(255, 255, 255, 200));
                vm.setLabelAnchor(right ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
                vm.setLabelTextAnchor(right ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
                vm.setLabelOffset(new RectangleInsets(3 + 13 * row[i], 2, 0, 2));
            }
            plot.addDomainMarker(0, vm, Layer.FOREGROUND, false);
        }
    }

    private static void addBands(XYPlot plot, Panel p, double[] xr, double plotWidth) {
        List<Band> bs = new ArrayList<>();
        for (Band b : p.bands) if (!(p.logX && b.x1() <= 0)) bs.add(b);
        double[] frac = new double[bs.size()];
        String[] labels = new String[bs.size()];
        for (int i = 0; i < bs.size(); i++) {
            Band b = bs.get(i);
            double x0 = p.logX ? tx(Math.max(b.x0(), Math.pow(10, xr[0])), true) : b.x0();
            frac[i] = (Math.max(x0, xr[0]) - xr[0]) / (xr[1] - xr[0]);
            labels[i] = b.label();
        }
        int[] row = stagger(frac, labels, plotWidth);
        for (int i = 0; i < bs.size(); i++) {
            Band b = bs.get(i);
            double x0 = p.logX ? tx(Math.max(b.x0(), Math.pow(10, xr[0])), true) : b.x0();
            Color c = SHADES[i % SHADES.length];
            IntervalMarker im = new IntervalMarker(x0, tx(b.x1(), p.logX), new Color(c.getRed(), c.getGreen(), c.getBlue(), 38));
            im.setOutlinePaint(null);
            im.setAlpha(1f); // the paint carries the tint's alpha
            if (labels[i] != null && !labels[i].isEmpty()) {
                im.setLabel(labels[i]);
                im.setLabelFont(MARK_FONT);
                im.setLabelPaint(c.darker());
                boolean right = frac[i] > 0.85; // near the right edge the label ends where the band ends
                im.setLabelBackgroundColor(new Color(255, 255, 255, 0));
                im.setLabelAnchor(right ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.BOTTOM_LEFT);
                im.setLabelTextAnchor(right ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
                im.setLabelOffset(new RectangleInsets(0, 3, 3 + 13 * row[i], 3));
            }
            plot.addDomainMarker(0, im, Layer.BACKGROUND, false);
        }
    }

    /** A number axis whose ticks come from {@link Ticks}; on a log axis it carries log10 of the data. */
    static final class PaperAxis extends NumberAxis {
        private static final long serialVersionUID = 1L;
        private final boolean log;
        double[] fixed; // labelled ticks at these values only, when set

        PaperAxis(String label, boolean log) {
            super(label);
            this.log = log;
            setAutoRange(false);
            setLabelFont(LABEL_FONT);
            setTickLabelFont(TICK_FONT);
            setTickMarkInsideLength(0);
            setTickMarkOutsideLength(4);
            setMinorTickMarksVisible(true);
            setMinorTickMarkInsideLength(0);
            setMinorTickMarkOutsideLength(2);
            setTickMarkPaint(Color.BLACK);
            setAxisLinePaint(Color.BLACK);
            setTickLabelPaint(Color.BLACK);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            boolean horizontal = RectangleEdge.isTopOrBottom(edge);
            double len = horizontal ? dataArea.getWidth() : dataArea.getHeight();
            if (!(len > 20)) len = horizontal ? 400 : 250;
            FontMetrics fm = g2.getFontMetrics(getTickLabelFont());
            ToDoubleFunction<String> size = horizontal ? s -> fm.stringWidth(s) : s -> fm.getAscent() + fm.getDescent();
            double lo = getLowerBound(), hi = getUpperBound();
            // labels at least 24 px apart across a horizontal axis, 28 px (about 2 lines) up a vertical one
            double gap = horizontal ? 24 : 28 - (fm.getAscent() + fm.getDescent());
            List<Ticks.Tick> ts = fixed != null ? Ticks.at(fixed, log)
                    : log ? Ticks.log(Math.pow(10, lo), Math.pow(10, hi), len, size, gap) : Ticks.linear(lo, hi, len, size, gap);
            TextAnchor anchor = horizontal ? TextAnchor.TOP_CENTER : TextAnchor.CENTER_RIGHT;
            List out = new ArrayList();
            for (Ticks.Tick t : ts) {
                if (t.at() < lo - 1e-9 * Math.max(1, Math.abs(lo)) || t.at() > hi + 1e-9 * Math.max(1, Math.abs(hi))) continue;
                out.add(new NumberTick(t.major() ? TickType.MAJOR : TickType.MINOR, t.at(), t.label(), anchor, anchor, 0.0));
            }
            return out;
        }
    }

    private static final java.util.regex.Pattern PDF_DATE = java.util.regex.Pattern.compile("/(CreationDate|ModDate) \\(D:\\d{14}");

    /**
     * JFreePDF stamps the document info with the time of writing and has no setting for it; a rerun, a resume
     * must give the same bytes, so the 14 digits of each date become 1970-01-01 00:00:00 (same length: the xref
     * offsets stay right).
     */
    static byte[] fixedDates(byte[] pdf) {
        String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = PDF_DATE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) m.appendReplacement(out, "/" + m.group(1) + " (D:19700101000000");
        m.appendTail(out);
        return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** v rounded to 2 decimals, without trailing zeros or exponent (SVG coordinates). */
    static String twoDecimals(double v) {
        if (!Double.isFinite(v)) return "0";
        long r = Math.round(v * 100);
        StringBuilder b = new StringBuilder(12);
        if (r < 0) { b.append('-'); r = -r; }
        b.append(r / 100);
        long f = r % 100;
        if (f != 0) {
            b.append('.').append(f / 10);
            if (f % 10 != 0) b.append(f % 10);
        }
        return b.toString();
    }

    /**
     * At most MAX_POINTS points per series: beyond that the x-range is cut into buckets and each keeps its lowest
     * and highest point in x order, so spikes and plateaus survive (a pixel column cannot show more anyway).
     */
    static final int MAX_POINTS = 3000;

    static double[][] thin(double[] x, double[] y, int n) {
        if (n <= MAX_POINTS) return new double[][] {Arrays.copyOf(x, n), Arrays.copyOf(y, n)};
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
        return new double[][] {Arrays.copyOf(ox, m), Arrays.copyOf(oy, m)};
    }
}
