package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.io.Json;

class EscapeCommandTest {

    @Test
    void reproduceExample1WritesTablesAndFigures(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ex1");
        int code = Main.execute("reproduce", "example1", "--widths", "8", "--runs", "4", "--steps", "300", "--curve-points", "16",
                "--compare-runs", "1", "--compare-iterations", "50", "--out", out.toString(), "-q", "--threads", "2");
        assertEquals(Main.OK, code);
        for (String f : List.of("success.csv", "speeds.csv", "equation6.csv", "rank_two.json", "summary.json", "config.yaml",
                "manifest.json", "figures/equation6.png", "figures/equation6.svg", "figures/success_fraction.png",
                "figures/final_speeds.svg", "figures/solvers.png", "weights/best.npz")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        double speed = org.saddlescope.io.Json.JSON.readTree(out.resolve("rank_two.json").toFile()).get("speed").asDouble();
        assertEquals(0.5, speed, 1e-15); // sin/cos of multiples of π/4 are exact to an ulp
        assertEquals("0.5", org.saddlescope.experiments.Example1Run.num(speed)); // what the command prints
        // config.yaml reruns it
        Path again = dir.resolve("again");
        assertEquals(Main.OK, Main.execute("reproduce", "example1", "--config", out.resolve("config.yaml").toString(),
                "--out", again.toString(), "-q"));
        assertEquals(Files.readAllLines(out.resolve("success.csv")).size(), Files.readAllLines(again.resolve("success.csv")).size());
    }

    @Test
    void numbersPrintShort() {
        assertEquals("0.5", org.saddlescope.experiments.Example1Run.num(0.5));
        assertEquals("0.5", org.saddlescope.experiments.Example1Run.num(0.49999999999999994));
        assertEquals("0.414213562373", org.saddlescope.experiments.Example1Run.num(Math.sqrt(2) - 1));
    }

    @Test
    void escapeWithDepthExtensionNeverLosesSpeed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("esc");
        int code = Main.execute("escape", "--data", "example1", "--depth", "2", "--width", "6", "--restarts", "4",
                "--iterations", "300", "--extend-to", "4", "--out", out.toString(), "-q");
        assertEquals(Main.OK, code);
        List<String> rows = Files.readAllLines(out.resolve("depth_sweep.csv"));
        assertEquals(4, rows.size()); // header + depths 2, 3, 4
        double prev = 0;
        for (String r : rows.subList(1, rows.size())) {
            double best = Double.parseDouble(r.split(",")[4]);
            assertTrue(best >= prev - 1e-12, "best speed decreased with depth: " + rows);
            prev = best;
        }
        for (String f : List.of("restarts.csv", "layers.csv", "diagnostics.json", "weights/best.npz", "figures/layers.png",
                "figures/depth_sweep.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void badInputExitsWithTwo(@TempDir Path dir) {
        assertEquals(Main.BAD_INPUT, Main.execute("escape", "--solver", "newton", "--out", dir.resolve("a").toString(), "-q"));
        assertEquals(Main.BAD_INPUT, Main.execute("escape", "--config", dir.resolve("missing.yaml").toString(), "-q"));
        assertEquals(Main.BAD_INPUT, Main.execute("reproduce", "example1", "--widths", "0", "-q"));
        assertEquals(Main.BAD_INPUT, Main.execute("escape", "--data", "nosuchdata", "-q"));
    }
}
