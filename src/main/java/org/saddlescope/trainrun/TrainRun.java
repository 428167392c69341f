package org.saddlescope.trainrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import com.fasterxml.jackson.databind.JsonNode;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Blas;
import org.saddlescope.net.Network;
import org.saddlescope.net.Precision;
import org.saddlescope.train.FastForward;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.MetricsRow;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.train.TrainingSink;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.config.Configs;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.Checkpoints;
import org.saddlescope.runs.Manifest;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * A training run in a run folder: builds data, network and trainer from a {@link TrainConfig}, writes
 * config.yaml, manifest.json, metrics.csv, weights/initial.npz and final.npz, checkpoints, and resumes.
 */
public final class TrainRun {
    private TrainRun() {}

    /** What the command line prints and how it exits. */
    public record Outcome(Path folder, Trainer.Stop stop, TrainState state, String message, List<String> warnings) {
        public boolean diverged() { return stop == Trainer.Stop.DIVERGED; }
        public boolean interrupted() { return stop == Trainer.Stop.INTERRUPTED; }

        public String summary() {
            return (diverged() || interrupted() ? "" : "done: ") + message + " -> " + folder;
        }
    }

    /**
     * How a caller steers a run: {@code stopRequested} is polled after every step (a signal handler sets it);
     * {@code whileLocked} runs after training with the folder still locked (figures, report.html).
     */
    public record Hooks(BooleanSupplier stopRequested, Consumer<Outcome> whileLocked) {
        public static final Hooks NONE = new Hooks(() -> false, o -> { });
    }

    /**
     * {@code threads} null: chosen by measuring ({@link ThreadChoice}). {@code addons}: the
     * probes that add files to the folder (the command passes {@link SpectraAddon}).
     */
    public static Outcome start(TrainConfig cfg, Path out, Integer threadsOrNull, ProgressListener progress, List<RunAddon> addons) {
        return start(cfg, out, threadsOrNull, progress, Hooks.NONE, addons);
    }

    /**
     * A new run: everything (config, data, the network's memory, θ0) is checked before the first byte is
     * written; then the folder is made whole in a locked staging sibling and renamed to {@code out}.
     */
    public static Outcome start(TrainConfig cfg, Path out, Integer threadsOrNull, ProgressListener progress, Hooks hooks,
                                List<RunAddon> addons) {
        if (threadsOrNull != null && threadsOrNull < 1) throw new BadInputException("--threads must be ≥ 1, got " + threadsOrNull);
        RunSetup.checkStart(cfg, out);
        RunSetup setup = RunSetup.of(cfg);
        MemoryEstimate.check(cfg, setup.data());
        Network net = setup.buildNetwork(cfg);
        int threads;
        if (threadsOrNull != null) {
            threads = threadsOrNull;
            Blas.init(threads);
        } else {
            ThreadChoice.Choice choice = ThreadChoice.choose(cfg, setup, net, cfg.batch <= 0 ? setup.data().train().size() : cfg.batch);
            progress.info("threads: " + choice.describe());
            threads = choice.threads();
        }
        try (RunFolder folder = RunFolder.create(out, "train")) {
            Instant start = Instant.now();
            folder.writeYaml(RunFiles.CONFIG, cfg.toMap());
            folder.writeManifest("train", cfg.seed, start, null, manifestExtra(cfg, net, setup, threads, null));
            Weights.save(net, folder.weights().resolve(RunFiles.INITIAL_WEIGHTS), provenance(cfg, setup));
            folder.publish();
            return train(cfg, folder, net, cfg.optimizer.create(), setup, null, start, threads, progress, hooks, "", addons);
        }
    }

    /**
     * Continues a run from its last checkpoint. {@code threads} null: the count the run was checkpointed with,
     * since BLAS results (and so the bits of the run) depend on the thread count.
     */
    public static Outcome resume(Path dir, Integer threadsOrNull, ProgressListener progress, List<RunAddon> addons) {
        return resume(dir, null, null, threadsOrNull, progress, Hooks.NONE, addons);
    }

    /**
     * Continues a run from its last checkpoint (θ0 when it wrote none), with a new step or epoch budget when
     * given (null: the run's own). A finished run whose budget is not raised is left as it is; a diverged run is
     * not resumed (it would diverge again, bit for bit). A finished run continues from the checkpoint that every run
     * writes one step before its budget ends (see {@link Trainer}): the last step, which logs and evaluates because
     * it was the last, is taken again under the longer budget, so the extended run has the bits of one given that
     * budget from the start. Everything is read and checked before the first byte changes: a resume that fails
     * leaves the folder as it was (but for its lock file). {@code threadsOrNull} other than the checkpoint's count
     * is allowed; BLAS sums then run in another order from the resume on (the message says so).
     */
    public static Outcome resume(Path dir, Long steps, Long epochs, Integer threadsOrNull, ProgressListener progress, Hooks hooks,
                                 List<RunAddon> addons) {
        if (threadsOrNull != null && threadsOrNull < 1) throw new BadInputException("--threads must be ≥ 1, got " + threadsOrNull);
        try (RunFolder folder = RunFolder.openForWriting(dir, "train")) {
            Path cfgFile = folder.path(RunFiles.CONFIG);
            Map<String, Object> yaml = TrainConfig.readYaml(cfgFile);
            TrainConfig own = TrainConfig.merge(List.of(yaml), cfgFile.toString());
            TrainConfig cfg = TrainConfig.merge(List.of(yaml), cfgFile.toString());
            if (steps != null) cfg.steps = steps;
            if (epochs != null) cfg.epochs = epochs;
            if (steps != null || epochs != null) {
                Configs.check(cfg, "--resume");
                cfg.validate("--resume");
            }
            Manifest manifest = Manifest.read(folder.root());
            String ended = manifest.stop();
            long done = manifest.nominalSteps();
            if (ended.equals("diverged")) {
                throw new BadInputException(dir + " diverged (" + manifest.message() + "); a resume would repeat the same steps: "
                        + "start a new run with another --lr or --lr-power");
            }
            Checkpoints.Saved saved = Checkpoints.latest(folder);
            int threads = threadsOrNull != null ? threadsOrNull : saved != null ? saved.threads() : manifest.threads();
            Blas.init(threads);
            RunSetup setup = RunSetup.of(cfg);
            MemoryEstimate.check(cfg, setup.data());
            Network net = setup.buildNetwork(cfg);
            long total = trainer(cfg, net, cfg.optimizer.create(), setup, hooks).totalSteps();
            long ownTotal = trainer(own, net, own.optimizer.create(), setup, hooks).totalSteps();
            long from = saved == null ? 0 : saved.state().nominalStep();
            boolean finished = (ended.equals("budget") || ended.equals("loss_target")) && Files.exists(folder.weights().resolve(RunFiles.FINAL_WEIGHTS));
            if (from > ownTotal || (finished && from >= done)) {
                throw new BadInputException(folder.path(Checkpoints.STATE) + " is at step " + from + ", past the budget of " + ownTotal
                        + " steps in " + cfgFile + (finished ? " (the run finished at step " + done + ")" : "")
                        + ": the folder is damaged (changed after the run wrote it); nothing was changed");
            }
            if ((steps != null || epochs != null) && total < from) {
                // a budget below the checkpoint would end the run at once and write it into config.yaml, after which the
                // folder reads as damaged (its checkpoint past its own budget) and no larger budget resumes it
                throw new BadInputException("--resume " + dir + ": " + (steps != null ? "--steps " + steps : "--epochs " + epochs) + " gives "
                        + total + " steps, fewer than the " + from + " the run has done; a new budget must be larger than that; nothing was changed");
            }
            if (finished && (ended.equals("loss_target") || total <= done)) return alreadyFinished(folder, manifest, done, steps, epochs, total, hooks);
            Optimizer optimizer = cfg.optimizer.create();
            restoreState(folder, saved, net, optimizer, setup, addons); // reads and checks only
            if (steps != null || epochs != null) folder.writeYaml(RunFiles.CONFIG, cfg.toMap());
            restoreFiles(folder, saved);
            String note = (saved == null ? " (resumed from θ0 in weights/initial.npz: the run had written no checkpoint)"
                    : " (resumed from the checkpoint at step " + from + ")") + threadsNote(saved, threads);
            return train(cfg, folder, net, optimizer, setup, saved, Instant.now(), threads, progress, hooks, note, addons);
        }
    }

    /** A finished run resumed without a larger budget: nothing to do (its figures drawn if a kill left them undrawn). */
    private static Outcome alreadyFinished(RunFolder folder, Manifest manifest, long done, Long steps, Long epochs, long total, Hooks hooks) {
        if (steps != null || epochs != null) {
            throw new BadInputException(folder.root() + " already finished " + done + " steps; a new budget must be larger (got "
                    + (steps != null ? "--steps " + steps : "--epochs " + epochs) + ", " + total + " steps)");
        }
        TrainState end = new TrainState(manifest.steps(), manifest.epochs(), 0, Double.NaN, 0, 0, manifest.trainSeconds(), null, done,
                Double.NaN, null);
        Outcome o = new Outcome(folder.root(), Trainer.Stop.BUDGET, end, "already finished " + done + " steps; nothing to do (extend it with --steps N)",
                List.of());
        // stopped (SIGTERM, SIGKILL) after its manifest while its figures were drawn: draw them and the report now
        if (!finalReport(folder)) hooks.whileLocked().accept(o);
        return o;
    }

    /**
     * The network and optimiser set to the checkpoint (θ0 when there is none), and every file the resume will cut
     * back checked to be there and long enough, before anything in the folder changes.
     */
    private static void restoreState(RunFolder folder, Checkpoints.Saved saved, Network net, Optimizer optimizer, RunSetup setup,
                                     List<RunAddon> addons) {
        if (saved == null) {
            // Killed before the first checkpoint: start over from the recorded θ0. Under mixed precision the
            // rebuilt θ0 is exact and initial.npz (float64, high + low rounded) may not be, so keep the rebuilt one.
            if (setup.precision() != Precision.MIXED) Weights.load(folder.weights().resolve(RunFiles.INITIAL_WEIGHTS), net);
            return;
        }
        Checkpoints.restore(saved, net, optimizer);
        var lengths = saved.extra().path("files").fields();
        while (lengths.hasNext()) {
            var e = lengths.next();
            CsvWriter.checkLength(folder.path(e.getKey()), e.getValue().asLong());
        }
        for (RunAddon a : addons) a.checkResume(folder, saved);
    }

    private static String threadsNote(Checkpoints.Saved saved, int threads) {
        if (saved == null || saved.threads() == threads) return "";
        return "; on " + threads + " threads where the run used " + saved.threads()
                + ": BLAS sums run in another order from here, so the bits differ from an unbroken run";
    }

    /** The appended files cut back to the checkpoint (their lengths then), or removed when there is none. */
    private static void restoreFiles(RunFolder folder, Checkpoints.Saved saved) {
        Path metrics = folder.path(RunFiles.METRICS);
        if (saved == null) {
            deleteQuietly(metrics);
            return;
        }
        JsonNode lengths = saved.extra().path("files");
        if (lengths.has(RunFiles.METRICS)) CsvWriter.truncateTo(metrics, lengths.get(RunFiles.METRICS).asLong());
        else CsvWriter.truncateAfter(metrics, saved.state().step()); // checkpoints of older versions
    }

    private static Trainer.Settings settings(TrainConfig cfg, Hooks hooks) {
        double minutes = cfg.checkpoint_minutes;
        FastForward.Settings ff = cfg.fast_forward ? new FastForward.Settings(cfg.fast_forward_tolerance, cfg.fast_forward_sample,
                cfg.fast_forward_handover, FastForward.HANDOVER_LOSS_DROP) : null;
        return new Trainer.Settings(cfg.batch, new LearningRate(cfg.lr, cfg.lr_power), cfg.steps, cfg.epochs, cfg.loss_target,
                cfg.log_every, cfg.eval_every, cfg.checkpoint_every, cfg.eval_samples, cfg.seed, minutes * 60, hooks.stopRequested(),
                ff, cfg.reduction);
    }

    private static Trainer trainer(TrainConfig cfg, Network net, Optimizer optimizer, RunSetup setup, Hooks hooks) {
        return trainer(cfg, net, optimizer, setup, hooks, TrainingSink.NONE, ProgressListener.NONE, List.of());
    }

    private static Trainer trainer(TrainConfig cfg, Network net, Optimizer optimizer, RunSetup setup, Hooks hooks, TrainingSink sink,
                                   ProgressListener progress, List<TrainingObserver> observers) {
        return new Trainer(net, optimizer, setup.cost(), setup.data().train(), setup.data().test(), settings(cfg, hooks), sink, progress, observers);
    }

    private static Outcome train(TrainConfig cfg, RunFolder folder, Network net, Optimizer optimizer, RunSetup setup, Checkpoints.Saved saved,
                                 Instant start, int threads, ProgressListener progress, Hooks hooks, String note,
                                 List<RunAddon> addons) {
        TrainState state = saved == null ? TrainState.initial(net.normSquared()) : saved.state();
        List<TrainingObserver> observers = new ArrayList<>();
        for (RunAddon a : addons) {
            TrainingObserver o = a.observer(cfg, folder, net, saved);
            if (o != null) observers.add(o);
        }
        try (FolderSink sink = new FolderSink(folder, state.step() > 0, threads, addons)) {
            Trainer trainer = trainer(cfg, net, optimizer, setup, hooks, sink, progress, observers);
            Trainer.Result r = trainer.run(state);
            String message = r.message() + note;
            if (r.stop() == Trainer.Stop.DIVERGED) {
                message += "; " + sink.lastGood(folder);
            } else if (r.stop() == Trainer.Stop.INTERRUPTED) {
                message += (sink.lastCheckpoint != null ? "; checkpoint " + sink.lastCheckpoint + " (step " + r.state().step() + ")"
                        : "; nothing new to save") + "; continue with: saddlescope train --resume " + folder.root();
            } else {
                Weights.save(net, folder.weights().resolve(RunFiles.FINAL_WEIGHTS), provenance(cfg, setup));
            }
            List<String> warnings = new ArrayList<>(r.warnings());
            for (RunAddon a : addons) {
                if (r.stop() != Trainer.Stop.INTERRUPTED) a.finish(cfg, folder, net, r);
                else a.abandon(folder);
                warnings.addAll(a.warnings(folder));
            }
            for (int i = r.warnings().size(); i < warnings.size(); i++) progress.warning(warnings.get(i));
            Trainer.Result shown = new Trainer.Result(r.stop(), r.state(), message, List.copyOf(warnings));
            folder.writeManifest("train", cfg.seed, start, Instant.now(), manifestExtra(cfg, net, setup, threads, shown));
            Outcome o = new Outcome(folder.root(), r.stop(), r.state(), message, List.copyOf(warnings));
            if (r.stop() != Trainer.Stop.INTERRUPTED) hooks.whileLocked().accept(o);
            return o;
        }
    }

    /** Whether the run's report.html is there and is not a live report of the run in progress ({@link LiveReport}). */
    private static boolean finalReport(RunFolder folder) {
        try {
            Path p = folder.path(RunFiles.REPORT);
            return Files.exists(p) && !Files.readString(p).contains(LiveReport.LIVE);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Map<String, Object> provenance(TrainConfig cfg, RunSetup setup) {
        return Weights.provenance("train", cfg.seed, cfg.weightsFields(), setup.data().info());
    }

    private static Map<String, Object> manifestExtra(TrainConfig cfg, Network net, RunSetup setup, int threads, Trainer.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", threads);
        m.put("widths", net.widths());
        m.put("parameters", net.parameterCount());
        m.put("train_samples", setup.data().train().size());
        m.put("test_samples", setup.data().test() == null ? 0 : setup.data().test().size());
        m.put("dataset", setup.data().train().name());
        m.put("data", setup.data().info());
        if (r != null) {
            m.put("stop", r.stop().name().toLowerCase(java.util.Locale.ROOT));
            m.put("message", r.message());
            m.put("steps", r.state().step());
            m.put("nominal_steps", r.state().nominalStep());
            m.put("epochs", r.state().epoch());
            m.put("q", Double.isFinite(r.state().q()) ? r.state().q() : null);
            if (r.state().fastForward() != null) m.put("fast_forward", fastForward(cfg, r.state().fastForward()));
            m.put("train_seconds", r.state().elapsedSeconds());
            m.put("steps_per_second", r.state().step() / Math.max(1e-9, r.state().elapsedSeconds()));
            m.put("warnings", r.warnings());
        }
        return m;
    }

    /**
     * The manifest's account of the fast-forwarded stretch: where it began and handed over (nominal step, epoch, q at
     * the configured lr), its steps, the controller's error estimates, and why it handed over.
     */
    private static Map<String, Object> fastForward(TrainConfig cfg, FastForward.State ff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tolerance", cfg.fast_forward_tolerance);
        m.put("sample", cfg.fast_forward_sample);
        m.put("handover_growth", cfg.fast_forward_handover);
        m.put("start_nominal_step", ff.startNominal());
        m.put("handover_nominal_step", ff.active() ? null : ff.endNominal());
        m.put("handover_q", ff.active() ? null : ff.endQ());
        m.put("handed_over", ff.handOver() == null ? null : ff.handOver().name().toLowerCase(java.util.Locale.ROOT));
        m.put("steps", ff.accepted());
        m.put("rejected", ff.rejected());
        m.put("relative_error_max", ff.errorMax());
        m.put("angle_error_sum", ff.angleErrorSum());
        m.put("log_norm_error_sum", ff.normErrorSum());
        m.put("start_norm", Double.isNaN(ff.startNorm()) ? null : ff.startNorm());
        return m;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many of {@code columns} a resumed run writes to its metrics.csv: all, or the header's count when the file was
     * begun by an older version whose columns are a prefix of these (it goes on without the columns added since).
     */
    static int keptColumns(Path metrics, List<String> columns) {
        if (!Files.exists(metrics)) return columns.size();
        String header;
        try (java.io.BufferedReader r = Files.newBufferedReader(metrics, java.nio.charset.StandardCharsets.UTF_8)) {
            header = r.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (header == null || header.isEmpty()) return columns.size();
        List<String> had = List.of(header.split(",", -1));
        if (had.size() <= columns.size() && had.equals(columns.subList(0, had.size()))) return had.size();
        throw new BadInputException(metrics + ": its columns (" + header + ") are not those of this version's metrics.csv; "
                + "it was changed after the run wrote it");
    }

    /** metrics.csv rows and checkpoints (with the addons' state) into the run folder. */
    private static final class FolderSink implements TrainingSink, AutoCloseable {
        private final RunFolder folder;
        private final boolean append;
        private final int threads;
        private final List<RunAddon> addons;
        private CsvWriter metrics;
        private boolean[] integer; // columns written as integers
        private int kept;          // leading columns written: fewer when an older run's metrics.csv has fewer
        private Path lastCheckpoint;
        private long lastCheckpointStep = -1;

        FolderSink(RunFolder folder, boolean append, int threads, List<RunAddon> addons) {
            this.folder = folder;
            this.append = append;
            this.threads = threads;
            this.addons = addons;
        }

        @Override
        public void metricsHeader(List<String> columns) {
            kept = append ? keptColumns(folder.path(RunFiles.METRICS), columns) : columns.size();
            if (metrics == null) metrics = new CsvWriter(folder.path(RunFiles.METRICS), columns.subList(0, kept).toArray(new String[0]), append);
            integer = new boolean[columns.size()];
            for (int i = 0; i < integer.length; i++) integer[i] = MetricsRow.INTEGER.contains(columns.get(i));
        }

        @Override
        public void metrics(double[] row) {
            Object[] v = new Object[kept];
            for (int i = 0; i < kept; i++) {
                v[i] = Double.isNaN(row[i]) ? null : integer[i] ? (Object) (long) row[i] : (Object) row[i];
            }
            metrics.row(v);
        }

        @Override
        public void checkpoint(Network net, Optimizer optimizer, TrainState state) {
            Map<String, Object> fields = new LinkedHashMap<>();
            Map<String, Object> files = new LinkedHashMap<>();
            files.put(RunFiles.METRICS, size(folder.path(RunFiles.METRICS)));
            fields.put("files", files);
            Map<String, Matrix> arrays = new LinkedHashMap<>();
            try {
                for (RunAddon a : addons) a.checkpoint(folder, fields, arrays);
                Checkpoints.save(folder, net, optimizer, state, threads, fields, arrays);
            } finally {
                for (Matrix m : arrays.values()) m.close();
            }
            lastCheckpoint = folder.checkpoints().resolve(RunFiles.checkpointWeights(state.step()));
            lastCheckpointStep = state.step();
        }

        /** The last good state on disk, for a divergence message. */
        String lastGood(RunFolder f) {
            if (lastCheckpoint != null) {
                return "last good checkpoint " + lastCheckpoint + " (step " + lastCheckpointStep + "); weights/final.npz not written";
            }
            Checkpoints.Saved earlier = Checkpoints.latest(f);
            if (earlier != null) {
                return "last good checkpoint " + earlier.weights() + " (step " + earlier.state().step() + "); weights/final.npz not written";
            }
            return "no checkpoint was written; θ0 is in " + f.weights().resolve(RunFiles.INITIAL_WEIGHTS) + "; weights/final.npz not written";
        }

        private static long size(Path p) {
            try {
                return Files.exists(p) ? Files.size(p) : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (metrics != null) metrics.close();
        }
    }
}
