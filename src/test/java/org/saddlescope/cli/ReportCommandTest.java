package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir Path dir;

    @Test
    void buildsReportOrFailsWithBadInput() throws Exception {
        Files.writeString(dir.resolve("metrics.csv"), "step,loss\n0,1.0\n1,0.123456789\n2,0.5");  // last line still being written
        Files.writeString(dir.resolve("manifest.json"), "{}\n"); // a run folder: report writes only into runs
        assertEquals(Main.OK, Main.execute("report", dir.toString(), "--title", "T", "--quiet"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<td>1</td>") && html.contains(">0.1235</td>"), "numbers rounded to 4 significant digits");
        assertTrue(html.contains("<h1>T</h1>"));
        // --out: the report and its figures go there; the run folder keeps its files as they were
        Path elsewhere = dir.resolve("../elsewhere").normalize();
        long before = Files.getLastModifiedTime(dir.resolve("report.html")).toMillis();
        assertEquals(Main.OK, Main.execute("report", dir.toString(), "--out", elsewhere.toString(), "--quiet"));
        assertTrue(Files.exists(elsewhere.resolve("report.html")));
        assertEquals(before, Files.getLastModifiedTime(dir.resolve("report.html")).toMillis());
        assertEquals(Main.BAD_INPUT, Main.execute("report", dir.resolve("missing").toString()));
        assertEquals(Main.BAD_INPUT, Main.execute("report", dir.toString(), "--rows", "0"));
        assertEquals(Main.BAD_INPUT, Main.execute("report"));
    }
}
