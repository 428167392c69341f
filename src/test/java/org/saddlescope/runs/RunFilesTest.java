package org.saddlescope.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last row of a CSV read from its ends is the last row with text of the whole file read from the start. */
class RunFilesTest {
    @Test
    void lastRowIsTheLastOfAllRows(@TempDir Path tmp) throws Exception {
        String[] files = {
                "step,loss,note\n1,0.5,a\n2,0.25,\"x,y\"\n",          // quoted comma in the last row
                "step,loss\r\n1,0.5\r\n2,0.25\r\n",                   // CRLF
                "step,loss\n1,0.5\n2,0.25\n\n\n",                      // trailing blank lines
                "step,loss\n1,0.5\n2,0.125",                           // no final newline
                "step,σ\n7,0.1\n"};                                    // UTF-8 in the header
        for (String text : files) {
            Path f = Files.writeString(tmp.resolve("m.csv"), text);
            // blank lines read as rows of empty cells; the last row is the last line with text
            List<Map<String, String>> all = RunFiles.rows(f).stream().filter(r -> r.values().stream().anyMatch(v -> !v.isEmpty())).toList();
            assertEquals(all.get(all.size() - 1), RunFiles.lastRow(f), text);
        }
        assertTrue(RunFiles.lastRow(Files.writeString(tmp.resolve("h.csv"), "step,loss\n")).isEmpty(), "a header alone has no row");
        assertTrue(RunFiles.lastRow(tmp.resolve("absent.csv")).isEmpty());
    }
}
