package org.saddlescope.data;

import java.util.Arrays;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;

/**
 * Inputs X (d_in × N, one column per sample, as in the paper) with targets T (n_out × N): regression targets
 * or one-hot labels. {@code labels} holds the class of each sample where there are classes (null otherwise).
 */
public record Dataset(String name, Matrix x, Matrix targets, int[] labels, int numClasses) {

    public int size() { return x.cols(); }
    public int inputDim() { return x.rows(); }
    public int outputDim() { return targets.rows(); }
    public boolean hasLabels() { return labels != null; }
    public DType dtype() { return x.dtype(); }

    /** One-hot targets (K × N) for labels in [0, K). */
    public static Matrix oneHot(DType dtype, int[] labels, int numClasses) {
        Matrix t = Matrix.zeros(dtype, numClasses, labels.length);
        for (int j = 0; j < labels.length; j++) t.set(labels[j], j, 1.0);
        return t;
    }

    /** Classification data from inputs and labels. */
    public static Dataset classification(String name, Matrix x, int[] labels, int numClasses) {
        return new Dataset(name, x, oneHot(x.dtype(), labels, numClasses), labels, numClasses);
    }

    /** The samples at the given indices, in that order (copies). */
    public Dataset select(int[] idx, String newName) {
        Matrix xs = Matrix.zeros(x.dtype(), x.rows(), idx.length);
        xs.gatherColumns(x, idx, 0);
        Matrix ts = Matrix.zeros(targets.dtype(), targets.rows(), idx.length);
        ts.gatherColumns(targets, idx, 0);
        int[] ls = null;
        if (labels != null) {
            ls = new int[idx.length];
            for (int k = 0; k < idx.length; k++) ls[k] = labels[idx[k]];
        }
        return new Dataset(newName, xs, ts, ls, numClasses);
    }

    /** The first n samples. */
    public Dataset head(int n) {
        if (n >= size()) return this;
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return select(idx, name + "[:" + n + "]");
    }

    /** Same data in another dtype. */
    public Dataset to(DType dtype) {
        if (dtype == x.dtype()) return this;
        return new Dataset(name, x.to(dtype), targets.to(dtype), labels, numClasses);
    }

    /** Fraction of columns whose largest output is the labelled class. */
    public static double accuracy(Matrix outputs, int[] labels, int offset) {
        int correct = 0;
        for (int j = 0; j < outputs.cols(); j++) {
            int best = 0;
            double bv = outputs.get(0, j);
            for (int k = 1; k < outputs.rows(); k++) if (outputs.get(k, j) > bv) { bv = outputs.get(k, j); best = k; }
            if (best == labels[offset + j]) correct++;
        }
        return outputs.cols() == 0 ? Double.NaN : (double) correct / outputs.cols();
    }
}
