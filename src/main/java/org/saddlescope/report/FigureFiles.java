package org.saddlescope.report;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.Size2D;
import org.jfree.pdf.PDFDocument;
import org.jfree.pdf.PDFGraphics2D;
import org.jfree.pdf.PDFHints;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;
import org.saddlescope.io.AtomicFiles;

/**
 * A figure's layout and its three files: panels in rows under an optional title band, a shared legend at the right
 * when the panels share their series; painted once onto a PNG (at {@link FigureStyle#PNG_SCALE}×), an SVG (text stays
 * text, coordinates to 1/100 px) and a PDF (text as outlines), each written atomically with bytes that depend on
 * the figure only. A grid is laid out at most {@link FigureStyle#MAX_WIDTH} wide, so report.html shows it at 100% and
 * its fonts at their size.
 */
final class FigureFiles {
    private FigureFiles() {}

    private static final int TITLE_BAND = 36;

    /** Everything needed to paint a figure onto any Graphics2D. */
    record Layout(String title, List<Panel> panels, int cols, int rows, int pw, int ph, int top, int legendWidth,
                  LegendItemCollection shared, int width, int height) {}

    /**
     * Panels {@code columns} to a row at {@code pw} × {@code ph}; a grid wider than {@link FigureStyle#MAX_WIDTH} gets
     * narrower panels (not below {@link FigureStyle#MIN_PANEL_WIDTH}), then fewer columns.
     */
    static Layout layout(String title, List<Panel> panels, int columns, int pw, int ph, boolean grid) {
        int cols = Math.min(columns, panels.size());
        int top = title == null || title.isEmpty() ? 0 : TITLE_BAND;
        LegendItemCollection shared = panels.size() > 1 ? sharedLegend(panels) : null;
        int legendWidth = 0;
        if (shared != null) {
            Graphics2D g = PanelChart.measuring();
            Size2D size = PanelChart.legendTitle(shared).arrange(g, RectangleConstraint.NONE);
            g.dispose();
            legendWidth = (int) Math.ceil(size.getWidth()) + 16;
        }
        if (grid) {
            while (cols > 1 && (FigureStyle.MAX_WIDTH - legendWidth) / cols < FigureStyle.MIN_PANEL_WIDTH) cols--;
            int fit = (FigureStyle.MAX_WIDTH - legendWidth) / cols;
            if (fit < pw) {
                ph = (int) Math.round((double) ph * Math.max(fit, FigureStyle.MIN_PANEL_WIDTH) / pw);
                pw = Math.max(fit, FigureStyle.MIN_PANEL_WIDTH);
            }
        }
        int rows = (panels.size() + cols - 1) / cols;
        return new Layout(title, panels, cols, rows, pw, ph, top, legendWidth, shared, cols * pw + legendWidth, top + rows * ph);
    }

    /** Paints the figure into {@code png}, {@code svg} and {@code pdf}. */
    static void write(Layout l, Path png, Path svg, Path pdf) {
        BufferedImage img = new BufferedImage(l.width() * FigureStyle.PNG_SCALE, l.height() * FigureStyle.PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.scale(FigureStyle.PNG_SCALE, FigureStyle.PNG_SCALE);
        paint(g, l);
        g.dispose();
        ByteArrayOutputStream pngBytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", pngBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SVGGraphics2D sg = new SVGGraphics2D(l.width(), l.height());
        sg.setDefsKeyPrefix("f"); // the default prefix is a clock reading: the same figure must give the same bytes
        sg.setGeomDoubleConverter(FigureFiles::twoDecimals); // 1/100 px: invisible at any zoom, a third of the bytes
        sg.setTransformDoubleConverter(FigureFiles::twoDecimals);
        paint(sg, l);
        String svgText = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + sg.getSVGElement(null, true, new ViewBox(0, 0, l.width(), l.height()), null, null) + "\n";
        PDFDocument doc = new PDFDocument();
        doc.setTitle(MathText.plain(l.title() != null ? l.title() : l.panels().get(0).title));
        PDFGraphics2D pg = doc.createPage(new Rectangle2D.Double(0, 0, l.width(), l.height())).getGraphics2D();
        pg.setRenderingHint(PDFHints.KEY_DRAW_STRING_TYPE, PDFHints.VALUE_DRAW_STRING_TYPE_VECTOR); // Greek without fonts
        paint(pg, l);
        AtomicFiles.writeAtomically(png, pngBytes.toByteArray());
        AtomicFiles.writeAtomically(svg, svgText.getBytes(StandardCharsets.UTF_8));
        AtomicFiles.writeAtomically(pdf, fixedDates(doc.getPDFBytes()));
    }

    private static void paint(Graphics2D g, Layout l) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, l.width(), l.height()));
        if (l.top() > 0) title(g, l);
        for (int k = 0; k < l.panels().size(); k++) {
            Panel p = l.panels().get(k);
            Rectangle2D area = new Rectangle2D.Double((k % l.cols()) * l.pw(), l.top() + (k / l.cols()) * l.ph(), l.pw(), l.ph());
            // a panel that gives its legend to the grid shows its own when the grid has none to share
            boolean ownLegend = p.legend || l.shared() == null;
            PanelChart.chart(p, ownLegend, l.panels().size() == 1 ? RectangleEdge.RIGHT : RectangleEdge.BOTTOM, area.getWidth()).draw(g, area);
        }
        if (l.shared() != null) {
            LegendTitle lt = PanelChart.legendTitle(l.shared());
            Size2D size = lt.arrange(g, RectangleConstraint.NONE);
            double y = l.top() + Math.min(l.rows() * l.ph() / 2.0 - size.getHeight() / 2, 30);
            lt.draw(g, new Rectangle2D.Double(l.cols() * l.pw() + 4, Math.max(l.top(), y), size.getWidth(), size.getHeight()));
        }
    }

    private static void title(Graphics2D g, Layout l) {
        g.setFont(FigureStyle.TITLE_FONT);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        float y = (float) ((l.top() + fm.getAscent() - fm.getDescent()) / 2.0 + 2);
        if (MathText.unicodeOnly(l.title())) {
            String text = MathText.plain(l.title());
            g.drawString(text, (float) Math.max(4, (l.cols() * l.pw() - fm.stringWidth(text)) / 2.0), y);
            return;
        }
        var text = MathText.attributed(l.title(), FigureStyle.TITLE_FONT);
        double width = new TextLayout(text.getIterator(), g.getFontRenderContext()).getAdvance();
        g.drawString(text.getIterator(), (float) Math.max(4, (l.cols() * l.pw() - width) / 2.0), y);
    }

    /**
     * One legend for a grid whose panels all have {@code legend(false)} and use each series name with one colour;
     * null otherwise (or when there is at most one name).
     */
    private static LegendItemCollection sharedLegend(List<Panel> panels) {
        Map<String, Panel.Series> first = new LinkedHashMap<>();
        Map<String, Color> colors = new LinkedHashMap<>();
        for (Panel p : panels) {
            if (p.legend) return null;
            for (int si = 0; si < p.series.size(); si++) {
                Panel.Series s = p.series.get(si);
                Color c = PanelChart.color(s, si);
                Color had = colors.putIfAbsent(s.name(), c);
                if (had != null && !had.equals(c)) return null;
                first.putIfAbsent(s.name(), s);
            }
        }
        if (first.size() < 2) return null;
        LegendItemCollection items = new LegendItemCollection();
        for (Panel.Series s : first.values()) {
            if (!s.name().isBlank()) items.add(PanelChart.legendItem(MathText.plain(s.name()), s.style(), colors.get(s.name())));
        }
        return items;
    }

    private static final java.util.regex.Pattern PDF_DATE = java.util.regex.Pattern.compile("/(CreationDate|ModDate) \\(D:\\d{14}");

    /**
     * JFreePDF stamps the document info with the time of writing and has no setting for it; a rerun, a resume
     * must give the same bytes, so the 14 digits of each date become 1970-01-01 00:00:00 (same length: the xref
     * offsets stay right).
     */
    static byte[] fixedDates(byte[] pdf) {
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = PDF_DATE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) m.appendReplacement(out, "/" + m.group(1) + " (D:19700101000000");
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
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
}
