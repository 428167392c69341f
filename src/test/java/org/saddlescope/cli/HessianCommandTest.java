package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.curvature.DenseHessian;
import org.saddlescope.curvature.HessianOperator;
import org.saddlescope.data.Dataset;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.SymmetricEigen;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.report.Table;
import org.saddlescope.runs.Weights;

/** saddlescope hessian on a teacher-saddles run, checked against LAPACK on the dense Hessian from finite differences. */
class HessianCommandTest {

    /**
     * Every plateau with weights gets a row. At each: (1) the R-operator's Hessian (columns H·e_i) equals the central
     * differences of the gradient (independent of it) to 1e-5 of the largest entry, on every column whose difference
     * step crosses no ReLU kink (at least 90% of them: the others are NaN, see {@link DenseHessian#byDifferences});
     * (2) Lanczos' λ_max and λ_min in hessian.csv (60 steps, P = 752) equal LAPACK dsyev's extreme eigenvalues of that
     * Hessian to within the residual bound the file reports (plus 1e-9 of the scale for rounding).
     */
    @Test
    void hessianOfATeacherRunMatchesTheDenseHessian(@TempDir Path tmp) {
        Path out = tmp.resolve("t");
        CommandLineTest.Run r = CommandLineTest.run("train", "--preset", "teacher-saddles", "--steps", "12000", "--out", out.toString(),
                "--threads", "1", "--quiet");
        assertEquals(Main.OK, r.code(), r.err());
        CommandLineTest.Run h = CommandLineTest.run("hessian", out.toString(), "--threads", "1", "--quiet", "--trace-samples", "8",
                "--density-starts", "1");
        assertEquals(Main.OK, h.code(), h.err());
        Table t = Table.read(out.resolve("hessian.csv"));
        assertTrue(t.rows() >= 2, "plateaus measured: " + t.rows());
        for (String f : new String[] {"hessian.md", "hessian.json", "hessian_eigenvalues.csv", "hessian_density.csv", "figures/hessian.png"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(out.resolve("config.yaml"))), "config");
        Dataset data = DataSource.load(cfg.dataset, DataSource.Options.defaults(DType.F64)).train();
        Cost cost = Cost.parse(cfg.cost);
        double[] steps = t.column("step"), lmax = t.column("lambda_max"), lmin = t.column("lambda_min");
        double[] rmax = t.column("lambda_max_residual"), rmin = t.column("lambda_min_residual");
        for (int i = 0; i < t.rows(); i++) {
            Path w = out.resolve("weights/steps/step_" + (long) steps[i] + ".npz");
            Network net = Weights.loadNew(w, cfg.activation, DType.F64);
            try (HessianOperator op = new HessianOperator(net, data.x(), data.targets(), cost, DType.F64);
                 Matrix exact = DenseHessian.byProducts(op); Matrix fd = DenseHessian.byDifferences(net, data.x(), data.targets(), cost, 1e-5);
                 SymmetricEigen.Result e = SymmetricEigen.dense(exact, false)) {
                double scale = exact.maxAbs(), err = 0;
                int nan = 0;
                for (int k = 0; k < fd.size(); k++) {
                    if (Double.isNaN(fd.getFlat(k))) { nan++; continue; }
                    err = Math.max(err, Math.abs(fd.getFlat(k) - exact.getFlat(k)));
                }
                assertTrue(nan <= 0.1 * fd.size(), "kinks crossed in " + nan + " of " + fd.size() + " entries at step " + steps[i]);
                assertTrue(err <= 1e-5 * scale, "R-operator vs differences at step " + steps[i] + ": " + err + " of " + scale);
                double[] ev = e.values();
                double spread = ev[ev.length - 1] - ev[0];
                assertEquals(ev[ev.length - 1], lmax[i], rmax[i] + 1e-9 * spread, "lambda_max at step " + steps[i]);
                assertEquals(ev[0], lmin[i], rmin[i] + 1e-9 * spread, "lambda_min at step " + steps[i]);
            }
        }
    }

    @Test
    void hessianOfWhatIsNotARunIsBadInput(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("hessian", tmp.resolve("empty").toString(), "--quiet"), "not a finished train run");
        Path npz = tmp.resolve("w.npz");
        Files.writeString(npz, "x");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("hessian", npz.toString(), "--quiet"), "--config");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("hessian", tmp.resolve("empty").toString(), "--dtype", "float16", "--quiet"), "--dtype");
        // --out with a run folder was ignored without a word (the files went into the run): now refused before anything runs
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("hessian", tmp.resolve("empty").toString(), "--out", tmp.resolve("h").toString(),
                "--quiet"), "--out is for a weights file");
        assertFalse(Files.exists(tmp.resolve("h")));
    }
}
