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
     * @param relativeTolerance tol = this × max(|λ_max|, |λ_min|): an eigenvalue below −tol counts as negative
     * @param gridPoints        points of the density grid
     */
    public record Settings(int lanczosSteps, int topK, int hutchinsonSamples, int densityStarts, int densitySteps,
                           double relativeTolerance, int gridPoints) {
        public static Settings defaults() {
            return new Settings(60, 5, 32, 4, 40, 1e-3, 400);
        }
    }

    /**
     * What was measured. {@code belowTolerance}: Ritz values certified below −tol (θ + residual < −tol, so each
     * brackets an eigenvalue below −tol); {@code densityBelow}: the density's estimate of the number of eigenvalues
     * below −tol. Eigenvector columns of {@code top}/{@code bottom} are not kept (values and residuals only).
     */
    public record Report(int dimension, int samples, String dtype, double loss, double gradientNorm, double lambdaMax,
                         double lambdaMaxResidual, double lambdaMin, double lambdaMinResidual, double tolerance,
                         int belowTolerance, double densityBelow, double trace, double traceStandardError,
                         double escapeCurvature, List<Lanczos.Ritz> top, List<Lanczos.Ritz> bottom, double[] grid,
                         double[] density, long products, double seconds) {}

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
        Lanczos.Ritz lo = ritz.get(0), hi = ritz.get(ritz.size() - 1);
        double tol = s.relativeTolerance() * Math.max(Math.abs(hi.value()), Math.abs(lo.value()));
        int below = 0;
        for (Lanczos.Ritz r : ritz) if (r.value() + r.residual() < -tol) below++;
        Hutchinson.Estimate tr = s.hutchinsonSamples() > 0 ? Hutchinson.trace(op, s.hutchinsonSamples(), streams.stream("hutchinson"))
                : new Hutchinson.Estimate(Double.NaN, Double.NaN, new double[0]);
        double[] grid = new double[0], density = new double[0];
        double densityBelow = Double.NaN;
        if (s.densityStarts() > 0) {
            SpectralDensity.Quadrature q = SpectralDensity.estimate(op, s.densityStarts(), s.densitySteps(), streams.stream("density"));
            densityBelow = p * q.fractionBelow(-tol);
            double[] range = q.range();
            double width = Math.max(range[1] - range[0], Double.MIN_NORMAL);
            double sigma = 0.01 * width;
            grid = new double[s.gridPoints()];
            for (int i = 0; i < grid.length; i++) grid[i] = range[0] - 0.05 * width + 1.1 * width * i / Math.max(1, grid.length - 1);
            density = q.density(grid, sigma);
        }
        double escapeCurvature = escape == null ? Double.NaN : rayleigh(op, escape);
        int k = Math.min(s.topK(), ritz.size());
        List<Lanczos.Ritz> top = new ArrayList<>(), bottom = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            top.add(ritz.get(ritz.size() - 1 - i));
            bottom.add(ritz.get(i));
        }
        return new Report(p, op.samples(), op.dtype().label(), loss, gnorm, hi.value(), hi.residual(), lo.value(), lo.residual(), tol,
                below, densityBelow, tr.trace(), tr.standardError(), escapeCurvature, top, bottom, grid, density, op.products(),
                (System.nanoTime() - t0) / 1e9);
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
