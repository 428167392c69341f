package org.saddlescope.runs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.data.DataFileException;
import org.saddlescope.data.Npz;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.io.Version;
import org.saddlescope.io.Json;
import org.saddlescope.io.AtomicFiles;

/**
 * Network weights as NumPy {@code .npz}: arrays W1..WL, W_ℓ of shape (n_ℓ, n_{ℓ−1}) as in the paper, so
 * {@code np.load(f)["W1"] @ x} is the first pre-activation. Extra arrays in a file (a user's notes, biases of
 * a converted model) are an error when loading, since this network has no place for them.
 */
public final class Weights {
    private Weights() {}

    /**
     * W1..WL as stored: the live matrices (encode them before changing the network), or for mixed precision new
     * float64 matrices holding each weight's high + low part.
     */
    public static Map<String, Matrix> arrays(Network net) {
        Map<String, Matrix> m = new LinkedHashMap<>();
        for (int l = 1; l <= net.depth(); l++) m.put("W" + l, net.low(l) == null ? net.weight(l) : net.storedCopy(l));
        return m;
    }

    public static byte[] encode(Network net) {
        Map<String, Matrix> a = arrays(net);
        try {
            return Npz.encode(a);
        } finally {
            if (net.low(1) != null) for (Matrix m : a.values()) m.close();
        }
    }

    /** Writes W1..WL to {@code file} atomically. */
    public static void save(Network net, Path file) {
        AtomicFiles.writeAtomically(file, encode(net));
    }

    /**
     * Writes W1..WL and, beside them, the text entry {@code provenance}: JSON of what made the weights (program version,
     * command, seed, config, data with its checksums; see {@link #provenance}), so a weights file explains itself:
     * {@code json.loads(str(np.load(f)["provenance"]))}.
     */
    public static void save(Network net, Path file, Map<String, Object> provenance) {
        Map<String, Matrix> a = arrays(net);
        try {
            String json = Json.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(provenance);
            AtomicFiles.writeAtomically(file, Npz.encode(a, Map.of(PROVENANCE, json)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("provenance is not serialisable: " + e.getMessage(), e);
        } finally {
            if (net.low(1) != null) for (Matrix m : a.values()) m.close();
        }
    }

    /** Name of the text entry that {@link #save(Network, Path, Map)} adds. */
    public static final String PROVENANCE = "provenance";

    /**
     * What made a weights file: program version, command, seed, the config fields that determine the weights (for
     * train, all but budget and cadences: {@link TrainConfig#weightsFields}) and the data (spec, sizes, standardisation,
     * checksums as the data source reports them), and how to read the arrays. Nothing that differs between a run and
     * its resumed or extended self (no times, no machine, no budget), so those write the same bytes.
     */
    public static Map<String, Object> provenance(String command, long seed, Object config, Map<String, Object> data) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("saddlescope", Version.VERSION);
        p.put("java", System.getProperty("java.version"));
        p.put("command", command);
        p.put("seed", seed);
        p.put("config", config);
        if (data != null) p.put("data", data);
        p.put("arrays", "W1..WL, W_l of shape (n_l, n_{l-1}): Y = W_L s(... s(W_1 X)) with X one sample per column, no biases");
        return p;
    }

    /**
     * Fills {@code net}'s weights from {@code file} (converting dtype; a mixed-precision network reads them as
     * float64); names and shapes must match exactly.
     */
    public static void load(Path file, Network net) {
        Map<String, Matrix> a = Npz.read(file, net.low(1) != null ? DType.F64 : net.dtype());
        try {
            fill(file, a, net);
        } finally {
            for (Matrix m : a.values()) m.close();
        }
    }

    /** Copies W1..WL from {@code arrays} into {@code net}, checking names and shapes. */
    public static void fill(Path source, Map<String, Matrix> arrays, Network net) {
        int depth = layerCount(source, arrays);
        if (depth != net.depth()) {
            throw new DataFileException(source, "has " + depth + " layers (W1..W" + depth + ") but the network has depth " + net.depth());
        }
        for (int l = 1; l <= depth; l++) {
            Matrix w = arrays.get("W" + l), target = net.weight(l);
            if (w.rows() != target.rows() || w.cols() != target.cols()) {
                throw new DataFileException(source, "W" + l + " has shape (" + w.rows() + ", " + w.cols() + ") but the network's W"
                        + l + " is (" + target.rows() + ", " + target.cols() + ")");
            }
            if (!w.allFinite()) throw new DataFileException(source, "W" + l + " has NaN or infinite entries");
        }
        for (int l = 1; l <= depth; l++) net.setWeight(l, arrays.get("W" + l));
    }

    /** A new network whose widths come from the file's shapes. */
    public static Network loadNew(Path file, Activation activation, DType dtype) {
        Map<String, Matrix> a = Npz.read(file, dtype);
        try {
            int depth = layerCount(file, a);
            int[] widths = new int[depth + 1];
            widths[0] = a.get("W1").cols();
            for (int l = 1; l <= depth; l++) {
                Matrix w = a.get("W" + l);
                if (w.cols() != widths[l - 1]) {
                    throw new DataFileException(file, "W" + l + " has " + w.cols() + " columns but W" + (l - 1) + " has " + widths[l - 1] + " rows");
                }
                widths[l] = w.rows();
            }
            Network net = new Network(widths, activation, dtype);
            fill(file, a, net);
            return net;
        } finally {
            for (Matrix m : a.values()) m.close();
        }
    }

    /** L such that the arrays are exactly W1..WL. */
    private static int layerCount(Path source, Map<String, Matrix> arrays) {
        int depth = 0;
        while (arrays.containsKey("W" + (depth + 1))) depth++;
        if (depth == 0) throw new DataFileException(source, "no array W1 (arrays: " + String.join(", ", arrays.keySet()) + ")");
        if (arrays.size() != depth) {
            List<String> extra = new ArrayList<>();
            for (String k : arrays.keySet()) if (!k.matches("W[1-9][0-9]*") || Integer.parseInt(k.substring(1)) > depth) extra.add(k);
            throw new DataFileException(source, "arrays other than W1..W" + depth + ": " + String.join(", ", extra));
        }
        return depth;
    }
}
