// The Hessian check's errors on a small real run (issue 20, item 3): at each weights file given, the dense Hessian of
// the training cost by R-operator products (H e_i) against central differences of the exact gradient, float32 products
// against float64, Lanczos' extreme Ritz values (the hessian command's 60 steps) against LAPACK dsyev of the dense
// Hessian, and the count of eigenvalues below -tol (tol = 1e-3 of the largest |lambda| over the files) from dsyev.
// Run: java -cp saddlescope.jar docs/scripts/HessianErrors.java RUN weights/steps/step_317.npz ...
import java.nio.file.Path;
import java.util.*;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.curvature.*;
import org.saddlescope.data.Dataset;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.linalg.*;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.runs.Weights;

public class HessianErrors {
    public static void main(String[] a) {
        Path run = Path.of(a[0]);
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(run.resolve("config.yaml"))), "config.yaml");
        DataSource.Options o = DataSource.Options.defaults(DType.F64).withSubset(cfg.subset, -1);
        o = new DataSource.Options(o.subset(), o.testSubset(), o.subsetKind(), cfg.standardize, DType.F64, cfg.seed);
        Dataset d = DataSource.load(cfg.dataset, o).train();
        Cost cost = Cost.parse(cfg.cost);
        List<double[]> eigs = new ArrayList<>();
        System.out.println("file | P | max|H-FD|/max|H| (smooth cols) | kink cols | |H32 v - H64 v|/|H64 v| | lambda_min dsyev | Lanczos-60 err/spread | lambda_max dsyev | Lanczos-60 err/spread | dsyev below -1e-3*max|lambda_here|");
        for (int i = 1; i < a.length; i++) {
            Network net = Weights.loadNew(run.resolve(a[i]), Activation.RELU, DType.F64);
            try (HessianOperator op = new HessianOperator(net, d.x(), d.targets(), cost, DType.F64);
                 HessianOperator op32 = new HessianOperator(net, d.x(), d.targets(), cost, DType.F32);
                 Matrix h = DenseHessian.byProducts(op); Matrix fd = DenseHessian.byDifferences(net, d.x(), d.targets(), cost, 1e-5)) {
                int p = op.dimension(), nanCols = 0;
                double err = 0, scale = h.maxAbs();
                for (int c = 0; c < p; c++) {
                    if (Double.isNaN(fd.get(0, c))) { nanCols++; continue; }
                    for (int r = 0; r < p; r++) err = Math.max(err, Math.abs(h.get(r, c) - fd.get(r, c)));
                }
                SplittableRandom rng = new SplittableRandom(7);
                double rel32;
                try (Matrix v = Matrix.zeros(DType.F64, p, 1); Matrix h64 = Matrix.zeros(DType.F64, p, 1); Matrix h32 = Matrix.zeros(DType.F64, p, 1)) {
                    for (int k = 0; k < p; k++) v.setFlat(k, rng.nextGaussian());
                    op.apply(v, h64); op32.apply(v, h32); h32.addScaled(-1, h64);
                    rel32 = h32.frobeniusNorm() / h64.frobeniusNorm();
                }
                DenseHessian.symmetrise(h);
                double[] ev;
                try (SymmetricEigen.Result e = SymmetricEigen.dense(h, false)) { ev = e.values().clone(); }
                double spread = ev[p - 1] - ev[0], mx = Math.max(Math.abs(ev[0]), Math.abs(ev[p - 1]));
                double lmin, lmax;
                try (Matrix start = Matrix.zeros(DType.F64, p, 1)) {
                    for (int k = 0; k < p; k++) start.setFlat(k, rng.nextBoolean() ? 1 : -1);
                    try (Lanczos.Run r = Lanczos.run(op, start, Math.min(60, p))) {
                        List<Lanczos.Ritz> z = Lanczos.ritz(r, false);
                        lmin = z.get(0).value(); lmax = z.get(z.size() - 1).value();
                    }
                }
                int below = 0;
                for (double v : ev) if (v < -1e-3 * mx) below++;
                eigs.add(ev);
                System.out.printf(Locale.ROOT, "%s | %d | %.2e | %d | %.2e | %.6g | %.1e | %.6g | %.1e | %d%n", a[i], p, err / scale, nanCols, rel32,
                        ev[0], Math.abs(lmin - ev[0]) / spread, ev[p - 1], Math.abs(lmax - ev[p - 1]) / spread, below);
            }
        }
        double big = 0;
        for (double[] ev : eigs) big = Math.max(big, Math.max(Math.abs(ev[0]), Math.abs(ev[ev.length - 1])));
        StringBuilder sb = new StringBuilder("dsyev count below -1e-3 * run scale " + String.format(Locale.ROOT, "%.4g", big) + ":");
        for (double[] ev : eigs) { int n = 0; for (double v : ev) if (v < -1e-3 * big) n++; sb.append(' ').append(n); }
        System.out.println(sb);
    }
}
