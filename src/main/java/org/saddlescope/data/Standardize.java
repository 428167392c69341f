package org.saddlescope.data;

import org.saddlescope.linalg.Matrix;

/**
 * Input standardisation x ↦ (x − μ)/σ, fitted on the training split and applied unchanged to the test split.
 * With the readers' inputs already x/255, the scalar version is the paper's x ↦ (x/255 − μ)/σ with the
 * dataset-wide mean and standard deviation of the pixel values (appendices B and C). The per-feature version
 * uses one μ_i, σ_i per input coordinate; a constant coordinate (σ_i = 0, e.g. MNIST's border pixels) is only
 * centred (σ_i taken as 1), since dividing by zero would turn it into NaN.
 *
 * <p>σ is the population standard deviation (divide by the count, as NumPy's {@code std()} and the paper's
 * "dataset-wide standard deviation" computed over all pixels). Sums are accumulated in double.
 */
public record Standardize(boolean perFeature, double[] mean, double[] std) {

    /** One μ and σ over every entry of x. */
    public static Standardize fitScalar(Matrix x) {
        int n = x.size();
        if (n == 0) throw new IllegalArgumentException("cannot standardise an empty data set");
        double[] chunk = new double[CHUNK];
        double s = 0;
        for (int k0 = 0; k0 < n; k0 += CHUNK) {
            int len = read(x, k0, chunk);
            for (int q = 0; q < len; q++) s += chunk[q];
        }
        double mu = s / n;
        double v = 0; // second pass around the mean: no cancellation
        for (int k0 = 0; k0 < n; k0 += CHUNK) {
            int len = read(x, k0, chunk);
            for (int q = 0; q < len; q++) { double e = chunk[q] - mu; v += e * e; }
        }
        double sd = Math.sqrt(v / n);
        return new Standardize(false, new double[] {mu}, new double[] {sd > 0 ? sd : 1.0});
    }

    /** μ_i, σ_i per row (input coordinate) of x. */
    public static Standardize fitPerFeature(Matrix x) {
        int d = x.rows(), n = x.cols();
        if (n == 0) throw new IllegalArgumentException("cannot standardise an empty data set");
        double[] mu = new double[d], sd = new double[d];
        double[] col = new double[d];
        for (int j = 0; j < n; j++) { readColumn(x, j, col); for (int i = 0; i < d; i++) mu[i] += col[i]; }
        for (int i = 0; i < d; i++) mu[i] /= n;
        for (int j = 0; j < n; j++) {
            readColumn(x, j, col);
            for (int i = 0; i < d; i++) { double e = col[i] - mu[i]; sd[i] += e * e; }
        }
        for (int i = 0; i < d; i++) { sd[i] = Math.sqrt(sd[i] / n); if (!(sd[i] > 0)) sd[i] = 1.0; }
        return new Standardize(true, mu, sd);
    }

    private static final int CHUNK = 1 << 16;

    private static int read(Matrix x, int k0, double[] chunk) {
        int len = Math.min(chunk.length, x.size() - k0);
        x.get(k0, chunk, 0, len);
        return len;
    }

    private static void readColumn(Matrix x, int j, double[] col) {
        x.get(j * x.rows(), col, 0, x.rows());
    }

    public double scalarMean() { return mean[0]; }
    public double scalarStd() { return std[0]; }

    /** x := (x − μ)/σ in place. */
    public void applyInPlace(Matrix x) {
        int d = x.rows(), n = x.cols();
        if (perFeature && mean.length != d) {
            throw new IllegalArgumentException("standardisation fitted on " + mean.length + " inputs, data has " + d);
        }
        double[] shift = new double[d], inv = new double[d];
        for (int i = 0; i < d; i++) {
            int f = perFeature ? i : 0;
            shift[i] = mean[f];
            inv[i] = 1.0 / std[f];
        }
        // in float64 either way, rounded once to float32 for F32 inputs (exactly what the float32 loop computed)
        double[] col = new double[d];
        for (int j = 0; j < n; j++) {
            x.get(j * d, col, 0, d);
            for (int i = 0; i < d; i++) col[i] = (col[i] - shift[i]) * inv[i];
            x.put(j * d, col, 0, d);
        }
    }

    /** Applies in place to the data set's inputs and returns the same data set. */
    public Dataset applyInPlace(Dataset d) {
        applyInPlace(d.x());
        return d;
    }

    @Override
    public String toString() {
        return perFeature ? "per-feature standardisation (" + mean.length + " inputs)"
                : String.format(java.util.Locale.ROOT, "x -> (x - %.6g) / %.6g", mean[0], std[0]);
    }
}
