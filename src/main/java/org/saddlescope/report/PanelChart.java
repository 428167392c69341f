package org.saddlescope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * One {@link Panel} as a JFreeChart chart: its series (thinned to what a figure can show), error bars,
 * axes ({@link PaperAxis}: integer ticks where every value is whole), shaded bands and labelled markers, and its
 * legend. A series drawn on a log axis says in its legend how many of its values were not positive (a log axis
 * cannot show them), so nothing is dropped silently.
 */
final class PanelChart {
    private PanelChart() {}

    private static final Color[] SHADES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};
    private static final Color MARKER = new Color(0x444444);

    /** What the series put on the plot: data bounds (plotted coordinates), whether the axes hold whole numbers only. */
    private static final class Extent {
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        boolean points, xWhole = true, yWhole = true;
        int added;
        final int[] hidden; // per series: finite values ≤ 0 that a log y axis cannot show

        Extent(int series) { hidden = new int[series]; }

        void take(double x, double y) {
            xlo = Math.min(xlo, x); xhi = Math.max(xhi, x); ylo = Math.min(ylo, y); yhi = Math.max(yhi, y);
        }
    }

    static JFreeChart chart(Panel p, boolean showLegend, RectangleEdge legendEdge, double panelWidth) {
        XYPlot plot = new XYPlot();
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        Extent e = series(plot, p);
        double[][] ranges = axes(plot, p, e);
        style(plot, e.added == 0);
        double plotWidth = panelWidth * (showLegend && legendEdge == RectangleEdge.RIGHT ? 0.68 : 0.82);
        addBands(plot, p, ranges[0], plotWidth);
        addMarkers(plot, p, ranges[0], plotWidth);
        JFreeChart chart = new JFreeChart(null, FigureStyle.PANEL_TITLE_FONT, plot, false);
        if (!p.title.isEmpty()) {
            // text stays text (searchable in the SVG) unless Unicode cannot write its sub- or superscripts
            if (MathText.unicodeOnly(p.title)) chart.setTitle(new TextTitle(MathText.plain(p.title), FigureStyle.PANEL_TITLE_FONT));
            else chart.addSubtitle(new MathTitle(p.title, FigureStyle.PANEL_TITLE_FONT));
        }
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(4, 6, 4, 10));
        boolean named = !p.series.isEmpty() && (p.series.size() > 1 || !p.series.get(0).name().isEmpty());
        if (showLegend && e.added > 0 && named) legend(chart, p, legendEdge, e.hidden);
        return chart;
    }

    /** Every series (and its error bars, drawn after the lines) onto the plot. */
    private static Extent series(XYPlot plot, Panel p) {
        Extent e = new Extent(p.series.size());
        List<Object[]> errorSets = new ArrayList<>(); // collection, series, renderer
        for (int si = 0; si < p.series.size(); si++) {
            Panel.Series s = p.series.get(si);
            Color color = color(s, si);
            double[][] xy = plotted(s, p, e, si);
            for (Panel.Bars b : p.bars) if (b.of().equals(s.name())) errorBars(b, s.name(), p, color, e, errorSets);
            if (xy[0].length == 0) continue;
            double[][] shown = s.style() == Panel.Style.SCATTER ? xy : thin(xy[0], xy[1], xy[0].length);
            XYSeries xs = new XYSeries(s.name(), false, true);
            for (int i = 0; i < shown[0].length; i++) xs.add(shown[0][i], shown[1][i], false);
            plot.setDataset(e.added, new XYSeriesCollection(xs));
            plot.setRenderer(e.added, renderer(s.style(), color));
            e.points |= s.style() == Panel.Style.SCATTER || s.style() == Panel.Style.LINE_MARKERS;
            e.added++;
        }
        for (Object[] es : errorSets) {
            ((YIntervalSeriesCollection) es[0]).addSeries((YIntervalSeries) es[1]);
            plot.setDataset(e.added, (YIntervalSeriesCollection) es[0]);
            plot.setRenderer(e.added, (XYErrorRenderer) es[2]);
            e.added++;
        }
        return e;
    }

    /** A series' finite points in plotted coordinates (log10 on log axes), counting what a log y axis hides. */
    private static double[][] plotted(Panel.Series s, Panel p, Extent e, int si) {
        int n = 0;
        double[] x = new double[s.x().length], y = new double[s.y().length];
        for (int i = 0; i < s.x().length; i++) {
            double xv = s.x()[i], yv = s.y()[i];
            if (!Double.isFinite(xv) || !Double.isFinite(yv)) continue;
            if (p.logY && yv <= 0 && !(p.logX && xv <= 0)) e.hidden[si]++;
            if ((p.logX && xv <= 0) || (p.logY && yv <= 0)) continue;
            e.xWhole &= xv == Math.rint(xv);
            e.yWhole &= yv == Math.rint(yv);
            x[n] = tx(xv, p.logX);
            y[n] = tx(yv, p.logY);
            e.take(x[n], y[n]);
            n++;
        }
        return new double[][] {Arrays.copyOf(x, n), Arrays.copyOf(y, n)};
    }

    private static void errorBars(Panel.Bars b, String name, Panel p, Color color, Extent e, List<Object[]> out) {
        YIntervalSeries ys = new YIntervalSeries(name + " (interval)", false, true);
        for (int i = 0; i < b.x().length; i++) {
            double bx = b.x()[i], lo = b.low()[i], hi = b.high()[i];
            if (!Double.isFinite(bx) || (p.logX && bx <= 0) || !Double.isFinite(lo) || !Double.isFinite(hi)) continue;
            if (p.logY && hi <= 0) continue;
            double tlo = p.logY && lo <= 0 ? Double.NaN : tx(lo, p.logY), thi = tx(hi, p.logY);
            if (Double.isFinite(tlo)) { e.ylo = Math.min(e.ylo, tlo); e.yhi = Math.max(e.yhi, tlo); }
            e.ylo = Math.min(e.ylo, thi);
            e.yhi = Math.max(e.yhi, thi);
            e.yWhole &= lo == Math.rint(lo) && hi == Math.rint(hi);
            ys.add(tx(bx, p.logX), thi, Double.isFinite(tlo) ? tlo : thi - 30, thi); // a bar down to 0 on a log axis: to below the plot
        }
        if (ys.getItemCount() == 0) return;
        XYErrorRenderer er = new XYErrorRenderer();
        er.setDefaultLinesVisible(false);
        er.setDefaultShapesVisible(false);
        er.setDrawXError(false);
        er.setErrorPaint(color);
        er.setErrorStroke(new BasicStroke(1.25f));
        er.setCapLength(8);
        er.setSeriesVisibleInLegend(0, false);
        out.add(new Object[] {new YIntervalSeriesCollection(), ys, er});
    }

    /** Axis ranges (plotted coordinates: {x, y}) and the axes themselves. */
    private static double[][] axes(XYPlot plot, Panel p, Extent e) {
        if (e.added == 0) { e.xlo = 0; e.xhi = 1; e.ylo = 0; e.yhi = 1; }
        // points and histogram bars get a margin so none sits on the frame; curves run edge to edge
        double[] xr = range(p.xMin, p.xMax, e.xlo, e.xhi, p.logX, e.points || p.floorZero ? 0.03 : 0);
        double[] yr = range(p.yMin, p.yMax, e.ylo, e.yhi, p.logY, 0.05);
        if (p.floorZero && p.yMin == null && !p.logY && e.ylo >= 0) yr[0] = 0;
        PaperAxis xa = new PaperAxis(p.xLabel, p.logX), ya = new PaperAxis(p.yLabel, p.logY);
        if (p.xTicks != null) xa.fixed = p.xTicks;
        xa.integer = e.added > 0 && e.xWhole && !p.logX;
        ya.integer = e.added > 0 && e.yWhole && !p.logY;
        xa.setRange(xr[0], xr[1]);
        ya.setRange(yr[0], yr[1]);
        plot.setDomainAxis(xa);
        plot.setRangeAxis(ya);
        return new double[][] {xr, yr};
    }

    private static void style(XYPlot plot, boolean empty) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.BLACK);
        plot.setOutlineStroke(new BasicStroke(0.75f));
        plot.setDomainGridlinePaint(new Color(0xe8e8e8));
        plot.setRangeGridlinePaint(new Color(0xe8e8e8));
        plot.setDomainGridlineStroke(new BasicStroke(0.5f));
        plot.setRangeGridlineStroke(new BasicStroke(0.5f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setNoDataMessage("no data");
        plot.setNoDataMessageFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.ITALIC, 13));
        plot.setNoDataMessagePaint(Color.GRAY);
        if (empty) plot.setDataset(0, new XYSeriesCollection()); // the plot shows its "no data" message over empty axes
    }

    private static void legend(JFreeChart chart, Panel p, RectangleEdge edge, int[] hidden) {
        LegendItemCollection items = new LegendItemCollection();
        int longest = 0;
        for (int si = 0; si < p.series.size(); si++) {
            Panel.Series s = p.series.get(si);
            if (s.name().isBlank()) continue; // a blank name: no legend entry
            String label = MathText.plain(s.name()) + (hidden[si] > 0 ? " (" + hidden[si] + " ≤ 0 not shown)" : "");
            items.add(legendItem(label, s.style(), color(s, si)));
            longest = Math.max(longest, label.length());
        }
        if (longest > 24) edge = RectangleEdge.BOTTOM; // a long legend beside the plot would squeeze it
        LegendTitle lt = edge == RectangleEdge.BOTTOM ? new LegendTitle(() -> items) : legendTitle(items);
        if (edge == RectangleEdge.BOTTOM) {
            lt.setItemFont(FigureStyle.LEGEND_FONT);
            lt.setFrame(BlockBorder.NONE);
        }
        lt.setPosition(edge);
        lt.setVerticalAlignment(org.jfree.chart.ui.VerticalAlignment.CENTER);
        lt.setMargin(new RectangleInsets(2, 8, 2, 2));
        chart.addLegend(lt);
    }

    static Color color(Panel.Series s, int index) {
        return s.color() != null ? s.color() : FigureStyle.PALETTE[index % FigureStyle.PALETTE.length];
    }

    static LegendItem legendItem(String label, Panel.Style style, Color c) {
        Shape line = new Line2D.Double(-9, 0, 9, 0);
        boolean shape = style == Panel.Style.SCATTER || style == Panel.Style.LINE_MARKERS;
        boolean lines = style != Panel.Style.SCATTER;
        return new LegendItem(label, null, null, null, shape, new Ellipse2D.Double(-3, -3, 6, 6), true, c, false, c,
                stroke(style), lines, line, stroke(style), c);
    }

    static LegendTitle legendTitle(LegendItemCollection items) {
        LegendTitle lt = new LegendTitle(() -> items, new org.jfree.chart.block.ColumnArrangement(),
                new org.jfree.chart.block.ColumnArrangement());
        lt.setItemFont(FigureStyle.LEGEND_FONT);
        lt.setFrame(BlockBorder.NONE);
        lt.setBackgroundPaint(Color.WHITE);
        lt.setItemLabelPadding(new RectangleInsets(1, 4, 1, 2));
        return lt;
    }

    private static XYItemRenderer renderer(Panel.Style style, Color color) {
        XYLineAndShapeRenderer r = style == Panel.Style.STEP ? new XYStepRenderer() : new XYLineAndShapeRenderer();
        r.setDrawSeriesLineAsPath(true); // one path per series: smooth dashes, compact SVG
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, stroke(style));
        r.setSeriesLinesVisible(0, style != Panel.Style.SCATTER);
        boolean shapes = style == Panel.Style.SCATTER || style == Panel.Style.LINE_MARKERS;
        r.setSeriesShapesVisible(0, shapes);
        if (shapes) r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        return r;
    }

    static Stroke stroke(Panel.Style s) {
        switch (s) {
            case DASHED: return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 3f}, 0f);
            case DOTTED: return new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 3f}, 0f);
            default: return new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        }
    }

    /** A graphics context for measuring text (as the PNG draws it: antialiased). */
    static Graphics2D measuring() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /** Log axes carry log10 of the data; the ticks are labelled with the values. */
    static double tx(double v, boolean log) { return log ? Math.log10(v) : v; }

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
        FontMetrics fm = g.getFontMetrics(FigureStyle.MARK_FONT);
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
        List<Panel.Marker> ms = new ArrayList<>();
        for (Panel.Marker m : p.markers) if (!(p.logX && m.x() <= 0)) ms.add(m);
        double[] frac = new double[ms.size()];
        String[] labels = new String[ms.size()];
        for (int i = 0; i < ms.size(); i++) {
            frac[i] = (tx(ms.get(i).x(), p.logX) - xr[0]) / (xr[1] - xr[0]);
            labels[i] = MathText.plain(ms.get(i).label());
        }
        int[] row = stagger(frac, labels, plotWidth);
        for (int i = 0; i < ms.size(); i++) {
            Color mc = ms.get(i).color() != null ? ms.get(i).color() : MARKER;
            ValueMarker vm = new ValueMarker(tx(ms.get(i).x(), p.logX), mc,
                    new BasicStroke(1.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
            if (labels[i] != null && !labels[i].isEmpty()) {
                boolean right = frac[i] > 0.9; // near the right edge the label goes left of its line
                vm.setLabel(labels[i]);
                vm.setLabelFont(FigureStyle.MARK_FONT);
                vm.setLabelPaint(mc);
                vm.setLabelBackgroundColor(new Color(255, 255, 255, 200));
                vm.setLabelAnchor(right ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
                vm.setLabelTextAnchor(right ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
                vm.setLabelOffset(new RectangleInsets(3 + 14 * row[i], 2, 0, 2));
            }
            plot.addDomainMarker(0, vm, Layer.FOREGROUND, false);
        }
    }

    private static void addBands(XYPlot plot, Panel p, double[] xr, double plotWidth) {
        List<Panel.Band> bs = new ArrayList<>();
        for (Panel.Band b : p.bands) if (!(p.logX && b.x1() <= 0)) bs.add(b);
        double[] frac = new double[bs.size()], x0 = new double[bs.size()];
        String[] labels = new String[bs.size()];
        for (int i = 0; i < bs.size(); i++) {
            Panel.Band b = bs.get(i);
            x0[i] = p.logX ? tx(Math.max(b.x0(), Math.pow(10, xr[0])), true) : b.x0();
            frac[i] = (Math.max(x0[i], xr[0]) - xr[0]) / (xr[1] - xr[0]);
            labels[i] = MathText.plain(b.label());
        }
        int[] row = stagger(frac, labels, plotWidth);
        for (int i = 0; i < bs.size(); i++) {
            Color c = SHADES[i % SHADES.length];
            IntervalMarker im = new IntervalMarker(x0[i], tx(bs.get(i).x1(), p.logX), new Color(c.getRed(), c.getGreen(), c.getBlue(), 38));
            im.setOutlinePaint(null);
            im.setAlpha(1f); // the paint carries the tint's alpha
            if (labels[i] != null && !labels[i].isEmpty()) {
                im.setLabel(labels[i]);
                im.setLabelFont(FigureStyle.MARK_FONT);
                im.setLabelPaint(c.darker());
                boolean right = frac[i] > 0.85; // near the right edge the label ends where the band ends
                im.setLabelBackgroundColor(new Color(255, 255, 255, 0));
                im.setLabelAnchor(right ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.BOTTOM_LEFT);
                im.setLabelTextAnchor(right ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
                im.setLabelOffset(new RectangleInsets(0, 3, 3 + 14 * row[i], 3));
            }
            plot.addDomainMarker(0, im, Layer.BACKGROUND, false);
        }
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
