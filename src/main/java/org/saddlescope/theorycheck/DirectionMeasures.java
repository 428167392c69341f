package org.saddlescope.theorycheck;

import java.util.SplittableRandom;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.net.Network;

/**
 * Measures of the direction a run learned against a predicted one that can fail, with their chance levels (issue 20:
 * the old input/output overlaps projected onto subspaces that can fill the whole space, 1.000 by construction).
 * <ul>
 * <li>Gram cosine of one side of a layer: cos(AᵀA, BᵀB) (input side) or cos(AAᵀ, BBᵀ) (output side) in the Frobenius
 *     inner product, A the learned part W − W(0), B the predicted layer; invariant to how hidden units are numbered and to
 *     their signs; it compares where the weights point and with what energy, not only which subspace they span. Chance:
 *     the same cosine with B's singular directions replaced by a random orthonormal set (Haar), mean and sd over 200
 *     draws; a measure whose chance mean is above 0.9 (a space too small to tell directions apart) is marked
 *     uninformative.</li>
 * <li>the learned direction's speed: the learned part θ − θ(0) rescaled to the √L sphere, its −L0 against s*.</li>
 * </ul>
 */
final class DirectionMeasures {
    private DirectionMeasures() {}

    /** Singular values kept of each side (the energy of a learned layer sits in its first few). */
    static final int RANK = 10;

    /** cosine, chance mean and sd, and whether chance leaves room to tell (mean ≤ 0.9). */
    record Gram(double cosine, double chanceMean, double chanceSd, boolean informative) {}

    static Gram gramCosine(Matrix learned, Matrix predicted, boolean inputSide, SplittableRandom rng) {
        Svd.Result a = Svd.full(learned), b = Svd.full(predicted);
        try {
            Matrix va = inputSide ? a.v() : a.u(), vb = inputSide ? b.v() : b.u();
            int ra = Math.min(RANK, a.s().length), rb = Math.min(RANK, b.s().length);
            double[] sa = squares(a.s(), ra), sb = squares(b.s(), rb);
            double cos = cosine(va, sa, vb, sb);
            int d = va.rows();
            double m = 0, m2 = 0;
            int n = 200;
            for (int t = 0; t < n; t++) {
                try (Matrix q = randomOrthonormal(d, rb, rng)) {
                    double c = cosine(va, sa, q, sb);
                    m += c;
                    m2 += c * c;
                }
            }
            m /= n;
            double sd = Math.sqrt(Math.max(0, m2 / n - m * m));
            return new Gram(cos, m, sd, m <= 0.9);
        } finally {
            for (Matrix x : new Matrix[] {a.u(), a.v(), b.u(), b.v()}) if (x != null) x.close();
        }
    }

    /** cos(V_a diag(s_a) V_aᵀ, V_b diag(s_b) V_bᵀ) = ‖diag(√s_a) V_aᵀ V_b diag(√s_b)‖²_F / (‖s_a‖‖s_b‖), first columns only. */
    private static double cosine(Matrix va, double[] sa, Matrix vb, double[] sb) {
        try (Matrix a = va.columns(0, sa.length); Matrix b = vb.columns(0, sb.length); Matrix m = Blas.multiply(true, a, false, b)) {
            double num = 0;
            for (int i = 0; i < sa.length; i++) {
                for (int j = 0; j < sb.length; j++) {
                    double v = m.get(i, j);
                    num += sa[i] * sb[j] * v * v;
                }
            }
            return num / (norm(sa) * norm(sb));
        }
    }

    private static double[] squares(double[] s, int r) {
        double[] q = new double[r];
        for (int i = 0; i < r; i++) q[i] = s[i] * s[i];
        return q;
    }

    private static double norm(double[] v) {
        double t = 0;
        for (double x : v) t += x * x;
        return Math.sqrt(t);
    }

    /** A Haar-random d × r matrix with orthonormal columns (QR of a Gaussian matrix, signs fixed by R's diagonal). */
    static Matrix randomOrthonormal(int d, int r, SplittableRandom rng) {
        Matrix g = Matrix.zeros(DType.F64, d, r);
        for (int k = 0; k < g.size(); k++) g.setFlat(k, rng.nextGaussian());
        Svd.Result s = Svd.full(g);
        g.close();
        Matrix q = s.u().copy(); // U of a Gaussian matrix is Haar-distributed on the Stiefel manifold
        s.u().close();
        s.v().close();
        return q;
    }

    /** √L-sphere speed of the learned part θ − θ(0), rescaled to ‖·‖² = L. */
    static double learnedSpeed(Network w, Network w0, Matrix x, Matrix g) {
        Network d = w.to(DType.F64);
        for (int l = 1; l <= d.depth(); l++) {
            try (Matrix m = d.weight(l).copy()) {
                m.addScaled(-1, w0.weight(l));
                d.setWeight(l, m);
            }
        }
        double n2 = d.normSquared();
        if (!(n2 > 0)) return Double.NaN;
        d.scale(Math.sqrt(d.depth() / n2));
        try (Matrix y = d.outputs(x)) {
            return -g.dot(y);
        }
    }
}
