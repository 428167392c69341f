package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.data.Npz;
import org.saddlescope.io.Json;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.report.Table;
import org.saddlescope.trainrun.SpectraAddon;
import org.saddlescope.trainrun.TrainRun;

/**
 * python/saddlescope_runs.py on a real run: a run is trained here, the Java code reads its files (metrics column by
 * column, the spectra of one layer, the weights files) into a JSON file, and python/test_saddlescope_runs.py, under
 * Debian's python3 with NumPy, pandas and matplotlib, checks that the loader reads the same numbers (the last row bit
 * for bit, column sums in the same order bit for bit, weight norms to 1e-12) and draws the Figure 1 example. On CI a
 * missing python3, NumPy, pandas or matplotlib fails the test (.ci/run installs them and sets SADDLESCOPE_REQUIRE_PYTHON);
 * elsewhere it is skipped.
 */
class PythonLoaderTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void theLoaderReadsWhatSaddlescopeWrote(@TempDir Path tmp) throws Exception {
        boolean ci = System.getenv("CI") != null || System.getenv("SADDLESCOPE_REQUIRE_PYTHON") != null;
        if (!Files.isExecutable(PYTHON) || run(List.of(PYTHON.toString(), "-c", "import numpy, pandas, matplotlib"), Map.of()).code != 0) {
            if (ci) fail("CI must have Debian's python3 with python3-numpy, python3-pandas, python3-matplotlib (.ci/run installs them)");
            assumeTrue(false, "no python3 with numpy, pandas and matplotlib here");
        }
        TrainConfig c = ServeInBrowserTest.config();
        c.steps = 1200;
        c.dtype = org.saddlescope.net.Precision.MIXED;
        Path out = tmp.resolve("runs/run");
        TrainRun.start(c, out, 1, ProgressListener.NONE, List.of(new SpectraAddon()));
        Path expected = tmp.resolve("expected.json");
        Json.JSON.writeValue(expected.toFile(), expected(out, c));
        Result r = run(List.of(PYTHON.toString(), "python/test_saddlescope_runs.py"),
                Map.of("SADDLESCOPE_RUN", out.toString(), "SADDLESCOPE_EXPECTED", expected.toString(), "SADDLESCOPE_REQUIRE_PANDAS", "1"));
        assertEquals(0, r.code, r.output);
        if (!r.output.contains("Ran ") || r.output.contains("skipped")) fail("every Python test must run:\n" + r.output);
    }

    /** What the Java code reads of the run's files. */
    static Map<String, Object> expected(Path run, TrainConfig c) {
        Map<String, Object> e = new LinkedHashMap<>();
        Table m = Table.read(run.resolve("metrics.csv"));
        List<Object> last = new ArrayList<>();
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String col : m.header()) {
            double[] v = m.column(col);
            double x = v[v.length - 1];
            last.add(Double.isNaN(x) ? null : x);
            double s = 0;
            for (double y : v) if (!Double.isNaN(y)) s += y; // one by one, in row order
            sums.put(col, s);
        }
        e.put("metrics", Map.of("columns", m.header(), "rows", m.rows(), "last_row", last, "sums", sums));
        Table sp = Table.read(run.resolve("spectra.csv"));
        double[] step = sp.column("step"), layer = sp.column("layer"), value = sp.column("singular_value");
        List<Double> steps = new ArrayList<>(), lastValues = new ArrayList<>();
        for (int i = 0; i < sp.rows(); i++) {
            if (layer[i] != 2) continue;
            if (steps.isEmpty() || steps.get(steps.size() - 1) != step[i]) { steps.add(step[i]); lastValues.clear(); }
            lastValues.add(value[i]);
        }
        e.put("spectra", Map.of("layer", 2, "snapshots", steps.size(), "last", lastValues));
        e.put("escapes", Table.read(run.resolve("escapes.csv")).rows());
        Map<String, Object> weights = new LinkedHashMap<>();
        for (String name : List.of("initial", "final")) {
            Map<String, Matrix> a = Npz.read(run.resolve("weights/" + name + ".npz"));
            List<Integer> widths = new ArrayList<>();
            double sq = 0;
            for (int l = 1; a.containsKey("W" + l); l++) {
                Matrix w = a.get("W" + l);
                if (l == 1) widths.add(w.cols());
                widths.add(w.rows());
                for (double x : w.toDoubleArray()) sq += x * x;
            }
            a.values().forEach(Matrix::close);
            weights.put(name, Map.of("widths", widths, "norm", Math.sqrt(sq), "seed", c.seed));
        }
        e.put("weights", weights);
        e.put("hidden", c.hidden);
        return e;
    }

    record Result(int code, String output) {}

    static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
