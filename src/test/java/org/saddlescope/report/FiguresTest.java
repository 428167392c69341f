package org.saddlescope.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class FiguresTest {
    @TempDir Path dir;

    static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }

    static Document svg(Path p) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        // the SVG names the W3C DTD; do not fetch it
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(p.toFile());
    }

    @Test
    void singlePanelWritesPngAndSvgWithMarkersWhereAsked() throws Exception {
        double[] x = range(101), y = new double[101];
        for (int i = 0; i <= 100; i++) y[i] = Math.exp(-i / 20.0);
        Panel p = Figures.panel("loss", "step", "loss").logY().line("train", x, y)
                .vline(50, "snapshot").shade(10, 20, "plateau");
        Figures.Saved s = Figures.save(p, dir, "loss");
        BufferedImage img = ImageIO.read(s.png().toFile());
        assertEquals(FigureStyle.PNG_SCALE * FigureStyle.WIDTH, img.getWidth());
        assertEquals(FigureStyle.PNG_SCALE * FigureStyle.HEIGHT, img.getHeight());
        Document d = svg(s.svg());
        assertEquals("svg", d.getDocumentElement().getNodeName());
        assertEquals("0 0 800 500", d.getDocumentElement().getAttribute("viewBox"));
        assertTrue(Files.size(s.pdf()) > 1000);

        // The marker line is drawn in #444444: the column that has most such pixels sits halfway between the
        // columns where the band (x in [10, 20]) starts and ends, scaled: x=50 is 4 band-widths right of x=10.
        int[] markerCount = new int[img.getWidth()], tint = new int[img.getWidth()];
        for (int c = 0; c < img.getWidth(); c++) {
            for (int r = 0; r < img.getHeight(); r++) {
                int rgb = img.getRGB(c, r) & 0xffffff;
                if (rgb == 0x444444) markerCount[c]++;
                int red = rgb >> 16, green = (rgb >> 8) & 0xff, blue = rgb & 0xff;
                // the first band's tint: Tableau blue (31, 119, 180) at alpha 38/255 over white = (222, 235, 244)
                if (Math.abs(red - 222) <= 3 && Math.abs(green - 235) <= 3 && Math.abs(blue - 244) <= 3) tint[c]++;
            }
        }
        int bandLeft = Integer.MAX_VALUE, bandRight = -1;
        for (int c = 0; c < img.getWidth(); c++) {
            if (tint[c] > img.getHeight() / 3) { bandLeft = Math.min(bandLeft, c); bandRight = Math.max(bandRight, c); }
        }
        int marker = 0;
        for (int c = 0; c < markerCount.length; c++) if (markerCount[c] > markerCount[marker]) marker = c;
        assertTrue(markerCount[marker] > 200, "a dashed vertical line over most of the plot height");
        assertTrue(bandRight > bandLeft, "band found");
        double perUnit = (bandRight - bandLeft) / 10.0;
        // ±3 px: antialiased edges and the line's own width
        assertEquals(bandLeft + 40 * perUnit, marker, 3 + 0.05 * perUnit * 40);
    }

    @Test
    void gridIsOneImageOfPanelsWithTitleBandAndOneSharedLegend() throws Exception {
        List<Panel> panels = new ArrayList<>();
        for (int l = 1; l <= 5; l++) {
            Panel p = Figures.panel("layer " + l, "step", "singular value").logX().logY().legend(false);
            for (int k = 1; k <= 10; k++) {
                double[] y = new double[30];
                for (int i = 0; i < 30; i++) y[i] = Math.exp(-k) * (1 + i);
                p.series("σ" + k, range(30), y, Panel.Style.LINE, Figures.indexColor(k)); // x = 0 is dropped on the log axis
            }
            panels.add(p);
        }
        Figures.Saved s = Figures.grid("Top singular values", panels, 3, dir, "spectra");
        BufferedImage img = ImageIO.read(s.png().toFile());
        // one legend for all panels, beside them; the whole as wide as the report's column (shown at 100%), panels
        // shrunk to fit it with their proportions, under the title band in two rows
        FigureFiles.Layout l = FigureFiles.layout("t", panels, 3, FigureStyle.PANEL_WIDTH, FigureStyle.PANEL_HEIGHT, true);
        assertTrue(l.legendWidth() > 30 && l.pw() < FigureStyle.PANEL_WIDTH && l.cols() == 3, l.toString());
        assertEquals(FigureStyle.PNG_SCALE * (3 * l.pw() + l.legendWidth()), img.getWidth());
        assertTrue(img.getWidth() <= FigureStyle.PNG_SCALE * FigureStyle.MAX_WIDTH, "fits the report: " + img.getWidth());
        assertEquals(FigureStyle.PNG_SCALE * (36 + 2 * l.ph()), img.getHeight());
        assertEquals((double) FigureStyle.PANEL_HEIGHT / FigureStyle.PANEL_WIDTH, (double) l.ph() / l.pw(), 0.01);
        String text = Files.readString(s.svg());
        assertEquals(10, text.split(">σ\\d+<", -1).length - 1, "each index once in the shared legend");
        assertTrue(Files.size(s.svg()) < 2_000_000, "SVG stays small: " + Files.size(s.svg()));
    }

    @Test
    void scatterHistogramEmptyAndBadInput() throws IOException {
        double[] v = new double[500];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        Figures.save(Figures.panel("h", "value", "count").histogram("values", v, 20), dir, "hist");
        Figures.save(Figures.panel("s", "x", "y").scatter("pts", v, v), dir, "scatter");
        Figures.save(Figures.panel("nothing", "x", "y").logY().line("all negative", range(3), new double[] {-1, -2, -3}), dir, "empty");
        Figures.save(Figures.panel("nan", "x", "y").line("gaps", range(4), new double[] {1, Double.NaN, 3, Double.POSITIVE_INFINITY}), dir, "nan");
        for (String f : new String[] {"hist", "scatter", "empty", "nan"}) {
            assertTrue(Files.size(dir.resolve(f + ".png")) > 1000);
            assertTrue(Files.size(dir.resolve(f + ".svg")) > 1000);
            assertTrue(Files.size(dir.resolve(f + ".pdf")) > 1000);
        }
        assertTrue(Files.readString(dir.resolve("empty.svg")).contains(">no data<"));
        assertThrows(IllegalArgumentException.class, () -> Figures.panel("", "", "").line("a", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> Figures.panel("", "", "").line("a", range(2)).line("a", range(2)));
        assertThrows(IllegalArgumentException.class, () -> Figures.grid("t", List.of(), 2, dir, "x"));
        assertThrows(IllegalArgumentException.class, () -> Figures.save(Figures.panel("", "", ""), dir, "a/b"));
    }

    @Test
    void thinningKeepsExtremesAndOrder() {
        int n = 100_000;
        double[] x = range(n), y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.sin(i / 1000.0);
        y[12345] = 50;
        y[77777] = -50;
        double[][] t = PanelChart.thin(x, y, n);
        assertTrue(t[0].length <= PanelChart.MAX_POINTS);
        double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < t[1].length; i++) { max = Math.max(max, t[1][i]); min = Math.min(min, t[1][i]); }
        assertEquals(50, max, 0.0);
        assertEquals(-50, min, 0.0);
        for (int i = 1; i < t[0].length; i++) assertTrue(t[0][i] > t[0][i - 1], "x stays increasing");
        double[][] small = PanelChart.thin(range(10), range(10), 10);
        assertArrayEquals(range(10), small[1], 0.0);
    }

    @Test
    void svgKeepsTextAsTextAndCoordinatesShort() throws Exception {
        double[] x = range(200), y = new double[200];
        for (int i = 0; i < 200; i++) y[i] = Math.exp(-i / 30.0) + 1e-3;
        Figures.Saved s = Figures.save(Figures.panel("Loss", "step", "loss").logY().line("train", x, y), dir, "t");
        String svg = Files.readString(s.svg());
        assertTrue(svg.contains(">0.01<") && svg.contains(">0.1<") && svg.contains(">1<"), "decade labels as <text>");
        assertTrue(svg.contains(">step<") && svg.contains(">Loss<"), "axis label and title as <text>");
        // in attribute values (coordinates, paths, strokes), not in the tick labels' text
        assertFalse(java.util.regex.Pattern.compile("='[^']*\\d\\.\\d{3,}").matcher(svg).find(), "coordinates rounded to 1/100 px");
        byte[] pdf = Files.readAllBytes(s.pdf());
        assertEquals("%PDF", new String(pdf, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(pdf.length > 2000);
    }

    @Test
    void theSameFigureGivesTheSameBytes() throws Exception {
        double[] x = range(50), y = new double[50];
        for (int i = 0; i < 50; i++) y[i] = Math.exp(-i / 10.0);
        Figures.Saved a = Figures.save(Figures.panel("Loss", "step", "loss").logY().line("train", x, y).vline(20, "E1"), dir, "a");
        Thread.sleep(1100); // the PDF's dates are to the second
        Figures.Saved b = Figures.save(Figures.panel("Loss", "step", "loss").logY().line("train", x, y).vline(20, "E1"), dir, "b");
        assertArrayEquals(Files.readAllBytes(a.svg()), Files.readAllBytes(b.svg()));
        assertArrayEquals(Files.readAllBytes(a.pdf()), Files.readAllBytes(b.pdf()));
        assertArrayEquals(Files.readAllBytes(a.png()), Files.readAllBytes(b.png()));
    }

    @Test
    void twoDecimalsIsShortAndExact() {
        assertEquals("0", FigureFiles.twoDecimals(0.001));
        assertEquals("1.5", FigureFiles.twoDecimals(1.4999));
        assertEquals("-12.07", FigureFiles.twoDecimals(-12.0712));
        assertEquals("1234567.89", FigureFiles.twoDecimals(1234567.891));
    }

    @Test
    void gridsFitTheReportAndNoTextIsSmall() {
        List<Panel> six = new ArrayList<>();
        for (int k = 0; k < 6; k++) six.add(Figures.panel("p" + k, "x", "y").line("a", range(5)).line("b", range(5)));
        for (int cols = 1; cols <= 6; cols++) {
            FigureFiles.Layout l = FigureFiles.layout("t", six, cols, FigureStyle.PANEL_WIDTH, FigureStyle.PANEL_HEIGHT, true);
            assertTrue(l.width() <= FigureStyle.MAX_WIDTH && l.pw() >= FigureStyle.MIN_PANEL_WIDTH, cols + " columns: " + l);
        }
        for (java.awt.Font f : List.of(FigureStyle.TITLE_FONT, FigureStyle.PANEL_TITLE_FONT, FigureStyle.LABEL_FONT, FigureStyle.TICK_FONT,
                FigureStyle.LEGEND_FONT, FigureStyle.MARK_FONT)) {
            assertTrue(f.getSize() >= FigureStyle.SMALLEST_FONT, f.toString());
        }
        assertTrue(FigureStyle.SMALLEST_FONT >= 11, "11 px at 100% zoom is the least a reader should get");
        assertTrue(FigureStyle.MAX_WIDTH <= 1180 - 2 * 16, "report.html's column is 1180 px wide with 1.5 em padding");
    }

    @Test
    void aPanelWithSeveralSeriesAlwaysHasALegend() throws Exception {
        // a one-panel grid whose panel gave its legend to the grid (as layer_spectra's with one snapshot): its own
        Panel p = Figures.panel("End of training", "index i", "σ_i").logY().legend(false);
        for (int l = 1; l <= 3; l++) p.series("W_" + l, new double[] {1, 2, 3}, new double[] {3.0 / l, 2.0 / l, 1.0 / l}, Panel.Style.LINE_MARKERS, null);
        String text = Files.readString(Figures.grid("Singular values of every layer", List.of(p), 1, dir, "one").svg());
        for (String w : List.of(">W₁<", ">W₂<", ">W₃<")) assertTrue(text.contains(w), w + " in the legend");
    }

    @Test
    void integerAxesHaveWholeTicksAndMathIsRendered() throws Exception {
        Panel p = Figures.panel("Tail ratio of W_ℓ, mean over layers", "depth L", "Σ_{i≥2} s_i² / Σ s_i²")
                .series("W_ℓ", new double[] {3, 4, 5, 6}, new double[] {0.4, 0.3, 0.2, 0.1}, Panel.Style.LINE_MARKERS, null)
                .series("σ(Z_ℓ)", new double[] {3, 4, 5, 6}, new double[] {0.3, 0.25, 0.2, 0.15}, Panel.Style.LINE_MARKERS, null);
        String text = Files.readString(Figures.save(p, dir, "depth").svg());
        for (String half : List.of(">3.5<", ">4.5<", ">3.2<", ">5.5<")) assertFalse(text.contains(half), "a fractional depth tick " + half);
        for (String whole : List.of(">3<", ">4<", ">5<", ">6<")) assertTrue(text.contains(whole), whole);
        assertFalse(text.contains("_{") || text.contains("s_i") || text.contains("W_ℓ"), "raw markup drawn");
        assertTrue(text.contains(">Wₗ<") && text.contains(">σ(Zₗ)<"), "legend in Unicode subscripts");
        assertTrue(text.contains(">Tail ratio of Wₗ, mean over layers<"), "a title Unicode can write stays text");
    }

    @Test
    void aLogAxisSaysWhatItCannotShow() throws Exception {
        Panel p = Figures.panel("speed", "step", "s").log(true, true)
                .line("s_unit", new double[] {0, 1, 10, 100, 1000}, new double[] {-3e-8, -1e-8, 6e-8, 1e-5, 2.6e-4});
        String text = Files.readString(Figures.save(p, dir, "speed").svg());
        assertTrue(text.contains("sᵤₙᵢₜ (1 ≤ 0 not shown)"), "the negative speed at x > 0 is counted; x = 0 is off a log axis anyway");
    }
}
