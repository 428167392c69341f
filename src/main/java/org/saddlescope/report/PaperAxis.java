package org.saddlescope.report;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A number axis whose ticks come from {@link Ticks}; on a log axis it carries log10 of the data. Its label may hold
 * math ({@link MathText}: W_ℓ, s_i², Σ_{i≥2}), drawn with real sub- and superscripts. An integer axis (depth, layer,
 * index: every value on it a whole number) gets ticks at whole numbers only.
 */
final class PaperAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;
    private final boolean log;
    double[] fixed; // labelled ticks at these values only, when set
    boolean integer;

    PaperAxis(String label, boolean log) {
        super(MathText.plain(label));
        this.log = log;
        if (!MathText.unicodeOnly(label)) setAttributedLabel(MathText.attributed(label, FigureStyle.LABEL_FONT));
        setAutoRange(false);
        setLabelFont(FigureStyle.LABEL_FONT);
        setTickLabelFont(FigureStyle.TICK_FONT);
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
                : log ? Ticks.log(Math.pow(10, lo), Math.pow(10, hi), len, size, gap)
                : integer ? Ticks.integer(lo, hi, len, size, gap) : Ticks.linear(lo, hi, len, size, gap);
        TextAnchor anchor = horizontal ? TextAnchor.TOP_CENTER : TextAnchor.CENTER_RIGHT;
        List out = new ArrayList();
        for (Ticks.Tick t : ts) {
            if (t.at() < lo - 1e-9 * Math.max(1, Math.abs(lo)) || t.at() > hi + 1e-9 * Math.max(1, Math.abs(hi))) continue;
            out.add(new NumberTick(t.major() ? TickType.MAJOR : TickType.MINOR, t.at(), t.label(), anchor, anchor, 0.0));
        }
        return out;
    }
}
