package org.saddlescope.runs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;

/**
 * A run's manifest.json ({@link RunFolder#writeManifest} writes it), read in this one place. An absent field reads as
 * its default (a run killed before its end has no "stop"), so a manifest of any version or command can be asked.
 */
public record Manifest(JsonNode json) {
    /** The manifest of {@code folder}; bad input naming the file when it is missing or unreadable. */
    public static Manifest read(Path folder) {
        Path m = folder.resolve(RunFiles.MANIFEST);
        try {
            JsonNode n = Json.JSON.readTree(m.toFile());
            return new Manifest(n == null ? Json.JSON.createObjectNode() : n);
        } catch (IOException e) {
            throw new BadInputException(m + ": unreadable (" + BadInputException.firstLine(e.getMessage()) + ")");
        }
    }

    /** The manifest of {@code folder}, or null when it has none or it cannot be read (reports, sweep results). */
    public static Manifest readIfThere(Path folder) {
        if (!Files.isRegularFile(folder.resolve(RunFiles.MANIFEST))) return null;
        try {
            return read(folder);
        } catch (BadInputException e) {
            return null;
        }
    }

    /** The command that made the run (train, flow, escape, ...), or null. */
    public String command() { return json.hasNonNull("command") ? json.get("command").asText() : null; }

    /** Whether the run recorded its end (a run in progress, or one killed, has "end": null). */
    public boolean ended() { return !json.has("end") || !json.get("end").isNull(); }

    /** How a training run stopped (budget, loss_target, diverged, interrupted), or "" before it stopped. */
    public String stop() { return json.path("stop").asText(""); }

    public String message() { return json.path("message").asText(""); }

    /** Training steps done when the manifest was last written (0 before the first stop). */
    public long steps() { return json.path("steps").asLong(0); }

    /**
     * Minibatch steps of the configured law the run stands for (its budget's unit): {@link #steps} unless a fast-forward
     * ran, where one update stands for many.
     */
    public long nominalSteps() { return json.path("nominal_steps").asLong(steps()); }

    public long epochs() { return json.path("epochs").asLong(0); }

    public double trainSeconds() { return json.path("train_seconds").asDouble(); }

    /** The BLAS thread count the run used (1 when not recorded). */
    public int threads() { return json.path("threads").asInt(1); }

    /** A field not named above (manifests carry command-specific fields). */
    public JsonNode get(String field) { return json.path(field); }
}
