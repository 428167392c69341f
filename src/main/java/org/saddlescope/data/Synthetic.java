package org.saddlescope.data;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.random.RandomStreams;

/**
 * Built-in data sets that need no download: the Example 1 circle (paper section 4, appendix D.1), Gaussian
 * inputs labelled by a random rank-limited teacher network, and multi-mode teachers with separated strengths
 * (the saddle-to-saddle test bed: one plateau per mode).
 *
 * <p>Draws come from the data seed's named streams: {@code data} (training inputs), {@code data-test} (test
 * inputs), {@code teacher} (the teacher's weights or modes), each in a fixed order; every value is computed in
 * float64 and converted at the end, so a seed fixes the data bit for bit, the F32 and F64 versions of a data
 * set are roundings of the same numbers, and asking for a test split does not change the training split.
 *
 * <p>Activations are passed as plain functions: {@code data} sits beside {@code net} and does not import it
 * (callers pass {@code Activation.parse(name)::value}).
 */
public final class Synthetic {
    private Synthetic() {}

    /** The Example 1 data set and its loss gradient G = ∇C(0) at the origin. */
    public record Example1(Dataset dataset, Matrix g) {}

    /**
     * Example 1 (section 4): x_j = (sin(2πj/N), cos(2πj/N)), j = 1..N, with G_j = (−1)^j (1 × N). The paper
     * takes N = 8 and depth 3 (best rank-one speed √2 − 1, rank-two speed 1/2).
     *
     * <p>Targets: the squared error C = (1/N)‖Y − Y*‖² has G = −(2/N) Y*, so Y*_j = −(N/2)(−1)^j gives
     * G = (−1)^j exactly. (The paper's footnote suggests Y*_j = (−1)^j, which gives G = −(2/N)(−1)^j: the
     * same direction up to a positive factor 2/N and a sign, i.e. the same escape directions after
     * ρ ↦ −ρ in the last layer; we pick the targets whose G is the paper's G without rescaling.)
     */
    public static Example1 example1(int n, DType dtype) {
        if (n < 1) throw new IllegalArgumentException("example1 needs at least one point, got " + n);
        double[] x = new double[2 * n];
        double[] y = new double[n];
        double[] g = new double[n];
        for (int j = 1; j <= n; j++) {
            double angle = 2 * Math.PI * j / n;
            x[2 * (j - 1)] = Math.sin(angle);
            x[2 * (j - 1) + 1] = Math.cos(angle);
            double sign = (j % 2 == 0) ? 1.0 : -1.0; // (−1)^j
            g[j - 1] = sign;
            y[j - 1] = -(n / 2.0) * sign;
        }
        Dataset ds = new Dataset("example1-n" + n, Matrix.fromColumnMajor(dtype, 2, n, x),
                Matrix.fromColumnMajor(dtype, 1, n, y), null, 0);
        return new Example1(ds, Matrix.fromColumnMajor(dtype, 1, n, g));
    }

    /** Example 1 with the paper's N = 8. */
    public static Example1 example1(DType dtype) {
        return example1(8, dtype);
    }

    /** A teacher's training data, optional test data (same teacher, fresh inputs; null if none asked). */
    public record Teacher(Dataset train, Dataset test, Matrix[] weights, Matrix u, double[] strengths, Matrix v) {
        /** Teacher network weights W_1..W_D (network teachers only; null for mode teachers). */
        public Matrix weight(int l) { return weights[l - 1]; }
    }

    /**
     * Gaussian inputs (entries N(0,1), d × N) labelled by a random bias-free teacher network
     * Y* = W_D σ(… σ(W_1 X)) of depth D, hidden width w, output width nOut, whose first layer is a product
     * W_1 = A B of w × r and r × d Gaussian factors, so every layer of the teacher's map passes through rank ≤ r.
     * Entries: A ~ N(0, 1/r), B ~ N(0, 1/d) (so W_1 x has entries of variance ≈ 1), W_ℓ ~ N(0, 1/n_{ℓ−1}) for
     * ℓ ≥ 2. When {@code normalize}, W_D is rescaled so that the training targets have root-mean-square 1 per
     * entry ((1/(nOut·N))‖Y*‖_F² = 1); the returned weights include that factor.
     *
     * @param depth D ≥ 1 (D = 1: a linear rank-r map A B with A nOut × r)
     * @param nTest test samples from fresh inputs (0: no test set)
     */
    public static Teacher teacherNetwork(int inputDim, int nTrain, int nTest, int depth, int width, int rank, int outputDim,
            DoubleUnaryOperator activation, String activationName, boolean normalize, DType dtype, RandomStreams streams) {
        if (inputDim < 1 || nTrain < 1 || nTest < 0 || depth < 1 || width < 1 || rank < 1 || outputDim < 1) {
            throw new IllegalArgumentException("teacher needs positive d, n, depth, width, rank, out (got d=" + inputDim
                    + " n=" + nTrain + " test=" + nTest + " depth=" + depth + " width=" + width + " rank=" + rank
                    + " out=" + outputDim + ")");
        }
        Matrix xTrain = gaussian(inputDim, nTrain, 1.0, streams.stream("data"));
        Matrix xTest = nTest > 0 ? gaussian(inputDim, nTest, 1.0, streams.stream("data-test")) : null;

        SplittableRandom rng = streams.stream("teacher");
        Matrix[] w = new Matrix[depth];
        int first = depth == 1 ? outputDim : width;
        Matrix a = gaussian(first, rank, Math.sqrt(1.0 / rank), rng);
        Matrix b = gaussian(rank, inputDim, Math.sqrt(1.0 / inputDim), rng);
        w[0] = Blas.multiply(false, a, false, b);
        a.close();
        b.close();
        for (int l = 2; l <= depth; l++) {
            int rows = l == depth ? outputDim : width;
            w[l - 1] = gaussian(rows, width, Math.sqrt(1.0 / width), rng);
        }
        Matrix yTrain = teacherForward(w, xTrain, activation);
        if (normalize) {
            double rms = Math.sqrt(yTrain.frobeniusNorm2() / yTrain.size());
            if (rms > 0) {
                w[depth - 1].scale(1.0 / rms);
                yTrain.scale(1.0 / rms);
            }
        }
        String name = "teacher-d" + inputDim + "-L" + depth + "-w" + width + "-r" + rank + "-" + activationName;
        Dataset train = regression(name, xTrain, yTrain, dtype);
        Dataset test = null;
        if (xTest != null) test = regression(name + "-test", xTest, teacherForward(w, xTest, activation), dtype);
        Matrix[] weightsOut = new Matrix[depth];
        for (int l = 0; l < depth; l++) {
            weightsOut[l] = w[l].to(dtype);
            w[l].close();
        }
        return new Teacher(train, test, weightsOut, null, null, null);
    }

    /**
     * Multi-mode linear teacher Y* = Σ_i s_i u_i v_iᵀ X on Gaussian inputs (entries N(0,1), d × N), with
     * orthonormal u_1..u_k ∈ R^nOut and v_1..v_k ∈ R^d drawn from the stream "teacher" (Gram–Schmidt on Gaussian vectors).
     * The teacher map M = U diag(s) Vᵀ has singular values exactly s_1 > s_2 > … > s_k: a deep linear (or ReLU)
     * net from small initialization learns the modes one at a time, one plateau per mode.
     *
     * @param strengths s_1 > s_2 > … > 0, k ≤ min(d, nOut)
     */
    public static Teacher modes(int inputDim, int nTrain, int nTest, int outputDim, double[] strengths, DType dtype, RandomStreams streams) {
        return modeTeacher(inputDim, nTrain, nTest, outputDim, strengths, false, dtype, streams);
    }

    /**
     * Nonlinear multi-mode teacher: a sum of single-neuron ReLU teachers Y* = Σ_i s_i u_i relu(v_iᵀ X), with u, v
     * orthonormal as in {@link #modes}. Each term is the function a rank-one ReLU network represents
     * (paper section 4: "one neuron functions" u σ(vᵀx)).
     */
    public static Teacher reluModes(int inputDim, int nTrain, int nTest, int outputDim, double[] strengths, DType dtype, RandomStreams streams) {
        return modeTeacher(inputDim, nTrain, nTest, outputDim, strengths, true, dtype, streams);
    }

    private static Teacher modeTeacher(int inputDim, int nTrain, int nTest, int outputDim, double[] strengths, boolean relu,
            DType dtype, RandomStreams streams) {
        int k = strengths.length;
        if (k < 1) throw new IllegalArgumentException("a mode teacher needs at least one strength");
        if (k > Math.min(inputDim, outputDim)) {
            throw new IllegalArgumentException("a mode teacher with " + k + " modes needs input and output dimension >= " + k
                    + " (got d=" + inputDim + ", out=" + outputDim + ")");
        }
        for (int i = 0; i < k; i++) {
            if (!(strengths[i] > 0) || !Double.isFinite(strengths[i]) || (i > 0 && !(strengths[i] < strengths[i - 1]))) {
                throw new IllegalArgumentException("mode strengths must be finite, positive and strictly decreasing: "
                        + java.util.Arrays.toString(strengths));
            }
        }
        if (nTrain < 1 || nTest < 0) throw new IllegalArgumentException("need n >= 1 and test >= 0");
        Matrix xTrain = gaussian(inputDim, nTrain, 1.0, streams.stream("data"));
        Matrix xTest = nTest > 0 ? gaussian(inputDim, nTest, 1.0, streams.stream("data-test")) : null;
        SplittableRandom rng = streams.stream("teacher");
        Matrix u = orthonormalColumns(outputDim, k, rng);
        Matrix v = orthonormalColumns(inputDim, k, rng);
        String name = (relu ? "relu-modes" : "modes") + "-d" + inputDim + "-k" + k;
        Dataset train = regression(name, xTrain, modeTargets(u, strengths, v, xTrain, relu), dtype);
        Dataset test = xTest == null ? null : regression(name + "-test", xTest, modeTargets(u, strengths, v, xTest, relu), dtype);
        Teacher t = new Teacher(train, test, null, u.to(dtype), strengths.clone(), v.to(dtype));
        u.close();
        v.close();
        return t;
    }

    /** Σ_i s_i u_i f(v_iᵀ X), f = identity or ReLU, in float64. */
    private static Matrix modeTargets(Matrix u, double[] s, Matrix v, Matrix x, boolean relu) {
        Matrix proj = Blas.multiply(true, v, false, x); // k × N: row i is v_iᵀ X
        double[] p = proj.toDoubleArray();
        int k = s.length;
        for (int j = 0; j < x.cols(); j++) {
            for (int i = 0; i < k; i++) {
                double z = p[i + j * k];
                p[i + j * k] = s[i] * (relu ? Math.max(0.0, z) : z);
            }
        }
        proj.setAll(p);
        Matrix y = Blas.multiply(false, u, false, proj);
        proj.close();
        return y;
    }

    /** Y* = W_D σ(… σ(W_1 X)), float64. */
    private static Matrix teacherForward(Matrix[] w, Matrix x, DoubleUnaryOperator activation) {
        Matrix a = x;
        for (int l = 0; l < w.length; l++) {
            Matrix z = Blas.multiply(false, w[l], false, a);
            if (a != x) a.close();
            if (l < w.length - 1) {
                java.nio.DoubleBuffer buf = z.doubleBuffer();
                for (int q = 0, n = z.size(); q < n; q++) buf.put(q, activation.applyAsDouble(buf.get(q)));
            }
            a = z;
        }
        return a;
    }

    private static Dataset regression(String name, Matrix x64, Matrix y64, DType dtype) {
        if (dtype == DType.F64) return new Dataset(name, x64, y64, null, 0);
        Dataset d = new Dataset(name, x64.to(dtype), y64.to(dtype), null, 0);
        x64.close();
        y64.close();
        return d;
    }

    /** rows × cols float64 matrix with i.i.d. N(0, std²) entries, drawn in column-major order. */
    static Matrix gaussian(int rows, int cols, double std, SplittableRandom rng) {
        double[] v = new double[rows * cols];
        for (int q = 0; q < v.length; q++) v[q] = std * rng.nextGaussian();
        return Matrix.fromColumnMajor(DType.F64, rows, cols, v);
    }

    /** n × k (k ≤ n) float64 matrix with orthonormal columns: modified Gram–Schmidt (twice) on Gaussian columns. */
    static Matrix orthonormalColumns(int n, int k, SplittableRandom rng) {
        double[][] q = new double[k][n];
        for (int c = 0; c < k; c++) {
            double norm;
            do {
                for (int i = 0; i < n; i++) q[c][i] = rng.nextGaussian();
                // two passes of Gram–Schmidt: one pass loses orthogonality to rounding when columns are nearly dependent
                for (int pass = 0; pass < 2; pass++) {
                    for (int p = 0; p < c; p++) {
                        double d = 0;
                        for (int i = 0; i < n; i++) d += q[p][i] * q[c][i];
                        for (int i = 0; i < n; i++) q[c][i] -= d * q[p][i];
                    }
                }
                double s = 0;
                for (int i = 0; i < n; i++) s += q[c][i] * q[c][i];
                norm = Math.sqrt(s);
            } while (norm < 1e-8); // a draw inside the span of the previous columns (probability 0): draw again
            for (int i = 0; i < n; i++) q[c][i] /= norm;
        }
        double[] flat = new double[n * k];
        for (int c = 0; c < k; c++) System.arraycopy(q[c], 0, flat, c * n, n);
        return Matrix.fromColumnMajor(DType.F64, n, k, flat);
    }
}
