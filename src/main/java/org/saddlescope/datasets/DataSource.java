package org.saddlescope.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.saddlescope.data.Catalog;
import org.saddlescope.data.Cifar10;
import org.saddlescope.data.DataFileException;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Idx;
import org.saddlescope.data.Standardize;
import org.saddlescope.data.Subsets;
import org.saddlescope.data.Synthetic;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.random.RandomStreams;

/**
 * The one place that turns a {@code --dataset} spec into training (and test) data, for every command.
 * It lives in {@code experiment}, not {@code data}, because teacher specs name an activation ({@code net}),
 * and {@code data} does not import {@code net}.
 *
 * <pre>
 *   fashion-mnist[:DIR]        Fashion-MNIST IDX files (default: the data folder, else Debian's /usr/share/datasets/fashion-mnist)
 *   mnist[:DIR]                MNIST IDX files (default: the data folder, else /usr/share/datasets/mnist)
 *   cifar10[:DIR][:rgb|:grey]  CIFAR-10 binary batches, grey 1024 inputs (default) or RGB 3072 (default folder as above)
 *   example1[:N]               the Example 1 circle (section 4), N points (default 8), with its G
 *   teacher[:k=v,...]          Gaussian inputs, random rank-limited teacher network; keys
 *                              n, test, d, out, depth, width, rank, act, normalize, seed
 *   modes:s=S1/S2/..[,k=v...]  linear multi-mode teacher Σ s_i u_i v_iᵀ x; keys n, test, d, out, seed
 *   relu-modes:s=...           sum of single-neuron ReLU teachers s_i u_i relu(v_iᵀ x); same keys
 * </pre>
 * Without DIR the real sets come from {@link DataStore} (the data folder that {@code saddlescope data fetch|import}
 * fills), else its system folder. Image data are standardised as in appendix B by default (x ↦ (x/255 − μ)/σ, μ and σ over all pixels of
 * the whole training split, applied to both splits); synthetic data are left as they are. The data seed of the
 * synthetic specs is their own {@code seed} key (default 0), so the run's seed can vary θ0 over the same data;
 * the data draw from that seed's streams {@code data}, {@code data-test}, {@code teacher}, θ0 from the run seed's
 * {@code init} (see {@link RandomStreams}), so the two never coincide even when both seeds are equal.
 */
public final class DataSource {
    private DataSource() {}

    public static final String SPECS = "fashion-mnist[:DIR], mnist[:DIR], cifar10[:DIR][:rgb], example1[:N], "
            + "teacher[:k=v,...], modes:s=S1/S2/...[,k=v...], relu-modes:s=...";

    /**
     * @param subset      training samples to keep (0 = all)
     * @param testSubset  test samples to keep (0 = all, −1 = no test set)
     * @param subsetKind  how subsets are chosen (first n, seeded random, seeded stratified by class)
     * @param standardize auto (scalar for images, none for synthetic), scalar, feature, none
     * @param seed        the run seed: random subsets draw from its streams ("subset", 0) and ("subset", 1)
     */
    public record Options(int subset, int testSubset, Subsets.Kind subsetKind, Standardization standardize, DType dtype, long seed) {
        public static Options defaults(DType dtype) {
            return new Options(0, 0, Subsets.Kind.FIRST, Standardization.AUTO, dtype, 0);
        }
        public Options withSubset(int n, int test) { return new Options(n, test, subsetKind, standardize, dtype, seed); }
        SplittableRandom subsetStream(boolean train) { return RandomStreams.of(seed).stream("subset", train ? 0 : 1); }
    }

    /**
     * Loaded data: {@code test} is null when there is none; {@code g} is the data set's own loss gradient at
     * the origin where it defines one (Example 1), else null (take it from the cost); {@code standardization}
     * is null when none was applied; {@code info} is a summary for manifests and reports.
     */
    public record Loaded(Dataset train, Dataset test, Matrix g, Standardize standardization, Map<String, Object> info) {}

    public static Loaded load(String spec, Options o) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty dataset spec (use " + SPECS + ")");
        String s = spec.trim();
        int colon = s.indexOf(':');
        String kind = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : s.substring(colon + 1);
        Catalog.Spec real = Catalog.find(kind);
        if (real == Catalog.CIFAR10) {
            boolean rgb = false;
            String dir = rest;
            String lower = rest.toLowerCase(Locale.ROOT);
            if (lower.equals("rgb") || lower.endsWith(":rgb")) { rgb = true; dir = rest.substring(0, Math.max(0, rest.length() - 4)); }
            else if (lower.equals("grey") || lower.endsWith(":grey") || lower.equals("gray") || lower.endsWith(":gray")) {
                dir = rest.substring(0, Math.max(0, rest.length() - 5));
            }
            return images(real.name(), dir.isEmpty() ? stored(real) : Path.of(dir), true, rgb, o, spec);
        }
        if (real != null) return images(real.name(), rest.isEmpty() ? stored(real) : Path.of(rest), false, false, o, spec);
        switch (kind) {
            case "example1": {
                int n = 8;
                if (!rest.isEmpty()) {
                    String v = rest.startsWith("n=") ? rest.substring(2) : rest;
                    n = parseInt(v, "example1 N", spec);
                }
                Synthetic.Example1 e = Synthetic.example1(n, o.dtype());
                Dataset train = Subsets.subset(e.dataset(), o.subset(), o.subsetKind(), o.subsetStream(true));
                if (train != e.dataset()) throw new IllegalArgumentException("example1 cannot be subset (its G is fixed); drop the subset option");
                return finish(spec, train, null, e.g(), o, false);
            }
            case "teacher": {
                Map<String, String> kv = keys(rest, spec, "n", "test", "d", "out", "depth", "width", "rank", "act", "normalize", "seed");
                String actName = kv.getOrDefault("act", "relu");
                DoubleUnaryOperator act = Activation.parse(actName)::value;
                Synthetic.Teacher t = Synthetic.teacherNetwork(intKey(kv, "d", 16, spec), intKey(kv, "n", 256, spec),
                        intKey(kv, "test", 0, spec), intKey(kv, "depth", 3, spec), intKey(kv, "width", 32, spec),
                        intKey(kv, "rank", 1, spec), intKey(kv, "out", 4, spec), act, actName,
                        boolKey(kv, "normalize", true, spec), o.dtype(), RandomStreams.of(longKey(kv, "seed", 0, spec)));
                return finish(spec, t.train(), t.test(), null, o, false);
            }
            case "modes": case "relu-modes": {
                Map<String, String> kv = keys(rest, spec, "s", "n", "test", "d", "out", "seed");
                if (!kv.containsKey("s")) throw new IllegalArgumentException(kind + " needs strengths, e.g. '" + kind + ":s=4/2/1' (in '" + spec + "')");
                String[] parts = kv.get("s").split("/");
                double[] strengths = new double[parts.length];
                for (int i = 0; i < parts.length; i++) strengths[i] = parseDouble(parts[i], "strength", spec);
                int d = intKey(kv, "d", 16, spec), out = intKey(kv, "out", Math.max(4, strengths.length), spec);
                int n = intKey(kv, "n", 256, spec), test = intKey(kv, "test", 0, spec);
                RandomStreams data = RandomStreams.of(longKey(kv, "seed", 0, spec));
                Synthetic.Teacher t = kind.equals("modes") ? Synthetic.modes(d, n, test, out, strengths, o.dtype(), data)
                        : Synthetic.reluModes(d, n, test, out, strengths, o.dtype(), data);
                return finish(spec, t.train(), t.test(), null, o, false);
            }
            default:
                throw new IllegalArgumentException("unknown dataset '" + kind + "' (use " + SPECS + ")");
        }
    }

    /** The folder --dataset NAME reads when no DIR is given (the data folder, else the system folder), or a one-line error. */
    static Path stored(Catalog.Spec s) {
        return DataStore.standard().require(s).dir();
    }

    private static Loaded images(String name, Path dir, boolean cifar, boolean rgb, Options o, String spec) {
        Dataset train = cifar ? Cifar10.loadSplit(dir, true, rgb, o.dtype()) : Idx.loadSplit(dir, true, name, o.dtype());
        Standardization mode = o.standardize().resolve(true);
        // μ, σ over the whole training split (the paper's "dataset-wide" statistics), before any subset
        Standardize st = fit(train, mode);
        Dataset sub = Subsets.subset(train, o.subset(), o.subsetKind(), o.subsetStream(true));
        if (sub != train) { train.x().close(); train.targets().close(); }
        Dataset test = null;
        if (o.testSubset() >= 0) {
            Dataset full = cifar ? Cifar10.loadSplit(dir, false, rgb, o.dtype()) : Idx.loadSplit(dir, false, name, o.dtype());
            if (full.inputDim() != train.inputDim()) {
                throw new DataFileException(Idx.imagesFile(dir, false), "images have " + full.inputDim() + " pixels but the training images ("
                        + Idx.imagesFile(dir, true).getFileName() + ") have " + train.inputDim());
            }
            test = Subsets.subset(full, o.testSubset(), o.subsetKind(), o.subsetStream(false));
            if (test != full) { full.x().close(); full.targets().close(); }
        }
        if (st != null) {
            st.applyInPlace(sub);
            if (test != null) st.applyInPlace(test);
        }
        Loaded l = finish(spec, sub, test, null, o, true);
        Map<String, Object> info = new LinkedHashMap<>(l.info());
        info.put("folder", dir.toString());
        info.put("checksums", DataStore.standard().describe(dir, Catalog.get(name)));
        info.put("full_train_size", train.size());
        if (st != null) info.put("standardization", st.perFeature() ? "per-feature" : Map.of("mean", st.scalarMean(), "std", st.scalarStd()));
        return new Loaded(sub, test, null, st, info);
    }

    private static Standardize fit(Dataset train, Standardization mode) {
        switch (mode) {
            case SCALAR: return Standardize.fitScalar(train.x());
            case FEATURE: return Standardize.fitPerFeature(train.x());
            default: return null;
        }
    }

    private static Loaded finish(String spec, Dataset train, Dataset test, Matrix g, Options o, boolean images) {
        Standardize st = null;
        if (!images) {
            Standardization mode = o.standardize().resolve(false);
            Dataset sub = Subsets.subset(train, o.subset(), o.subsetKind(), o.subsetStream(true));
            st = fit(sub, mode);
            if (st != null) {
                if (sub == train) sub = sub.select(identity(sub.size()), sub.name()); // do not modify a shared input
                st.applyInPlace(sub);
                if (test != null) { test = test.select(identity(test.size()), test.name()); st.applyInPlace(test); }
            }
            train = sub;
            if (o.testSubset() < 0) test = null;
            else if (test != null) test = Subsets.subset(test, o.testSubset(), o.subsetKind(), o.subsetStream(false));
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("spec", spec);
        info.put("name", train.name());
        info.put("inputs", train.inputDim());
        info.put("outputs", train.outputDim());
        info.put("train_size", train.size());
        info.put("test_size", test == null ? 0 : test.size());
        info.put("classes", train.numClasses());
        info.put("dtype", o.dtype().label());
        return new Loaded(train, test, g, st, info);
    }

    private static int[] identity(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return idx;
    }

    private static Map<String, String> keys(String rest, String spec, String... known) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (rest.isEmpty()) return kv;
        List<String> names = List.of(known);
        for (String part : rest.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("expected key=value, got '" + p + "' in dataset '" + spec + "'");
            String k = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!names.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' in dataset '" + spec + "' (known: " + String.join(", ", names) + ")");
            }
            kv.put(k, p.substring(eq + 1).trim());
        }
        return kv;
    }

    private static int intKey(Map<String, String> kv, String k, int dflt, String spec) {
        return kv.containsKey(k) ? parseInt(kv.get(k), k, spec) : dflt;
    }

    private static long longKey(Map<String, String> kv, String k, long dflt, String spec) {
        if (!kv.containsKey(k)) return dflt;
        try {
            return Long.parseLong(kv.get(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + k + " '" + kv.get(k) + "' in dataset '" + spec + "' (expected an integer)");
        }
    }

    private static boolean boolKey(Map<String, String> kv, String k, boolean dflt, String spec) {
        if (!kv.containsKey(k)) return dflt;
        String v = kv.get(k).toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("1") || v.equals("yes")) return true;
        if (v.equals("false") || v.equals("0") || v.equals("no")) return false;
        throw new IllegalArgumentException("bad " + k + " '" + kv.get(k) + "' in dataset '" + spec + "' (expected true or false)");
    }

    private static int parseInt(String v, String what, String spec) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + " '" + v + "' in dataset '" + spec + "' (expected an integer)");
        }
    }

    private static double parseDouble(String v, String what, String spec) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + " '" + v + "' in dataset '" + spec + "' (expected a number)");
        }
    }

    /** Every spec kind, for help texts. */
    public static List<String> kinds() {
        return new ArrayList<>(List.of("fashion-mnist", "mnist", "cifar10", "example1", "teacher", "modes", "relu-modes"));
    }
}
