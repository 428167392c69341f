package org.saddlescope.net;

import java.util.Locale;
import org.apache.commons.math3.special.Erf;
import org.saddlescope.linalg.Elementwise;
import org.saddlescope.linalg.Matrix;

/**
 * Elementwise nonlinearity σ with its derivative. The bulk methods work on whole matrices of either dtype;
 * ReLU, identity and leaky ReLU have dedicated loops because they sit in every hot path.
 */
public abstract class Activation {
    private final String name;

    protected Activation(String name) {
        this.name = name;
    }

    public abstract double value(double z);

    public abstract double derivative(double z);

    /** Second derivative, used by the activation-class analysis (Taylor coefficients at 0). */
    public abstract double secondDerivative(double z);

    /** True when σ(λz) = λσ(z) for λ > 0 (ReLU, leaky ReLU, identity): L0 is then L-homogeneous. */
    public boolean positivelyHomogeneous() {
        return false;
    }

    /** Spec string that {@link #parse} reads back, e.g. "relu" or "leaky_relu:0.1". */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }

    /** out := σ(z) (out may be z). */
    public void apply(Matrix z, Matrix out) {
        int n = z.size();
        for (int k = 0; k < n; k++) out.setFlat(k, value(z.getFlat(k)));
    }

    /** delta := delta ⊙ σ'(z), the step of backpropagation through the nonlinearity. */
    public void multiplyByDerivative(Matrix z, Matrix delta) {
        int n = z.size();
        for (int k = 0; k < n; k++) delta.setFlat(k, delta.getFlat(k) * derivative(z.getFlat(k)));
    }

    public static final Activation RELU = new Leaky("relu", 0.0);
    public static final Activation IDENTITY = new Activation("identity") {
        @Override public double value(double z) { return z; }
        @Override public double derivative(double z) { return 1; }
        @Override public double secondDerivative(double z) { return 0; }
        @Override public boolean positivelyHomogeneous() { return true; }
        @Override public void apply(Matrix z, Matrix out) { if (out != z) out.copyFrom(z); }
        @Override public void multiplyByDerivative(Matrix z, Matrix delta) { }
    };
    public static final Activation TANH = new Activation("tanh") {
        @Override public double value(double z) { return Math.tanh(z); }
        @Override public double derivative(double z) { double t = Math.tanh(z); return 1 - t * t; }
        @Override public double secondDerivative(double z) { double t = Math.tanh(z); return -2 * t * (1 - t * t); }
    };
    public static final Activation SIGMOID = new Activation("sigmoid") {
        @Override public double value(double z) { return sigmoid(z); }
        @Override public double derivative(double z) { double s = sigmoid(z); return s * (1 - s); }
        @Override public double secondDerivative(double z) { double s = sigmoid(z); return s * (1 - s) * (1 - 2 * s); }
    };
    /** softplus(z) = log(1 + e^z), computed without overflow. */
    public static final Activation SOFTPLUS = new Activation("softplus") {
        @Override public double value(double z) { return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)); }
        @Override public double derivative(double z) { return sigmoid(z); }
        @Override public double secondDerivative(double z) { double s = sigmoid(z); return s * (1 - s); }
    };
    /** Exact GELU z·Φ(z) (PyTorch's default, approximate='none'). */
    public static final Activation GELU = new Activation("gelu") {
        @Override public double value(double z) { return z * phiCdf(z); }
        @Override public double derivative(double z) { return phiCdf(z) + z * phiPdf(z); }
        @Override public double secondDerivative(double z) { return phiPdf(z) * (2 - z * z); }
    };
    /** SiLU (swish) z·sigmoid(z). */
    public static final Activation SILU = new Activation("silu") {
        @Override public double value(double z) { return z * sigmoid(z); }
        @Override public double derivative(double z) { double s = sigmoid(z); return s * (1 + z * (1 - s)); }
        @Override public double secondDerivative(double z) { double s = sigmoid(z); return s * (1 - s) * (2 + z * (1 - 2 * s)); }
    };

    public static Activation leakyRelu(double slope) {
        return new Leaky("leaky_relu:" + slope, slope);
    }

    /** Names accepted on the command line and in configs. */
    public static final String NAMES = "relu, identity, leaky_relu[:slope], tanh, sigmoid, softplus, gelu, silu";

    public static Activation parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("leaky_relu") || s.startsWith("leakyrelu")) {
            int c = s.indexOf(':');
            double slope = 0.01;
            if (c >= 0) {
                try {
                    slope = Double.parseDouble(s.substring(c + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad leaky_relu slope in '" + spec + "'");
                }
            }
            return leakyRelu(slope);
        }
        switch (s) {
            case "relu": return RELU;
            case "identity": case "linear": return IDENTITY;
            case "tanh": return TANH;
            case "sigmoid": return SIGMOID;
            case "softplus": return SOFTPLUS;
            case "gelu": return GELU;
            case "silu": case "swish": return SILU;
            default: throw new IllegalArgumentException("unknown activation '" + spec + "' (use " + NAMES + ")");
        }
    }

    static double sigmoid(double z) {
        if (z >= 0) return 1 / (1 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1 + e);
    }

    static double phiCdf(double z) {
        return 0.5 * Erf.erfc(-z / Math.sqrt(2));
    }

    static double phiPdf(double z) {
        return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }

    /** ReLU (slope 0) and leaky ReLU: σ(z) = z for z > 0, slope·z otherwise. σ'(0) is taken as slope. */
    private static final class Leaky extends Activation {
        private final double slope;

        Leaky(String name, double slope) {
            super(name);
            this.slope = slope;
        }

        @Override public double value(double z) { return z > 0 ? z : slope * z; }
        @Override public double derivative(double z) { return z > 0 ? 1 : slope; }
        @Override public double secondDerivative(double z) { return 0; }
        @Override public boolean positivelyHomogeneous() { return true; }

        // Hot loops of every training step: linalg's branch-free kernels for both dtypes.
        @Override
        public void apply(Matrix z, Matrix out) {
            Elementwise.leakyRelu(z, out, slope);
        }

        /** δ ⊙ σ'(z) with σ'(z) = 1 for z > 0, slope otherwise (σ'(0) = slope, as PyTorch takes ReLU'(0) = 0). */
        @Override
        public void multiplyByDerivative(Matrix z, Matrix delta) {
            Elementwise.multiplyByLeakyReluDerivative(z, delta, slope);
        }
    }
}
