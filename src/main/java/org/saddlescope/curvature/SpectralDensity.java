package org.saddlescope.curvature;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * The eigenvalue density of a symmetric operator by stochastic Lanczos quadrature (Lin, Saad and Yang, SIAM Review 58,
 * 2016; used for network Hessians by Ghorbani, Krishnan and Xiao 2019 and PyHessian): for each of k Rademacher starts v,
 * m Lanczos steps give Gauss nodes θ_i and weights τ_i² of v's spectral measure; the density
 * φ(λ) = (1/k) Σ_v Σ_i τ_i² g_σ(λ − θ_i), g_σ a Gaussian of width σ, integrates to 1 (the fraction of eigenvalues per
 * unit λ). Multiplying by P gives counts: P·(1/k)Σ Σ τ_i² 1[θ_i < c] estimates how many eigenvalues lie below c.
 */
public final class SpectralDensity {
    private SpectralDensity() {}

    /** Nodes and weights of every start (weights sum to 1 per start), the starts' count, and the dimension. */
    public record Quadrature(List<double[]> nodes, List<double[]> weights, int dimension) {
        /** Estimated fraction of eigenvalues below c (each start's weights sum to 1). */
        public double fractionBelow(double c) {
            double f = 0;
            for (int v = 0; v < nodes.size(); v++) {
                for (int i = 0; i < nodes.get(v).length; i++) if (nodes.get(v)[i] < c) f += weights.get(v)[i];
            }
            return nodes.isEmpty() ? Double.NaN : f / nodes.size();
        }

        /** φ(λ) on the grid, Gaussian width sigma. */
        public double[] density(double[] grid, double sigma) {
            double[] d = new double[grid.length];
            double norm = 1 / (Math.sqrt(2 * Math.PI) * sigma * Math.max(1, nodes.size()));
            for (int v = 0; v < nodes.size(); v++) {
                double[] t = nodes.get(v), w = weights.get(v);
                for (int i = 0; i < t.length; i++) {
                    for (int g = 0; g < grid.length; g++) {
                        double z = (grid[g] - t[i]) / sigma;
                        if (Math.abs(z) < 8) d[g] += w[i] * Math.exp(-0.5 * z * z) * norm;
                    }
                }
            }
            return d;
        }

        /** Smallest and largest node of all starts. */
        public double[] range() {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] t : nodes) for (double x : t) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
            return new double[] {lo, hi};
        }
    }

    public static Quadrature estimate(SymmetricOperator a, int starts, int steps, SplittableRandom rng) {
        List<double[]> nodes = new ArrayList<>(), weights = new ArrayList<>();
        try (Matrix v = Matrix.zeros(DType.F64, a.dimension(), 1)) {
            for (int s = 0; s < starts; s++) {
                Hutchinson.rademacher(v, rng);
                try (Lanczos.Run r = Lanczos.run(a, v, steps)) {
                    double[][] q = Lanczos.quadrature(r);
                    nodes.add(q[0]);
                    weights.add(q[1]);
                }
            }
        }
        return new Quadrature(nodes, weights, a.dimension());
    }
}
