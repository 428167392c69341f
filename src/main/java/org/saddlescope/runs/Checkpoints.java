package org.saddlescope.runs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.data.Npz;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;
import org.saddlescope.train.FastForward;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;
import org.saddlescope.io.AtomicFiles;

/**
 * checkpoints/ckpt-STEP.npz (the weights, bit-exact in the run's dtype: W1..WL, for mixed precision their low parts
 * W1_low..WL_low, and the optimiser's state arrays under the names it gives them), optionally
 * checkpoints/ckpt-STEP.state.npz (arrays of the probes' state, e.g. the spectral tracker's warm-start subspaces),
 * and checkpoints/state.json naming them with the trainer state, the probes' scalar state and the byte lengths of
 * the files the run appends to. Order of writes: arrays first, then state.json (each atomic), then older arrays
 * are deleted, so a kill at any moment leaves a state.json that points at complete files.
 */
public final class Checkpoints {
    private Checkpoints() {}

    public static final String STATE = RunFiles.CHECKPOINT_STATE;

    /**
     * A checkpoint: its weights file, the trainer state, the BLAS thread count the run used, the probes' extra
     * fields ({@code extra}: what {@link #save} was given) and their arrays file (null when none).
     */
    public record Saved(Path weights, TrainState state, int threads, JsonNode extra, Path arrays) {
        /** The probes' arrays (caller closes them); empty when the checkpoint has none. */
        public Map<String, Matrix> readArrays() {
            return arrays == null ? new LinkedHashMap<>() : Npz.read(arrays);
        }
    }

    /** Saves a checkpoint, with the probes' scalar state ({@code extra}, written into state.json) and arrays. */
    public static void save(RunFolder folder, Network net, Optimizer optimizer, TrainState state, int threads,
                            Map<String, Object> extra, Map<String, Matrix> probeArrays) {
        Path dir = folder.checkpoints();
        String name = RunFiles.checkpointWeights(state.step());
        Map<String, Matrix> arrays = arrays(net);
        for (Map.Entry<String, Matrix> e : optimizer.state().entrySet()) {
            if (arrays.put(e.getKey(), e.getValue()) != null) throw new IllegalStateException("optimiser state name " + e.getKey() + " clashes");
        }
        AtomicFiles.writeAtomically(dir.resolve(name), Npz.encode(arrays));
        String arraysName = null;
        if (!probeArrays.isEmpty()) {
            arraysName = RunFiles.checkpointArrays(state.step());
            AtomicFiles.writeAtomically(dir.resolve(arraysName), Npz.encode(probeArrays));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("weights", name);
        m.put("arrays", arraysName);
        m.put("step", state.step());
        m.put("epoch", state.epoch());
        m.put("batch_in_epoch", state.batchInEpoch());
        // Doubles as raw bits so the restored state is bit-identical (JSON decimal round trip is exact too,
        // but bits say so plainly).
        m.put("norm_squared_bits", Long.toHexString(Double.doubleToRawLongBits(state.normSquared())));
        m.put("window_loss_sum_bits", Long.toHexString(Double.doubleToRawLongBits(state.windowLossSum())));
        m.put("window_steps", state.windowSteps());
        m.put("optimizer", optimizer.spec());
        if (state.monitor() != null) m.put("monitor_bits", bitsList(state.monitor()));
        m.put("nominal_step", state.nominalStep());
        m.put("q_bits", Long.toHexString(Double.doubleToRawLongBits(state.q())));
        if (state.fastForward() != null) m.put("fast_forward_bits", bitsList(state.fastForward().toArray()));
        m.put("elapsed_seconds", state.elapsedSeconds());
        m.put("threads", threads);
        m.put("extra", extra);
        folder.writeJson(STATE, m);
        java.util.Set<String> keep = arraysName == null ? java.util.Set.of(name) : java.util.Set.of(name, arraysName);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, RunFiles.CHECKPOINT_GLOB)) {
            for (Path p : ds) if (!keep.contains(p.getFileName().toString())) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> bitsList(double[] values) {
        List<String> bits = new ArrayList<>();
        for (double v : values) bits.add(Long.toHexString(Double.doubleToRawLongBits(v)));
        return bits;
    }

    /** What a checkpoint holds besides the trainer state: the stored weights exactly, as named arrays (live). */
    static Map<String, Matrix> arrays(Network net) {
        Map<String, Matrix> m = new LinkedHashMap<>();
        for (int l = 1; l <= net.depth(); l++) m.put("W" + l, net.weight(l));
        for (int l = 1; l <= net.depth(); l++) if (net.low(l) != null) m.put("W" + l + "_low", net.low(l));
        return m;
    }

    /** Sets {@code net} and {@code optimizer} to a checkpoint's weights and state, bit for bit. */
    public static void restore(Saved saved, Network net, Optimizer optimizer) {
        Map<String, Matrix> a = Npz.read(saved.weights());
        try {
            Map<String, Matrix> weights = new LinkedHashMap<>();
            for (int l = 1; a.containsKey("W" + l); l++) weights.put("W" + l, a.remove("W" + l));
            Weights.fill(saved.weights(), weights, net);
            for (Matrix m : weights.values()) m.close();
            for (int l = 1; l <= net.depth(); l++) {
                Matrix lo = a.remove("W" + l + "_low");
                if ((lo == null) != (net.low(l) == null)) {
                    throw new BadInputException(saved.weights() + (lo == null ? " has no low parts, but the run is mixed precision"
                            : " has low parts, but the run is not mixed precision"));
                }
                if (lo == null) continue;
                if (lo.dtype() != DType.F32 || lo.rows() != net.low(l).rows() || lo.cols() != net.low(l).cols()) {
                    throw new BadInputException(saved.weights() + ": W" + l + "_low must be a float32 array of W" + l + "'s shape");
                }
                net.low(l).copyFrom(lo);
                lo.close();
            }
            try {
                optimizer.restore(net, a);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(saved.weights() + ": " + e.getMessage());
            }
        } finally {
            for (Matrix m : a.values()) m.close();
        }
    }

    /** The latest complete checkpoint, or null if the run never wrote one; bad input naming the file if unreadable. */
    public static Saved latest(RunFolder folder) {
        Path state = folder.path(STATE);
        if (!Files.exists(state)) return null;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(state);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + state + ": " + e.getMessage());
        }
        return parse(bytes, state, folder.path(RunFiles.CHECKPOINTS));
    }

    /** state.json's bytes into a checkpoint whose files are in {@code dir}; every defect is bad input naming {@code file}. */
    public static Saved parse(byte[] bytes, Path file, Path dir) {
        JsonNode n;
        try {
            n = Json.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON (" + BadInputException.firstLine(e.getMessage()) + ")");
        }
        if (n == null || !n.isObject()) throw new BadInputException(file + ": expected a JSON object");
        Path weights = dir.resolve(fileName(n, "weights", file));
        if (!Files.isRegularFile(weights)) throw new BadInputException(file + " names " + weights + ", which is missing");
        Path arrays = null;
        if (n.hasNonNull("arrays")) {
            arrays = dir.resolve(fileName(n, "arrays", file));
            if (!Files.isRegularFile(arrays)) throw new BadInputException(file + " names " + arrays + ", which is missing");
        }
        long step = integer(n, "step", file, 0, Long.MAX_VALUE);
        long epoch = integer(n, "epoch", file, 0, Long.MAX_VALUE);
        int batchInEpoch = (int) integer(n, "batch_in_epoch", file, 0, Integer.MAX_VALUE);
        double norm2 = bits(n.get("norm_squared_bits"), "norm_squared_bits", file);
        if (!(norm2 >= 0) || Double.isInfinite(norm2)) throw new BadInputException(file + ": norm_squared_bits is not a finite ‖θ‖² ≥ 0");
        double window = bits(n.get("window_loss_sum_bits"), "window_loss_sum_bits", file);
        long windowSteps = integer(n, "window_steps", file, 0, Long.MAX_VALUE);
        JsonNode el = n.get("elapsed_seconds");
        if (el == null || !el.isNumber()) throw new BadInputException(file + ": missing or non-numeric field 'elapsed_seconds'");
        int threads = n.has("threads") ? (int) integer(n, "threads", file, 1, 4096) : 1;
        double[] monitor = n.has("monitor_bits") ? bitsArray(n.get("monitor_bits"), "monitor_bits", file) : null;
        // Checkpoints from before the fast-forward: the nominal step is the step, q unknown (the trainer derives it).
        long nominal = n.has("nominal_step") ? integer(n, "nominal_step", file, step, Long.MAX_VALUE) : step;
        double q = n.has("q_bits") ? bits(n.get("q_bits"), "q_bits", file) : Double.NaN;
        FastForward.State ff = null;
        if (n.has("fast_forward_bits")) {
            try {
                ff = FastForward.State.fromArray(bitsArray(n.get("fast_forward_bits"), "fast_forward_bits", file));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file + ": " + e.getMessage());
            }
        }
        TrainState s = new TrainState(step, epoch, batchInEpoch, norm2, window, windowSteps, el.asDouble(), monitor, nominal, q, ff);
        JsonNode extra = n.path("extra");
        return new Saved(weights, s, threads, extra.isObject() ? extra : Json.JSON.createObjectNode(), arrays);
    }

    private static double[] bitsArray(JsonNode mb, String field, Path file) {
        if (!mb.isArray()) throw new BadInputException(file + ": field '" + field + "' is not a list");
        double[] out = new double[mb.size()];
        for (int i = 0; i < out.length; i++) out[i] = bits(mb.get(i), field, file);
        return out;
    }

    private static String fileName(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new BadInputException(file + ": missing or non-text field '" + field + "'");
        String s = v.asText();
        if (!s.matches(RunFiles.CHECKPOINT_PATTERN)) throw new BadInputException(file + ": field '" + field + "' is not a checkpoint file name: '" + s + "'");
        return s;
    }

    static long integer(JsonNode n, String field, Path file, long min, long max) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new BadInputException(file + ": missing or non-integer field '" + field + "'");
        }
        long x = v.asLong();
        if (x < min || x > max) throw new BadInputException(file + ": field '" + field + "' = " + x + " is out of range");
        return x;
    }

    private static double bits(JsonNode v, String field, Path file) {
        if (v == null || !v.isTextual()) throw new BadInputException(file + ": missing or non-text field '" + field + "'");
        String s = v.asText();
        if (!s.matches("[0-9a-fA-F]{1,16}")) {
            throw new BadInputException(file + ": field '" + field + "' = '" + s + "' is not the hex bits of a double (1-16 hex digits)");
        }
        return Double.longBitsToDouble(Long.parseUnsignedLong(s, 16));
    }
}
