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
        Files.writeString(dir.resolve("metrics.csv"), "step,loss\n0,1.0\n");
        assertEquals(Main.OK, Main.execute("report", dir.toString(), "--title", "T", "--quiet"));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("<td>1.0</td>"));
        assertEquals(Main.BAD_INPUT, Main.execute("report", dir.resolve("missing").toString()));
        assertEquals(Main.BAD_INPUT, Main.execute("report", dir.toString(), "--rows", "0"));
        assertEquals(Main.BAD_INPUT, Main.execute("report"));
    }
}
