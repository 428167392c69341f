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

/** flow and sweep commands end to end on tiny problems; bad input gives exit code 2 and writes nothing. */
class FlowCommandsTest {
    static final String DATA = "modes:s=2,n=16,d=4,out=2";

    @Test
    void flowWritesItsRunFolder(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("f");
        CommandLineTest.Run r = CommandLineTest.run("flow", "--out", out.toString(), "--quiet", "--dataset", DATA, "--hidden", "4,4",
                "--bottleneck", "2", "--epsilon", "0.01", "--max-time", "1e4", "--probes", "20", "--stop-at-escape");
        assertEquals(0, r.code(), r.err());
        // the output escape was not asked for: the line says so, never "t=NaN"
        assertTrue(r.out().contains("loss escape t=") && r.out().contains("output escape off (no --escape-output)"), r.out());
        assertTrue(!r.out().contains("NaN"), r.out());
        for (String f : List.of("config.yaml", "manifest.json", "metrics.csv", "summary.json", "figures/loss.png", "figures/loss.svg")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("LOSS_ESCAPE", s.get("stop").asText());
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        assertTrue(lines.get(0).startsWith("t,q,loss,norm,output_norm,D_1,D_2,dD_1_dt"), lines.get(0));
        // θ0 and the last state are in the folder: θ0 is the config's draw, and the flow grew it to the escape
        var cfg = org.saddlescope.config.Configs.merge(List.of(org.saddlescope.config.Configs.readYaml(out.resolve("config.yaml"))),
                org.saddlescope.config.FlowConfig.class, "test");
        var act = cfg.activation;
        var net0 = org.saddlescope.runs.Weights.loadNew(out.resolve("weights/initial.npz"), act, org.saddlescope.linalg.DType.F64);
        var net1 = org.saddlescope.runs.Weights.loadNew(out.resolve("weights/final.npz"), act, org.saddlescope.linalg.DType.F64);
        var data = org.saddlescope.experiments.FlowRun.loadData(cfg).train();
        var drawn = org.saddlescope.experiments.FlowRun.buildNetwork(cfg, data);
        for (int l = 1; l <= 3; l++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(drawn.weight(l).toDoubleArray(), net0.weight(l).toDoubleArray(), 0.0);
        }
        // the run stopped at the loss escape: the saved last state has lost that fraction of the initial loss
        var mse = new org.saddlescope.loss.SquaredError();
        double loss0 = mse.value(net0.outputs(data.x()), data.targets()), loss1 = mse.value(net1.outputs(data.x()), data.targets());
        assertEquals(s.get("initial_loss").asDouble(), loss0, 1e-12 * loss0);
        assertEquals((1 - cfg.loss_drop) * loss0, loss1, 1e-6 * loss0); // the event finder's accuracy, far below the drop
        // config.yaml reruns it: same escape time
        Path again = tmp.resolve("g");
        assertEquals(0, Main.execute("flow", "--config", out.resolve("config.yaml").toString(), "--out", again.toString(), "--quiet"));
        JsonNode s2 = new ObjectMapper().readTree(again.resolve("summary.json").toFile());
        assertEquals(s.get("loss_escape_t").asDouble(), s2.get("loss_escape_t").asDouble(), 0.0);
    }

    @Test
    void sweepFitsAndWritesATable(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("s");
        int code = Main.execute("sweep", "--out", out.toString(), "--quiet", "--dataset", DATA, "--hidden", "4,4",
                "--bottlenecks", "3", "--epsilons", "0.1,0.03,0.01", "--seeds", "1", "--threads", "2");
        assertEquals(0, code);
        assertTrue(Files.exists(out.resolve("figures/tau_vs_epsilon.png")));
        Path point = out.resolve("points/bottleneck=3_epsilon=0.01_seed=0");
        assertTrue(Files.exists(point.resolve("metrics.csv")));
        assertTrue(Files.exists(point.resolve("weights/initial.npz")));
        assertTrue(Files.exists(point.resolve("weights/final.npz")));
        List<String> fits = Files.readAllLines(out.resolve("fits.csv"));
        assertEquals(2, fits.size());
        String[] f = fits.get(1).split(",");
        // L = 3, r = 3: τ ∝ ε^−1; three points over a decade, generous since ε = 0.1 is not yet asymptotic
        assertEquals(-1.0, Double.parseDouble(f[4]), 0.25, fits.get(1));
    }

    @Test
    void reproduceEscapeTimesIsRegistered() {
        assertEquals(0, Main.execute("reproduce", "escape-times", "--help"));
        assertEquals(2, Main.execute("reproduce", "escape-times", "--no-such-option"));
    }

    @Test
    void badInputIsExitCodeTwoAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bad");
        assertEquals(2, Main.execute("flow", "--out", out.toString(), "--quiet", "--activation", "swishy"));
        assertEquals(2, Main.execute("flow", "--out", out.toString(), "--quiet", "--clock", "sideways"));
        assertEquals(2, Main.execute("flow", "--out", out.toString(), "--quiet", "--bottleneck", "9"));
        Path cfg = tmp.resolve("c.yaml");
        Files.writeString(cfg, "epsilonn: 0.1\n");
        assertEquals(2, Main.execute("flow", "--config", cfg.toString(), "--out", out.toString(), "--quiet"));
        assertEquals(2, Main.execute("sweep", "--out", out.toString(), "--quiet", "--epsilons", "0.1,-1"));
        assertEquals(2, Main.execute("sweep", "--out", out.toString(), "--quiet", "--escape", "output"));
        assertFalse(Files.exists(out), "nothing written on bad input");
    }
}
