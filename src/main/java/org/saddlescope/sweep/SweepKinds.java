package org.saddlescope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.escape.Example1;
import org.saddlescope.escape.Example1Experiment;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Configs;
import org.saddlescope.config.EscapeConfig;
import org.saddlescope.config.FlowConfig;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.runs.Manifest;
import org.saddlescope.runs.RunFiles;

/**
 * The kinds {@code saddlescope sweep} repeats, each as its ordinary command on the point's config file: train
 * (resumed from its checkpoints), flow, escape, and example1 (an escape search on Example 1 with the paper's
 * projected gradient descent: one start per point, so the seed axis is Figure 2's runs). This class is the one
 * place that knows how a kind's config is checked and its results read back.
 */
public final class SweepKinds {
    private SweepKinds() {}

    /** Every kind a sweep can run. */
    public static Kinds all() {
        return new Kinds(List.of(new Train(), new Flow(), new Escape("escape", Map.of()), new Example1Kind()));
    }

    /** depth and width as sweep fields of train and flow: hidden = width × (depth − 1). */
    static Map<String, Object> hiddenFromDepthWidth(Map<String, Object> base, Map<String, Object> axes, List<Integer> defaultHidden) {
        Map<String, Object> c = new LinkedHashMap<>(base);
        c.putAll(axes);
        if (!c.containsKey("depth") && !c.containsKey("width")) return c;
        List<Integer> hidden = defaultHidden;
        if (c.get("hidden") instanceof List<?> l && !l.isEmpty()) {
            hidden = new ArrayList<>();
            for (Object o : l) hidden.add(((Number) YamlValues.normalize(o)).intValue());
        }
        int depth = c.containsKey("depth") ? integer(c.remove("depth"), "depth") : hidden.size() + 1;
        int width = c.containsKey("width") ? integer(c.remove("width"), "width") : hidden.isEmpty() ? 1 : hidden.get(0);
        if (depth < 1 || width < 1) throw new BadInputException("depth and width must be ≥ 1, got depth " + depth + ", width " + width);
        List<Integer> h = new ArrayList<>();
        for (int i = 0; i < depth - 1; i++) h.add(width);
        c.put("hidden", h);
        return c;
    }

    private static int integer(Object o, String what) {
        Object n = YamlValues.normalize(o);
        if (n instanceof Integer i) return i;
        throw new BadInputException(what + " must be an integer, got '" + o + "'");
    }

    static List<String> run(String command, Path config, Path folder, int threads) {
        return List.of(command, "--config", config.toString(), "--out", folder.toString(), "--threads", Integer.toString(threads), "--quiet");
    }

    /** {@code saddlescope train}; an interrupted point continues with {@code train --resume} from its last checkpoint. */
    static final class Train implements Kind {
        @Override public String name() { return "train"; }

        @Override
        public Map<String, Object> pointConfig(Map<String, Object> base, Map<String, Object> axes) {
            return hiddenFromDepthWidth(base, axes, new TrainConfig().hidden);
        }

        @Override
        public void validate(Map<String, Object> config, String where) {
            TrainConfig c = TrainConfig.merge(List.of(config), where);
            if (c.steps <= 0 && c.epochs <= 0) throw new BadInputException(where + ": give a budget: steps or epochs");
        }

        @Override
        public List<String> arguments(Path config, Path folder, int threads, boolean resume) {
            // a resumed run keeps the thread count it was checkpointed with: BLAS results depend on it
            return resume ? List.of("train", "--resume", folder.toString(), "--quiet") : run("train", config, folder, threads);
        }

        @Override
        public boolean resumable(Path folder) {
            return Files.exists(folder.resolve(RunFiles.CONFIG))
                    && (Files.exists(folder.resolve(RunFiles.CHECKPOINT_STATE)) || Files.exists(folder.resolve(RunFiles.WEIGHTS).resolve(RunFiles.INITIAL_WEIGHTS)));
        }

        @Override
        public long resumeStep(Path folder) {
            JsonNode s = RunFiles.json(folder.resolve(RunFiles.CHECKPOINT_STATE));
            return s.isMissingNode() ? 0 : s.path("step").asLong();
        }

        @Override
        public Map<String, Object> results(Path folder) {
            Map<String, Object> r = new LinkedHashMap<>();
            Manifest m = Manifest.readIfThere(folder);
            r.put("stop", m == null ? "" : m.stop());
            r.put("steps", m == null ? 0L : m.steps());
            Map<String, String> last = RunFiles.lastRow(folder.resolve(RunFiles.METRICS));
            for (String k : List.of("loss", "norm", "train_loss", "train_acc", "test_loss", "test_acc")) r.put(k, RunFiles.number(last.get(k)));
            JsonNode s = RunFiles.json(folder.resolve(RunFiles.SADDLES));
            r.put("plateaus", s.path("plateaus").asInt());
            r.put("escapes", s.path("escapes").asInt());
            tails(r, "tail_ratio_after_first_escape", s.path("after_first_escape").path("tail_ratio_by_layer"));
            tails(r, "tail_ratio_end", s.path("end").path("tail_ratio_by_layer"));
            return r;
        }

        /** Mean over layers and one column per layer (tail ratio of W_ℓ: Σ_{i≥2} s_i² / Σ s_i²). */
        private static void tails(Map<String, Object> r, String prefix, JsonNode byLayer) {
            double sum = 0;
            int n = 0;
            for (JsonNode v : byLayer) {
                double t = RunFiles.number(v);
                r.put(prefix + "_l" + (n + 1), t);
                sum += t;
                n++;
            }
            r.put(prefix + "_mean", n == 0 ? Double.NaN : sum / n);
        }
    }

    /** {@code saddlescope flow} to the escape time; points with more small layers than layers are left out. */
    static final class Flow implements Kind {
        @Override public String name() { return "flow"; }

        @Override
        public Map<String, Object> pointConfig(Map<String, Object> base, Map<String, Object> axes) {
            Map<String, Object> c = hiddenFromDepthWidth(base, axes, new FlowConfig().hidden);
            Object small = c.get("small_layers");
            boolean bySmall = small instanceof List<?> l && !l.isEmpty();
            Object hidden = c.getOrDefault("hidden", new FlowConfig().hidden);
            if (!bySmall && c.get("bottleneck") != null && hidden instanceof List<?> h) {
                int r = integer(c.get("bottleneck"), "bottleneck");
                if (r > h.size() + 1) return null; // r small layers need L ≥ r (as EscapeSweep's grid)
            }
            return c;
        }

        @Override public String skipReason() { return "bottleneck r > depth L"; }

        @Override
        public void validate(Map<String, Object> config, String where) {
            Configs.merge(List.of(config), FlowConfig.class, where);
        }

        @Override
        public List<String> arguments(Path config, Path folder, int threads, boolean resume) {
            return run("flow", config, folder, threads);
        }

        @Override
        public Map<String, Object> results(Path folder) {
            Map<String, Object> r = new LinkedHashMap<>();
            JsonNode s = RunFiles.json(folder.resolve(RunFiles.SUMMARY));
            Map<String, Object> cfg = Files.exists(folder.resolve(RunFiles.CONFIG)) ? Configs.readYaml(folder.resolve(RunFiles.CONFIG)) : Map.of();
            r.put("depth", s.path("depth").asInt());
            Object small = cfg.get("small_layers");
            r.put("r", small instanceof List<?> l && !l.isEmpty() ? l.size() : cfg.get("bottleneck"));
            r.put("epsilon", cfg.get("epsilon"));
            for (String k : List.of("loss_escape_t", "loss_escape_q", "output_escape_t", "output_escape_q")) r.put(k, RunFiles.number(s.path(k)));
            r.put("stop", s.path("stop").asText(""));
            r.put("evaluations", s.path("evaluations").asLong());
            r.put("forced_steps", s.path("forced_steps").asLong());
            r.put("initial_loss", RunFiles.number(s.path("initial_loss")));
            r.put("max_imbalance_drift", RunFiles.number(s.path("max_imbalance_drift")));
            return r;
        }
    }

    /** {@code saddlescope escape}: the escape-direction search; its config keys are its long option names. */
    static class Escape implements Kind {
        private final String name;
        private final Map<String, Object> defaults;

        Escape(String name, Map<String, Object> defaults) {
            this.name = name;
            this.defaults = defaults;
        }

        @Override public String name() { return name; }
        @Override public Map<String, Object> defaults() { return defaults; }

        @Override
        public void validate(Map<String, Object> config, String where) {
            EscapeConfig.of(config, where);
        }

        @Override
        public List<String> arguments(Path config, Path folder, int threads, boolean resume) {
            return run("escape", config, folder, threads);
        }

        @Override
        public Map<String, Object> results(Path folder) {
            Map<String, Object> r = new LinkedHashMap<>();
            double speed = Double.NaN, solver = Double.NaN;
            List<Map<String, String>> rows = RunFiles.rows(folder.resolve(RunFiles.RESTARTS));
            for (Map<String, String> row : rows) {
                double s = RunFiles.number(row.get("speed")), so = RunFiles.number(row.get("speed_solver"));
                if (!(s <= speed)) speed = s;
                if (!(so <= solver)) solver = so;
            }
            JsonNode s = RunFiles.json(folder.resolve(RunFiles.SUMMARY));
            r.put("speed", speed);
            r.put("speed_solver", solver);
            r.put("speed_unit", RunFiles.number(s.path("best_speed_unit")));
            r.put("residual", RunFiles.number(s.path("residual")));
            r.put("restarts", rows.size());
            return r;
        }
    }

    /**
     * Example 1 (section 4, Figure 2): one projected-gradient run per point on the sphere ‖θ‖² = 3 with the paper's
     * 2000 steps of size 0.05, then pruning and the kink-aware polish; success = speed above √2 − 1.
     */
    static final class Example1Kind extends Escape {
        Example1Kind() {
            super("example1", example1Defaults());
        }

        private static Map<String, Object> example1Defaults() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dataset", "example1");
            d.put("depth", 3);
            d.put("width", 16);
            d.put("solver", "pgd");
            d.put("iterations", 2000);
            d.put("lr", 0.05);
            d.put("tolerance", 0.0); // the paper's fixed number of steps
            d.put("restarts", 1);
            return d;
        }

        @Override
        public Map<String, Object> results(Path folder) {
            Map<String, Object> r = super.results(folder);
            double speed = (double) r.get("speed"), solver = (double) r.get("speed_solver");
            r.put("success", speed > Example1.RANK_ONE_SPEED + Example1Experiment.SUCCESS_MARGIN);
            r.put("success_pgd", solver > Example1.RANK_ONE_SPEED + Example1Experiment.SUCCESS_MARGIN);
            r.put("at_half", Math.abs(speed - 0.5) <= Example1Experiment.HALF_TOLERANCE);
            return r;
        }
    }
}
