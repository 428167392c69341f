package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Idx;
import org.saddlescope.report.Table;

/** train --preset with spectra flags, reproduce fashion-quick on real data, and their bad-input exits. */
class SaddleCommandsTest {

    @Test
    void trainWithTheTeacherPresetWritesSpectraFiguresAndReport(@TempDir Path tmp) {
        Path out = tmp.resolve("t");
        CommandLineTest.Run r = CommandLineTest.run("train", "--preset", "teacher-saddles", "--steps", "3000", "--spectra-k", "3",
                "--spectra-every", "steps:100", "--out", out.toString(), "--threads", "1", "--quiet");
        assertEquals(Main.OK, r.code(), r.err());
        Table spectra = Table.read(out.resolve("spectra.csv"));
        // step 0, then every 100 steps to 3000: 31 snapshots × 4 layers × 3 values
        assertEquals(31 * 4 * 3, spectra.rows());
        for (String f : new String[] {"spectra", "spectra_log", "layer_spectra", "loss_plateaus", "loss_snapshots"}) {
            assertTrue(Files.exists(out.resolve("figures/" + f + ".png")), f);
            assertTrue(Files.exists(out.resolve("figures/" + f + ".svg")), f);
        }
        assertTrue(Files.exists(out.resolve("report.html")));
    }

    @Test
    void badSpectraCadenceIsBadInput(@TempDir Path tmp) {
        CommandLineTest.Run r = CommandLineTest.run("train", "--preset", "teacher-saddles", "--steps", "10",
                "--spectra-every", "sometimes", "--out", tmp.resolve("x").toString(), "--quiet");
        CommandLineTest.assertOneLineBadInput(r, "spectra_every");
    }

    @Test
    void fashionQuickWithoutTheDatasetIsBadInput(@TempDir Path tmp) {
        CommandLineTest.Run r = CommandLineTest.run("reproduce", "fashion-quick", "--data", tmp.resolve("nothing").toString(),
                "--out", tmp.resolve("x").toString(), "--quiet");
        CommandLineTest.assertOneLineBadInput(r, "Fashion-MNIST not found");
    }

    /**
     * Real data (CI installs Debian's dataset-fashion-mnist): a short fashion-quick run escapes the origin close to
     * gradient flow. The preset's plateau ends near step 5900 (measured, seed 0, float32); 9000 steps leave room
     * for the escape (it ends near 6800).
     */
    @Test
    void fashionQuickFindsTheFirstEscapeCloseToTheFlow(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Idx.FASHION_MNIST_DIR),
                "Fashion-MNIST not installed at " + Idx.FASHION_MNIST_DIR + " (apt-get install dataset-fashion-mnist); skipping the real-data run");
        Path out = tmp.resolve("mq");
        CommandLineTest.Run r = CommandLineTest.run("reproduce", "fashion-quick", "--steps", "9000", "--out", out.toString(),
                "--threads", "1", "--quiet");
        assertEquals(Main.OK, r.code(), r.err());
        Table escapes = Table.read(out.resolve("escapes.csv"));
        assertTrue(escapes.rows() >= 1, "no escape found; see " + out.resolve("loss_smoothed.csv"));
        // The first escape leaves the origin's loss log 10 (cross-entropy of 10 classes at Y = 0).
        assertEquals(Math.log(10), escapes.column("loss_before")[0], 0.01);
        assertTrue(escapes.column("loss_after")[0] < 2.1);
        assertTrue(Table.read(out.resolve("spectra.csv")).rows() > 0);
        for (String f : new String[] {"spectra", "layer_spectra", "loss_plateaus", "loss_snapshots"}) {
            assertTrue(Files.exists(out.resolve("figures/" + f + ".png")), f);
        }
        assertTrue(Files.exists(out.resolve("low_rank_by_depth.md")));
        assertTrue(Files.exists(out.resolve("low_rank_learned.md")));
        // what makes it the quick run for flow claims: layer imbalances stay within 5% of ‖θ‖² up to the escape
        JsonNode ff = new ObjectMapper().readTree(out.resolve("flow_faithful.json").toFile());
        assertTrue(ff.get("flow_faithful").asBoolean(), ff.get("verdict").asText());
        assertTrue(Files.exists(out.resolve("report.html")));
    }
}
