package org.saddlescope.theorycheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.TopSingularValues;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.spectra.LowRankByDepth;
import org.saddlescope.theory.RankMeasures;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.Checkpoints;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.trainrun.RunAddon;
import org.saddlescope.io.Json;
import org.saddlescope.runs.RunFiles;

/**
 * What every training run needs before its claims lean on the flow theory (issue 10): weights right after the
 * first escape, the rank of what training learned as opposed to what it started with, and whether the run is close
 * to gradient flow at all.
 * <ul>
 * <li>weights/loss_drop_F.npz: θ at the first logged step whose window-mean loss is at most (1 − F)·C0, for F in
 *     {@link #DROPS} (C0 = the first logged window mean); their steps in theory_snapshots.json. Decided at log steps
 *     only, from the same window the trainer logs, so a resumed run takes them at the same steps.</li>
 * <li>low_rank_learned.csv / .md: for each snapshot and the end, per layer: tail ratio of W_ℓ and of the learned
 *     part W_ℓ − W_ℓ(0), σ₂/σ₁ of the learned part, and the shares ‖W_ℓ(0)‖²/‖W_ℓ‖² and ‖W_ℓ − W_ℓ(0)‖²/‖W_ℓ‖²;
 *     whether the learned tail ratio falls with depth, by an exact permutation test ({@link LowRankByDepth}), over all
 *     layers and over the hidden layers of equal shape (the first and last differ in shape from the rest).</li>
 * <li>flow_faithful.json: {@link FlowFaithful}, judged up to the first snapshot (the escape) when there is one.</li>
 * <li>weights/steps/: θ at log-spaced steps ({@link WeightSnapshots}); and outputs.csv ({@link OutputProbe}).</li>
 * </ul>
 */
public final class TheoryAddon implements RunAddon {
    /**
     * Loss drops (fractions of C0) at which θ is saved: the first is the onset of the first escape
     * ({@link org.saddlescope.spectra.EscapeDefinition#ONSET_DROP}), the others how far it has got.
     */
    public static final double[] DROPS = {org.saddlescope.spectra.EscapeDefinition.ONSET_DROP, 0.1, 0.5};

    private final Map<Path, Watch> sessions = new ConcurrentHashMap<>();

    /** Watches the logged window mean of the loss; saves θ at each drop. */
    private static final class Watch implements TrainingObserver {
        final RunFolder folder;
        final long logEvery;
        final TreeMap<Double, Long> taken = new TreeMap<>();
        final OutputProbe outputs;
        double c0 = Double.NaN, sum;
        long count;

        Watch(RunFolder folder, TrainConfig cfg, Checkpoints.Saved resumed) {
            this.folder = folder;
            this.logEvery = Math.max(1, cfg.log_every);
            this.outputs = new OutputProbe(cfg);
            if (resumed != null) {
                read();
                // the loss window since the last log step, as the checkpoint saw it (a checkpoint between log steps)
                JsonNode w = resumed.extra() == null ? null : resumed.extra().path(CHECKPOINT_KEY);
                sum = w == null ? 0 : w.path("sum").asDouble(0);
                count = w == null ? 0 : w.path("count").asLong(0);
                outputs.restore(w == null ? null : w.get("outputs"), resumed.state().step());
                // snapshots taken after the checkpoint belong to the steps that are now run again
                taken.values().removeIf(step -> step > resumed.state().step());
            }
        }

        private void read() {
            Path p = folder.path(RunFiles.THEORY_SNAPSHOTS);
            if (!Files.exists(p)) return;
            try {
                JsonNode n = Json.JSON.readTree(p.toFile());
                if (n.hasNonNull("c0")) c0 = n.get("c0").asDouble();
                JsonNode s = n.path("snapshots");
                for (double f : DROPS) {
                    JsonNode step = s.get(key(f));
                    if (step != null && !step.isNull()) taken.put(f, step.asLong());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void onStart(Network net, long step, long stepsPerEpoch) {
            outputs.onStart(net, step);
        }

        @Override
        public void afterStep(Network net, StepInfo info) {
            outputs.afterStep(net, info.step(), info.epoch(), info.epochEnd());
            WeightSnapshots.afterStep(folder, net, info.step(), info.epoch(), info.epochEnd());
            if (!Double.isNaN(info.loss())) { sum += info.loss(); count++; }
            if (info.step() % logEvery != 0 || count == 0) return;
            double mean = sum / count;
            sum = 0;
            count = 0;
            if (Double.isNaN(c0)) { c0 = mean; write(); return; }
            boolean changed = false;
            for (double f : DROPS) {
                if (taken.containsKey(f) || mean > (1 - f) * c0) continue;
                Weights.save(net, folder.weights().resolve(RunFiles.lossDropWeights(key(f))));
                taken.put(f, info.step());
                changed = true;
            }
            if (changed) write();
        }

        void write() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("c0", c0);
            m.put("rule", "theta saved at the first logged step whose window-mean loss is <= (1 - f) * c0; c0 = first logged window mean");
            Map<String, Object> s = new LinkedHashMap<>();
            for (double f : DROPS) s.put(key(f), taken.get(f));
            m.put("snapshots", s);
            folder.writeJson(RunFiles.THEORY_SNAPSHOTS, m);
        }
    }

    static String key(double f) {
        return String.format(Locale.ROOT, "%.3g", f);
    }

    static final String CHECKPOINT_KEY = "theory_addon";

    @Override
    public TrainingObserver observer(TrainConfig cfg, RunFolder folder, Network net, Checkpoints.Saved resumed) {
        Watch w = new Watch(folder, cfg, resumed);
        sessions.put(folder.root().toAbsolutePath().normalize(), w);
        return w;
    }

    @Override
    public void checkpoint(RunFolder folder, Map<String, Object> fields, Map<String, Matrix> arrays) {
        Watch w = sessions.get(folder.root().toAbsolutePath().normalize());
        if (w == null) return;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sum", w.sum);
        m.put("count", w.count);
        m.put("outputs", w.outputs.rows());
        fields.put(CHECKPOINT_KEY, m);
    }

    @Override
    public void abandon(RunFolder folder) {
        Watch w = sessions.remove(folder.root().toAbsolutePath().normalize());
        if (w != null) { w.write(); w.outputs.write(folder); }
    }

    @Override
    public void finish(TrainConfig cfg, RunFolder folder, Network net, Trainer.Result result) {
        Watch w = sessions.remove(folder.root().toAbsolutePath().normalize());
        if (w != null) { w.write(); w.outputs.write(folder); }
        analyse(folder, net, cfg.seed);
    }

    /** One layer of one snapshot. */
    public record LayerShare(int layer, double tailW, double tailLearned, double sigmaRatioLearned, double initialShare,
                             double learnedShare) {}

    /** A snapshot ("loss_drop_0.01", "end") at its step, with its layers and the depth trends of the learned tail ratio. */
    public record Snapshot(String name, long step, List<LayerShare> layers, LowRankByDepth.Trend all,
                           LowRankByDepth.Trend equalShape, int[] equalShapeLayers) {}

    /** Reads the run's weights and metrics, writes low_rank_learned.csv/.md and flow_faithful.json. */
    public static List<Snapshot> analyse(RunFolder folder, Network end, long seed) {
        Path initial = folder.weights().resolve(RunFiles.INITIAL_WEIGHTS);
        if (!Files.exists(initial)) return List.of();
        Network w0 = Weights.loadNew(initial, end.activation(), DType.F64);
        List<Snapshot> snaps = new ArrayList<>();
        Map<String, Long> steps = snapshotSteps(folder);
        for (double f : DROPS) {
            Path p = folder.weights().resolve(RunFiles.lossDropWeights(key(f)));
            Long step = steps.get(key(f));
            if (!Files.exists(p) || step == null) continue;
            snaps.add(snapshot("loss_drop_" + key(f), step, w0, Weights.loadNew(p, end.activation(), DType.F64), seed));
        }
        snaps.add(snapshot("end", lastStep(folder), w0, end.to(DType.F64), seed));
        long escape = snaps.size() > 1 ? snaps.get(0).step() : -1;
        FlowFaithful.Check ff = Files.exists(folder.path(RunFiles.METRICS))
                ? FlowFaithful.of(folder.path(RunFiles.METRICS), end.activation().positivelyHomogeneous(), escape) : null;
        write(folder, snaps, ff);
        return snaps;
    }

    static Snapshot snapshot(String name, long step, Network w0, Network w, long seed) {
        int L = w.depth();
        List<LayerShare> ls = new ArrayList<>();
        double[] learnedTail = new double[L];
        RandomStreams streams = RandomStreams.of(seed);
        for (int l = 1; l <= L; l++) {
            Matrix a = w.weight(l), a0 = w0.weight(l);
            try (Matrix d = a.copy()) {
                d.addScaled(-1, a0);
                double fa = a.frobeniusNorm2(), fd = d.frobeniusNorm2(), f0 = a0.frobeniusNorm2();
                double[] sa = TopSingularValues.once(a, 2, streams.stream("sketch", 2L * l));
                double[] sd = TopSingularValues.once(d, 2, streams.stream("sketch", 2L * l + 1));
                double tailLearned = RankMeasures.tailRatio(sd, fd);
                learnedTail[l - 1] = tailLearned;
                ls.add(new LayerShare(l, RankMeasures.tailRatio(sa, fa), tailLearned,
                        sd.length > 1 && sd[0] > 0 ? sd[1] / sd[0] : Double.NaN, fa > 0 ? f0 / fa : Double.NaN, fa > 0 ? fd / fa : Double.NaN));
            }
        }
        List<Integer> eq = new ArrayList<>();
        for (int l = 2; l < L; l++) {
            if (w.weight(l).rows() == w.weight(2).rows() && w.weight(l).cols() == w.weight(2).cols()) eq.add(l);
        }
        double[] eqTail = new double[eq.size()];
        for (int i = 0; i < eqTail.length; i++) eqTail[i] = learnedTail[eq.get(i) - 1];
        return new Snapshot(name, step, ls, LowRankByDepth.trend(learnedTail), LowRankByDepth.trend(eqTail),
                eq.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void write(RunFolder folder, List<Snapshot> snaps, FlowFaithful.Check ff) {
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.LOW_RANK_LEARNED), new String[] {"snapshot", "step", "layer",
                "tail_ratio_w", "tail_ratio_learned", "sigma2_over_sigma1_learned", "initial_share", "learned_share"}, false)) {
            for (Snapshot s : snaps) {
                for (LayerShare l : s.layers()) {
                    w.row(s.name(), s.step(), l.layer(), l.tailW(), l.tailLearned(), l.sigmaRatioLearned(), l.initialShare(), l.learnedShare());
                }
            }
        }
        StringBuilder sb = new StringBuilder("# Low rank by depth, on what training learned\n\n");
        sb.append("Tail ratio = sum_{i>=2} s_i^2 / sum_i s_i^2 (0 = rank one) of W_l and of its learned part W_l - W_l(0); ")
                .append("initial share = ||W_l(0)||^2/||W_l||^2 (the untrained weights' part of the layer's mass), learned share = ||W_l - W_l(0)||^2/||W_l||^2.\n\n");
        for (Snapshot s : snaps) {
            sb.append("## ").append(s.name()).append(" (step ").append(s.step()).append(")\n\n");
            sb.append("| layer | tail ratio W_l | tail ratio learned | s2/s1 learned | initial share | learned share |\n|---:|---:|---:|---:|---:|---:|\n");
            for (LayerShare l : s.layers()) {
                sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %.3f | %.3f | %.3f |%n", l.layer(), l.tailW(), l.tailLearned(),
                        l.sigmaRatioLearned(), l.initialShare(), l.learnedShare()));
            }
            sb.append("\n- all layers: learned tail ratio ").append(s.all().verdict(0.05)).append('\n');
            sb.append("- hidden layers of equal shape ").append(java.util.Arrays.toString(s.equalShapeLayers())).append(": learned tail ratio ")
                    .append(s.equalShape().verdict(0.05)).append("\n\n");
        }
        sb.append("One run: the permutation test treats layers as the units; seeds give an interval (saddlescope sweep collect).\n");
        if (ff != null) {
            sb.append("\n## Flow-faithfulness\n\n").append(ff.verdict()).append('\n');
            folder.writeJson(RunFiles.FLOW_FAITHFUL, ff.toMap());
        }
        folder.writeText(RunFiles.LOW_RANK_LEARNED_MD, sb.toString());
    }

    /** Lines for the report and the console: the flow-faithfulness verdict when the run is far from the flow. */
    public static List<String> notes(Path folder) {
        List<String> out = new ArrayList<>();
        Path p = folder.resolve(RunFiles.FLOW_FAITHFUL);
        if (!Files.exists(p)) return out;
        try {
            JsonNode n = Json.JSON.readTree(p.toFile());
            if (!n.path("flow_faithful").asBoolean(true)) out.add("warning: " + n.path("verdict").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Map<String, Long> snapshotSteps(RunFolder folder) {
        Map<String, Long> m = new LinkedHashMap<>();
        Path p = folder.path(RunFiles.THEORY_SNAPSHOTS);
        if (!Files.exists(p)) return m;
        try {
            JsonNode s = Json.JSON.readTree(p.toFile()).path("snapshots");
            s.fields().forEachRemaining(e -> { if (!e.getValue().isNull()) m.put(e.getKey(), e.getValue().asLong()); });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** The end snapshot's step on the nominal axis, as the loss-drop snapshots' (-1 without metrics.csv rows). */
    private static long lastStep(RunFolder folder) {
        if (!Files.exists(folder.path(RunFiles.METRICS))) return -1;
        long last = PlateauPoints.lastStep(folder.root());
        return last > 0 ? last : -1;
    }
}
