package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict end to end on a small teacher: its files, its speeds, the plateau ends, bad input. */
class PredictCommandTest {

    @Test
    void predictWritesItsFolderAndItsNumbersHang(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("p");
        int code = Main.execute("predict", "--out", out.toString(), "--quiet", "--dataset", "teacher:n=48,d=6,out=2,width=8",
                "--hidden", "8,8,8", "--cost", "mse", "--init-scale", "0.05", "--lr", "0.05", "--lr-power", "2",
                // no --steps: predict needs no training budget (issue 20)
                "--search-width", "4", "--restarts", "1", "--iterations", "60", "--refine-iterations", "10", "--plateau-subset", "0",
                "--plateau-tolerance", "1e-6", "--threads", "1");
        assertEquals(0, code);
        for (String f : List.of("config.yaml", "manifest.json", "prediction.json", "candidates.csv", "layers.csv", "new_units.csv",
                "plateau.csv", "plateau_reduced.csv", "plateau_simulation.csv", "weights/direction.npz", "report.html", "figures/prediction_layers.png",
                "figures/prediction_plateau.png")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        JsonNode p = new ObjectMapper().readTree(out.resolve("prediction.json").toFile());
        JsonNode d = p.get("direction");
        double s = d.get("speed").asDouble(), su = d.get("speed_unit").asDouble();
        assertEquals(s * Math.pow(4, -2), su, 1e-12 * su); // L = 4: s_unit = s·L^(−L/2)
        // the padded direction has the same L0 and norm (exact: zero units)
        JsonNode e = d.get("embedding");
        assertEquals(e.get("l0_small").asDouble(), e.get("l0_padded").asDouble(), 1e-12 * Math.abs(e.get("l0_small").asDouble()));
        assertEquals(4.0, e.get("norm_squared_padded").asDouble(), 1e-12);
        // the speed reported is the best candidate's on all the data
        double bestCandidate = 0;
        for (String line : Files.readAllLines(out.resolve("candidates.csv")).subList(1, 3)) {
            bestCandidate = Math.max(bestCandidate, Double.parseDouble(line.split(",")[3]));
        }
        assertTrue(s >= bestCandidate * (1 - 1e-6), s + " vs candidates " + bestCandidate);
        // the restarts ran at the search width, and candidates.csv says so (issue 20: it said 32)
        assertEquals("6-4-4-4-2", Files.readAllLines(out.resolve("candidates.csv")).get(2).split(",")[1]);
        assertFalse(Files.readString(out.resolve("config.yaml")).contains("steps:"), "the prediction's config has no budget");
        // plateau: the reduced model (localized loss) ends its plateau no earlier than Proposition 2.2 from an aligned
        // start (its norm grows at L·s_unit(φ) ≤ L·s*_unit, a theorem when s* is the optimum), nor does the simulation
        // of the flow (with mse the quadratic term only slows the loss further); later drops later; q/c steps (p = L − 2)
        double prev = 0;
        for (JsonNode end : p.get("plateau").get("ends")) {
            double reducedQ = end.get("reducedQ").asDouble(), simQ = end.get("simulatedQ").asDouble(), alignedQ = end.get("alignedQ").asDouble();
            assertTrue(reducedQ >= alignedQ && simQ >= alignedQ, end.toString());
            assertTrue(reducedQ > prev, end.toString());
            assertEquals(reducedQ / 0.05, end.get("reducedSteps").asDouble(), 1e-9 * reducedQ / 0.05);
            // before the onset the localized model is the cost to first order: the two agree (within the Euler steps' error)
            assertEquals(1, reducedQ / simQ, 0.05, end.toString());
            prev = reducedQ;
        }
    }

    @Test
    void badInputIsExitCodeTwoAndWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("bad");
        assertEquals(2, Main.execute("predict", "--out", out.toString(), "--quiet", "--dataset", "teacher", "--loss-drops", "1.5"));
        assertEquals(2, Main.execute("predict", "--out", out.toString(), "--quiet", "--dataset", "teacher", "--activation", "tanh"));
        assertFalse(Files.exists(out), "nothing written on bad input");
    }

    /** With the plateau models skipped (--plateau-subset -1) the result says so, not "q = NaN, NaN steps" or "up to null steps". */
    @Test
    void skippedPlateauModelsAreSaidToBeSkipped(@TempDir Path tmp) {
        CommandLineTest.Run r = CommandLineTest.run("predict", "--out", tmp.resolve("p").toString(), "--quiet", "--dataset",
                "teacher:n=24,d=4,out=2,width=4", "--hidden", "4,4", "--cost", "mse", "--search-width", "4", "--restarts", "1",
                "--iterations", "20", "--refine-iterations", "2", "--plateau-subset", "-1", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reduced model not run (--plateau-subset -1)"), r.out());
        assertTrue(r.out().contains("reduced model (prediction) not run or not reached"), r.out());
        assertTrue(!r.out().contains("null") && !r.out().contains("q = NaN"), r.out());
    }
}
