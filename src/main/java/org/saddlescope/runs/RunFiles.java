package org.saddlescope.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.Json;

/**
 * The files of a run folder, named in this one place (docs/design.md, "Run folders and formats"), and reading them back
 * (JSON and CSV, as their command wrote them). Every command writes {@link #CONFIG}, {@link #MANIFEST} and
 * {@link #REPORT}; a training run also the others below; the outputs that only one command writes and nothing
 * else reads (Example 1's speeds.csv, say) are named where they are written.
 */
public final class RunFiles {
    private RunFiles() {}

    /** Everything needed to rerun: the command's config object. */
    public static final String CONFIG = "config.yaml";
    /** Version, command, seed, start and end, machine; a training run adds how it stopped ({@link Manifest}). */
    public static final String MANIFEST = "manifest.json";
    /** One row per logged step (train) or probe (flow). */
    public static final String METRICS = "metrics.csv";
    /** step, layer, index, singular value: the tracked top singular values of every layer. */
    public static final String SPECTRA = "spectra.csv";
    /** The saddle analysis of a training run: its escapes, plateaus and their layers, the smoothed loss, low rank by depth. */
    public static final String ESCAPES = "escapes.csv";
    public static final String PLATEAUS = "plateaus.csv";
    public static final String PLATEAU_LAYERS = "plateau_layers.csv";
    public static final String LOSS_SMOOTHED = "loss_smoothed.csv";
    public static final String LOW_RANK_BY_DEPTH = "low_rank_by_depth.csv";
    public static final String SADDLES = "saddles.json";
    /** The theory's snapshots along a training run (theorycheck.TheoryAddon). */
    public static final String THEORY_SNAPSHOTS = "theory_snapshots.json";
    /** σ_k of the network's outputs on a fixed probe set, over training (the detector benchmark's labels). */
    public static final String OUTPUTS = "outputs.csv";
    /** Whether a run stayed close to gradient flow (theorycheck.FlowFaithful). */
    public static final String FLOW_FAITHFUL = "flow_faithful.json";
    /** The learned parts' rank by layer at the theory's snapshots. */
    public static final String LOW_RANK_LEARNED = "low_rank_learned.csv";
    public static final String LOW_RANK_LEARNED_MD = "low_rank_learned.md";
    /** weights/steps/: θ at log-spaced steps (theorycheck.WeightSnapshots). */
    public static final String WEIGHT_STEPS = "steps";

    /** weights/steps/step_N.npz, relative to weights/. */
    public static String stepWeights(long step) {
        return WEIGHT_STEPS + "/" + String.format(java.util.Locale.ROOT, "step_%d.npz", step);
    }

    /** weights/loss_drop_F.npz (F as the theory's snapshots name it, e.g. "0.0100"), relative to weights/. */
    public static String lossDropWeights(String key) {
        return "loss_drop_" + key + ".npz";
    }

    /** A prediction folder (predict): its summary, the escape direction found, the reduced model's path, the staircase. */
    public static final String PREDICTION = "prediction.json";
    public static final String DIRECTION_WEIGHTS = "direction.npz";
    public static final String CANDIDATES = "candidates.csv";
    public static final String LAYERS = "layers.csv";
    public static final String NEW_UNITS = "new_units.csv";
    public static final String PLATEAU = "plateau.csv";
    public static final String PLATEAU_REDUCED = "plateau_reduced.csv";
    public static final String PLATEAU_SIMULATION = "plateau_simulation.csv";
    public static final String STAIRCASE = "staircase.csv";

    /** weights/staircase_K.npz (saddle K of the staircase) and weights/escape_K.npz (the escape that led to it). */
    public static String staircaseWeights(int k) {
        return "staircase_" + k + ".npz";
    }

    public static String escapeWeights(int k) {
        return "escape_" + k + ".npz";
    }

    /** check-theory's comparison, written into the run folder. */
    public static final String THEORY_CHECK = "theory_check";
    /** The Hessian at each saddle (saddlescope hessian), written into the run folder. */
    public static final String HESSIAN = "hessian.csv";
    public static final String HESSIAN_JSON = "hessian.json";
    public static final String HESSIAN_MD = "hessian.md";
    public static final String HESSIAN_EIGENVALUES = "hessian_eigenvalues.csv";
    public static final String HESSIAN_DENSITY = "hessian_density.csv";
    /** A run's result in one object (flow, escape, example1), as sweeps collect it. */
    public static final String SUMMARY = "summary.json";
    /** One row per random start of an escape search. */
    public static final String RESTARTS = "restarts.csv";
    /** The page that shows the run. */
    public static final String REPORT = "report.html";
    /** Subfolders: figures/*.png|svg|pdf, weights/*.npz (NumPy reads them), checkpoints/ ({@link Checkpoints}). */
    public static final String FIGURES = "figures";
    public static final String WEIGHTS = "weights";
    public static final String CHECKPOINTS = "checkpoints";
    /** weights/ of a training or flow run: θ0 and the weights it ended with; of an escape search its best direction. */
    public static final String INITIAL_WEIGHTS = "initial.npz";
    public static final String FINAL_WEIGHTS = "final.npz";
    public static final String BEST_WEIGHTS = "best.npz";
    /** checkpoints/: the state that names the latest checkpoint's files. */
    public static final String CHECKPOINT_STATE = CHECKPOINTS + "/state.json";
    /** The marker of a sweep's folder (its spec). */
    public static final String SWEEP = "sweep.yaml";

    /** The weights file of the checkpoint at {@code step} in checkpoints/. */
    public static String checkpointWeights(long step) {
        return String.format("ckpt-%010d.npz", step);
    }

    /** The probes' arrays file of the checkpoint at {@code step} in checkpoints/. */
    public static String checkpointArrays(long step) {
        return String.format("ckpt-%010d.state.npz", step);
    }

    /** Files of every checkpoint, for a directory listing. */
    public static final String CHECKPOINT_GLOB = "ckpt-*.npz";
    /** What a checkpoint file name looks like ({@link #checkpointWeights}, {@link #checkpointArrays}). */
    public static final String CHECKPOINT_PATTERN = "ckpt-[0-9]+(\\.state)?\\.npz";
    /** checkpoints/: the steps the spectral tracker fired at, appended (trainrun.SpectraAddon). */
    public static final String STEP_LOG = CHECKPOINTS + "/steps.bin";

    /** The JSON file, or a missing node if it is absent or unreadable. */
    public static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        try {
            return Json.JSON.readTree(file.toFile());
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** Rows of a CSV file with a header, as column → text; empty if absent. */
    public static List<Map<String, String>> rows(Path csv) {
        if (!Files.isRegularFile(csv)) return new ArrayList<>();
        try {
            return table(reader().readValues(csv.toFile()));
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    /** Rows of CSV text with a header. */
    static List<Map<String, String>> rows(String text) {
        try {
            return table(reader().readValues(text));
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    private static com.fasterxml.jackson.databind.ObjectReader reader() {
        return new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class).with(CsvSchema.emptySchema());
    }

    private static List<Map<String, String>> table(MappingIterator<String[]> it) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        List<String[]> lines = new ArrayList<>();
        try (it) {
            while (it.hasNext()) lines.add(it.next());
        }
        if (lines.isEmpty()) return out;
        String[] header = lines.get(0);
        for (String[] row : lines.subList(1, lines.size())) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) m.put(header[c], c < row.length ? row[c] : "");
            out.add(m);
        }
        return out;
    }

    /**
     * The last row of a CSV file with a header, as column → text (empty if the file is absent or has no row), read from
     * the file's two ends: a long run's metrics.csv is not read whole for its last line.
     */
    public static Map<String, String> lastRow(Path csv) {
        if (!Files.isRegularFile(csv)) return Map.of();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(csv.toFile(), "r")) {
            String header = f.readLine();
            long end = f.length();
            while (end > 0 && isNewline(f, end - 1)) end--;
            long start = end;
            while (start > 0 && !isNewline(f, start - 1)) start--;
            if (header == null || start <= 0 || end <= start) return Map.of();
            byte[] line = new byte[(int) (end - start)];
            f.seek(start);
            f.readFully(line);
            String text = new String(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.UTF_8)
                    + "\n" + new String(line, java.nio.charset.StandardCharsets.UTF_8) + "\n";
            List<Map<String, String>> rows = rows(text);
            return rows.isEmpty() ? Map.of() : rows.get(0);
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static boolean isNewline(java.io.RandomAccessFile f, long at) throws IOException {
        f.seek(at);
        int b = f.read();
        return b == '\n' || b == '\r';
    }

    /** A JSON number as a double (NaN when absent, null or written as the text "NaN"). */
    public static double number(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return Double.NaN;
        if (n.isNumber()) return n.doubleValue();
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A CSV cell as a double (NaN when blank or not a number). */
    public static double number(String s) {
        if (s == null || s.isBlank()) return Double.NaN;
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
