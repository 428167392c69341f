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
                "--steps", "2000", // a train config needs a budget; the prediction does not use it
                "--search-width", "4", "--restarts", "1", "--iterations", "60", "--refine-iterations", "10", "--plateau-subset", "0",
                "--plateau-tolerance", "1e-6", "--threads", "1");
        assertEquals(0, code);
        for (String f : List.of("config.yaml", "manifest.json", "prediction.json", "candidates.csv", "layers.csv", "new_units.csv",
                "plateau.csv", "plateau_flow.csv", "weights/direction.npz", "report.html", "figures/prediction_layers.png",
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
        // plateau: the flow from θ0 ends its plateau no earlier than Proposition 2.2 from an aligned start (which
        // grows ‖θ‖ at the largest rate; with mse the quadratic term only slows the loss further), later drops later
        double prevFlow = 0;
        for (JsonNode end : p.get("plateau").get("ends")) {
            double flowQ = end.get("flowQ").asDouble(), alignedQ = end.get("alignedQ").asDouble();
            assertTrue(flowQ >= alignedQ, end.toString());
            assertTrue(flowQ > prevFlow, end.toString());
            assertEquals(flowQ / 0.05, end.get("flowSteps").asDouble(), 1e-9 * flowQ / 0.05); // p = L − 2: q/c steps
            prevFlow = flowQ;
        }
    }

    @Test
    void badInputIsExitCodeTwoAndWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("bad");
        assertEquals(2, Main.execute("predict", "--out", out.toString(), "--quiet", "--dataset", "teacher", "--loss-drops", "1.5"));
        assertEquals(2, Main.execute("predict", "--out", out.toString(), "--quiet", "--dataset", "teacher", "--activation", "tanh"));
        assertFalse(Files.exists(out), "nothing written on bad input");
    }
}
