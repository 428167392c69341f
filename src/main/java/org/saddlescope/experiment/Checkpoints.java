package org.saddlescope.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.saddlescope.net.Network;
import org.saddlescope.train.TrainState;

/**
 * checkpoints/ckpt-STEP.npz (the weights, bit-exact in the run's dtype) and checkpoints/state.json naming the
 * latest one with the trainer state. Order of writes: weights first, then state.json (each atomic), then older
 * weights are deleted, so a kill at any moment leaves a state.json that points at a complete checkpoint.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** A checkpoint: its weights file, the trainer state, and the BLAS thread count the run used. */
    public record Saved(Path weights, TrainState state, int threads) { }

    public static void save(RunFolder folder, Network net, TrainState state, int threads) {
        Path dir = folder.checkpoints();
        String name = String.format("ckpt-%010d.npz", state.step());
        Weights.save(net, dir.resolve(name));
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
        m.put("elapsed_seconds", state.elapsedSeconds());
        m.put("threads", threads);
        folder.writeJson("checkpoints/state.json", m);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "ckpt-*.npz")) {
            for (Path p : ds) if (!p.getFileName().toString().equals(name)) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
            TrainState s = new TrainState(n.get("step").asLong(), n.get("epoch").asLong(), n.get("batch_in_epoch").asInt(),
                    Double.longBitsToDouble(Long.parseUnsignedLong(n.get("norm_squared_bits").asText(), 16)),
                    Double.longBitsToDouble(Long.parseUnsignedLong(n.get("window_loss_sum_bits").asText(), 16)),
                    n.get("window_steps").asLong(), n.get("elapsed_seconds").asDouble());
            return new Saved(weights, s, n.path("threads").asInt(1));
        } catch (IOException | NullPointerException e) {
            throw new BadInputException("unreadable checkpoint state " + state + ": " + e.getMessage());
        }
    }
}
