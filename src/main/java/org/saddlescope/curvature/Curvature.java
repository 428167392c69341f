package org.saddlescope.curvature;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.random.RandomStreams;

/**
 * The curvature of a training loss at one point θ, as PyHessian and hessian-eigenthings report it: the extreme
 * eigenvalues and the top-k eigenpairs of the Hessian (Lanczos with full reorthogonalisation on exact R-operator
 * products), how many eigenvalues lie below −tol, the trace (Hutchinson), the eigenvalue density (stochastic Lanczos
 * quadrature), and the Rayleigh quotient dᵀHd/dᵀd along a given direction d (the escape that follows a saddle).
 * Random starts come from the named substreams "lanczos", "hutchinson" and "density" of the given streams.
 */
public final class Curvature {
    private Curvature() {}

    /**
     * @param lanczosSteps      steps of the Lanczos run for the extremes and the top-k pairs
     * @param topK              eigenpairs reported at each end
     * @param hutchinsonSamples Rademacher samples of the trace
     * @param densityStarts     starts of the spectral density (0 = skip it)
     * @param densitySteps      Lanczos steps per start of the density
     * @param relativeTolerance tol = this × a curvature scale (the caller's: one Hessian's or a whole run's)
     * @param gridPoints        points of the density grid
     */
    public record Settings(int lanczosSteps, int topK, int hutchinsonSamples, int densityStarts, int densitySteps,
                           double relativeTolerance, int gridPoints) {
        public static Settings defaults() {
            return new Settings(60, 5, 32, 4, 40, 1e-3, 400);
        }
    }

    /**
     * What was measured: every Ritz value of the Lanczos run (ascending, with residual bounds; no vectors), the top and
     * bottom k of them, the density's quadrature, and the trace. How many eigenvalues lie below −tol depends on the tol a
     * caller chooses (the curvature scale of one Hessian, or of a whole run): {@link #belowTolerance} counts Ritz values
     * certified below it (θ + residual &lt; −tol, so each brackets an eigenvalue below −tol), {@link #densityBelow}
     * is the density's estimate of the number of eigenvalues below it.
     */
    public record Report(int dimension, int samples, String dtype, double loss, double gradientNorm, List<Lanczos.Ritz> ritz,
                         SpectralDensity.Quadrature quadrature, double trace, double traceStandardError, double escapeCurvature,
                         double[] grid, double[] density, long products, double seconds) {
        public double lambdaMax() { return ritz.get(ritz.size() - 1).value(); }
        public double lambdaMaxResidual() { return ritz.get(ritz.size() - 1).residual(); }
        public double lambdaMin() { return ritz.get(0).value(); }
        public double lambdaMinResidual() { return ritz.get(0).residual(); }
        /** max(|λ_max|, |λ_min|): this Hessian's curvature scale. */
        public double scale() { return Math.max(Math.abs(lambdaMax()), Math.abs(lambdaMin())); }

        public int belowTolerance(double tol) {
            int n = 0;
            for (Lanczos.Ritz r : ritz) if (r.value() + r.residual() < -tol) n++;
            return n;
        }

        public double densityBelow(double tol) {
            return quadrature == null ? Double.NaN : dimension * quadrature.fractionBelow(-tol);
        }

        /** The k largest Ritz values, largest first. */
        public List<Lanczos.Ritz> top(int k) {
            List<Lanczos.Ritz> out = new ArrayList<>();
            for (int i = 0; i < Math.min(k, ritz.size()); i++) out.add(ritz.get(ritz.size() - 1 - i));
            return out;
        }

        /** The k smallest Ritz values, smallest first. */
        public List<Lanczos.Ritz> bottom(int k) {
            return ritz.subList(0, Math.min(k, ritz.size()));
        }
    }

    public static Report measure(HessianOperator op, Matrix escape, Settings s, RandomStreams streams) {
        long t0 = System.nanoTime();
        int p = op.dimension();
        double loss, gnorm;
        try (Matrix g = Matrix.zeros(DType.F64, p, 1)) {
            loss = op.gradient(g);
            gnorm = g.frobeniusNorm();
        }
        List<Lanczos.Ritz> ritz;
        try (Matrix start = Matrix.zeros(DType.F64, p, 1)) {
            Hutchinson.rademacher(start, streams.stream("lanczos"));
            try (Lanczos.Run run = Lanczos.run(op, start, s.lanczosSteps())) {
                ritz = Lanczos.ritz(run, false);
            }
        }
        Hutchinson.Estimate tr = s.hutchinsonSamples() > 0 ? Hutchinson.trace(op, s.hutchinsonSamples(), streams.stream("hutchinson"))
                : new Hutchinson.Estimate(Double.NaN, Double.NaN, new double[0]);
        double[] grid = new double[0], density = new double[0];
        SpectralDensity.Quadrature q = null;
        if (s.densityStarts() > 0) {
            q = SpectralDensity.estimate(op, s.densityStarts(), s.densitySteps(), streams.stream("density"));
            double[] range = q.range();
            double width = Math.max(range[1] - range[0], Double.MIN_NORMAL);
            grid = new double[s.gridPoints()];
            for (int i = 0; i < grid.length; i++) grid[i] = range[0] - 0.05 * width + 1.1 * width * i / Math.max(1, grid.length - 1);
            density = q.density(grid, 0.01 * width);
        }
        double escapeCurvature = escape == null ? Double.NaN : rayleigh(op, escape);
        return new Report(p, op.samples(), op.dtype().label(), loss, gnorm, ritz, q, tr.trace(), tr.standardError(), escapeCurvature,
                grid, density, op.products(), (System.nanoTime() - t0) / 1e9);
    }

    /** dᵀHd / dᵀd (one product); NaN for d = 0. */
    public static double rayleigh(SymmetricOperator op, Matrix d) {
        double n2 = d.frobeniusNorm2();
        if (!(n2 > 0)) return Double.NaN;
        try (Matrix hd = Matrix.zeros(DType.F64, op.dimension(), 1)) {
            op.apply(d, hd);
            return d.dot(hd) / n2;
        }
    }
}
