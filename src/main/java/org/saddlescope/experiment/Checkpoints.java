package org.saddlescope.experiment;

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
import org.saddlescope.train.TrainState;
import org.saddlescope.train.optim.Optimizer;

/**
 * checkpoints/ckpt-STEP.npz (the weights, bit-exact in the run's dtype: W1..WL, for mixed precision their low parts
 * W1_low..WL_low, and the optimiser's state arrays under the names it gives them) and checkpoints/state.json
 * naming the latest one with the trainer state. Order of writes: weights first, then state.json (each atomic), then older
 * weights are deleted, so a kill at any moment leaves a state.json that points at a complete checkpoint.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** A checkpoint: its weights file, the trainer state, and the BLAS thread count the run used. */
    public record Saved(Path weights, TrainState state, int threads) { }

    public static void save(RunFolder folder, Network net, Optimizer optimizer, TrainState state, int threads) {
        Path dir = folder.checkpoints();
        String name = String.format("ckpt-%010d.npz", state.step());
        Map<String, Matrix> arrays = arrays(net);
        for (Map.Entry<String, Matrix> e : optimizer.state().entrySet()) {
            if (arrays.put(e.getKey(), e.getValue()) != null) throw new IllegalStateException("optimiser state name " + e.getKey() + " clashes");
        }
        RunFolder.writeAtomically(dir.resolve(name), Npz.encode(arrays));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("weights", name);
        m.put("step", state.step());
        m.put("epoch", state.epoch());
        m.put("batch_in_epoch", state.batchInEpoch());
        // Doubles as raw bits so the restored state is bit-identical (JSON decimal round trip is exact too,
        // but bits say so plainly).
        m.put("norm_squared_bits", Long.toHexString(Double.doubleToRawLongBits(state.normSquared())));
        m.put("window_loss_sum_bits", Long.toHexString(Double.doubleToRawLongBits(state.windowLossSum())));
        m.put("window_steps", state.windowSteps());
        m.put("optimizer", optimizer.spec());
        if (state.monitor() != null) {
            List<String> bits = new ArrayList<>();
            for (double v : state.monitor()) bits.add(Long.toHexString(Double.doubleToRawLongBits(v)));
            m.put("monitor_bits", bits);
        }
        m.put("elapsed_seconds", state.elapsedSeconds());
        m.put("threads", threads);
        folder.writeJson("checkpoints/state.json", m);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "ckpt-*.npz")) {
            for (Path p : ds) if (!p.getFileName().toString().equals(name)) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** The latest complete checkpoint, or null if the run never wrote one. */
    public static Saved latest(RunFolder folder) {
        Path state = folder.path("checkpoints/state.json");
        if (!Files.exists(state)) return null;
        try {
            JsonNode n = RunFolder.JSON.readTree(state.toFile());
            Path weights = folder.path("checkpoints").resolve(n.get("weights").asText());
            if (!Files.exists(weights)) throw new BadInputException(state + " names " + weights + ", which is missing");
            double[] monitor = null;
            if (n.has("monitor_bits")) {
                monitor = new double[n.get("monitor_bits").size()];
                for (int i = 0; i < monitor.length; i++) monitor[i] = Double.longBitsToDouble(Long.parseUnsignedLong(n.get("monitor_bits").get(i).asText(), 16));
            }
            TrainState s = new TrainState(n.get("step").asLong(), n.get("epoch").asLong(), n.get("batch_in_epoch").asInt(),
                    Double.longBitsToDouble(Long.parseUnsignedLong(n.get("norm_squared_bits").asText(), 16)),
                    Double.longBitsToDouble(Long.parseUnsignedLong(n.get("window_loss_sum_bits").asText(), 16)),
                    n.get("window_steps").asLong(), n.get("elapsed_seconds").asDouble(), monitor);
            return new Saved(weights, s, n.path("threads").asInt(1));
        } catch (IOException | NullPointerException e) {
            throw new BadInputException("unreadable checkpoint state " + state + ": " + e.getMessage());
        }
    }
}
