package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.report.Table;

/** Two short runs of the three-mode teacher that differ in depth, side by side. */
class CompareCommandTest {
    @Test
    void comparesRunsIntoAFolderWithItsOwnReport(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("depth4"), b = tmp.resolve("depth3"), out = tmp.resolve("cmp");
        assertEquals(Main.OK, Main.execute("train", "--preset", "teacher-saddles", "--steps", "3000", "--out", a.toString(), "--quiet"));
        assertEquals(Main.OK, Main.execute("train", "--preset", "teacher-saddles", "--steps", "3000", "--hidden", "16,16",
                "--out", b.toString(), "--quiet"));
        assertEquals(Main.OK, Main.execute("compare", a.toString(), b.toString(), "--out", out.toString(), "--quiet"));
        for (String f : new String[] {"report.html", "compare.csv", "figures/compare_loss.png", "figures/compare_loss.svg",
                "figures/compare_loss.pdf", "figures/compare_spectra.png"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        Table t = Table.read(out.resolve("compare.csv"));
        assertEquals(2, t.rows());
        String csv = Files.readString(out.resolve("compare.csv"));
        assertTrue(csv.contains("\"hidden=[16, 16, 16]\"") && csv.contains("\"hidden=[16, 16]\""),
                "labelled by what differs between the configs: " + csv);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Plateaus and escapes of each run") && html.contains("fig-compare_spectra"));
        // bad input: one run, a folder that is no run, labels that do not match
        assertEquals(Main.BAD_INPUT, Main.execute("compare", a.toString()));
        assertEquals(Main.BAD_INPUT, Main.execute("compare", a.toString(), tmp.resolve("nope").toString(), "--out", out.toString()));
        assertEquals(Main.BAD_INPUT, Main.execute("compare", a.toString(), b.toString(), "--labels", "x", "--out", out.toString()));
        assertEquals(Main.BAD_INPUT, Main.execute("compare", a.toString(), b.toString(), "--out", a.resolve("inside").toString()));
        // issue 22: --out is made as a run folder is (new or empty, staged, locked): a folder holding anything is left alone
        String before = Files.readString(out.resolve("compare.csv"));
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("compare", a.toString(), b.toString(), "--out", out.toString()), "not empty");
        assertEquals(before, Files.readString(out.resolve("compare.csv")));
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".cmp.staging")), "a staging folder was left");
        }
    }
}
