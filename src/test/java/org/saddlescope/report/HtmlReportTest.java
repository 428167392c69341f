package org.saddlescope.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @TempDir Path dir;

    /** Every non-void tag is closed in order (a structural check; the page is HTML5, not XML). */
    static void assertBalanced(String html) {
        Set<String> voids = Set.of("meta", "img", "br", "hr", "link", "input");
        Deque<String> open = new ArrayDeque<>();
        Matcher m = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>").matcher(html.replaceAll("(?s)<style>.*?</style>", "<style></style>"));
        while (m.find()) {
            String tag = m.group(2).toLowerCase();
            if (voids.contains(tag)) continue;
            if (m.group(1).isEmpty()) open.push(tag);
            else assertEquals(tag, open.isEmpty() ? "(nothing open)" : open.pop(), "closing tag matches the open one");
        }
        assertTrue(open.isEmpty(), "unclosed: " + open);
    }

    @Test
    void reportShowsFiguresTablesSummariesAndEscapes() throws Exception {
        Files.writeString(dir.resolve("manifest.json"), "{\"command\":\"train\",\"seed\":7,\"machine\":{\"cores\":2},\"note\":\"<script>x</script>\"}");
        Files.writeString(dir.resolve("config.yaml"), "dataset: fashion-mnist\nhidden: [10, 10]\ncomment: a < b & c\n");
        StringBuilder csv = new StringBuilder("step,loss,label\n");
        for (int i = 0; i < 30; i++) csv.append(i).append(',').append(1.0 / (i + 1)).append(",\"a,b\"\n");
        Files.writeString(dir.resolve("metrics.csv"), csv.toString());
        Files.createDirectories(dir.resolve("escape"));
        Files.writeString(dir.resolve("escape/layers.json"), "{\"tail_ratio\":[0.1,0.01]}");
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/state.json"), "{\"hidden\":1}");
        Files.createDirectories(dir.resolve("figures"));
        Figures.save(Figures.panel("loss", "step", "loss").line("train", new double[] {1, 2, 3}), dir.resolve("figures"), "loss");

        Path out = new HtmlReport(dir).title("Run <1>").note("First escape & more").maxRows(20).write();
        assertEquals(dir.resolve("report.html"), out);
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertBalanced(html);
        assertTrue(html.contains("<h1>Run &lt;1&gt;</h1>"));
        assertTrue(html.contains("First escape &amp; more"));
        assertFalse(html.contains("<script>"), "manifest values are escaped");
        assertTrue(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assertTrue(html.contains("<img src=\"figures/loss.png\""));
        assertTrue(html.contains("width=\"800\" height=\"500\""), "the 2x PNG shown at its nominal size");
        assertTrue(html.contains("href=\"figures/loss.svg\"") && html.contains("href=\"figures/loss.pdf\""));
        assertTrue(html.contains("<b>Figure 1.</b>"));
        assertTrue(html.contains("<th>step</th><th>loss</th><th>label</th>"));
        assertTrue(html.contains("<td>a,b</td>"), "quoted CSV cells stay whole");
        assertTrue(html.contains("<td title=\"0.3333333333333333\">0.3333</td>"), "rounded, full value on hover");
        assertTrue(html.contains("30 rows, first 20 shown"));
        assertEquals(20, html.split("<td>a,b</td>", -1).length - 1);
        assertTrue(html.contains("escape/layers.json") && html.contains("tail_ratio"));
        assertFalse(html.contains("state.json"), "checkpoints are not summaries");
        assertTrue(html.contains("comment: a &lt; b &amp; c"));
        assertTrue(html.contains("<td>7</td>"));
        // summary first, provenance (manifest, config) last
        assertTrue(html.indexOf("id=\"summary\"") < html.indexOf("id=\"figures\""));
        assertTrue(html.indexOf("id=\"tables\"") < html.indexOf("id=\"provenance\""));
        assertTrue(html.indexOf("<summary>manifest.json</summary>") > html.indexOf("id=\"provenance\""));
    }

    @Test
    void emptyFolderStillGivesAPage() throws Exception {
        String html = new HtmlReport(dir).render();
        assertBalanced(html);
        assertTrue(html.contains("no manifest.json") && html.contains("no figures") && html.contains("no CSV tables"));
    }

    @Test
    void sectionsFromRegisteredSourcesComeBeforeTheFigures() throws Exception {
        Files.createDirectories(dir.resolve("figures"));
        Figures.save(Figures.panel("bounds", "layer", "ratio").line("bound", new double[] {1, 2, 3}), dir.resolve("figures"), "theory_bounds");
        Figures.save(Figures.panel("loss", "step", "loss").line("train", new double[] {1, 2, 3}), dir.resolve("figures"), "loss");
        Files.writeString(dir.resolve("theory.csv"), "layer,bound\n1,0.5\n");
        HtmlReport.SectionSource source = run -> Files.exists(run.resolve("theory.csv"))
                ? java.util.Optional.of(new HtmlReport.Section("theory", "Theory against the run", java.util.List.of("Bound holds."),
                        java.util.List.of("theory_bounds"), java.util.List.of("theory.csv")))
                : java.util.Optional.empty();
        HtmlReport.register(source);
        try {
            String html = new HtmlReport(dir).render();
            assertBalanced(html);
            int section = html.indexOf("id=\"theory\""), figures = html.indexOf("id=\"figures\"");
            assertTrue(section > 0 && section < figures);
            assertTrue(html.indexOf("fig-theory_bounds") > section && html.indexOf("fig-theory_bounds") < figures, "its figure in the section");
            assertEquals(1, html.split("fig-theory_bounds", -1).length - 1, "and not again among the figures");
            assertEquals(1, html.split("<h3>theory.csv</h3>", -1).length - 1, "its table once");
        } finally {
            HtmlReport.unregister(source);
        }
    }

    @Test
    void numbersAreRoundedToFourSignificantDigits() {
        assertEquals("0.1235", Html.round(0.123456789));
        assertEquals("12346", Html.round(12345.678)); // integer digits are kept
        assertEquals("1.079e-04", Html.round(1.0786e-4));
        assertEquals("2", Html.round(2.0));
        assertEquals("40000", HtmlTables.cell("40000"));
        assertEquals("text", HtmlTables.cell("text"));
    }

    @Test
    void csvSplitting() {
        assertArrayEquals(new String[] {"a", "b,c", "d\"e", ""}, HtmlTables.splitCsv("a,\"b,c\",\"d\"\"e\","));
    }
}
