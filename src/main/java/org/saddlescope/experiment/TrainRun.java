package org.saddlescope.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.net.Precision;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.train.TrainingSink;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.train.optim.Optimizers;

/**
 * A training run in a run folder: builds data, network and trainer from a {@link TrainConfig}, writes
 * config.yaml, manifest.json, metrics.csv, weights/initial.npz and final.npz, checkpoints, and resumes.
 */
public final class TrainRun {
    private TrainRun() {}

    /** What the command line prints and how it exits. */
    public record Outcome(Path folder, Trainer.Stop stop, TrainState state, String message, List<String> warnings) {
        public boolean diverged() { return stop == Trainer.Stop.DIVERGED; }

        public String summary() {
            return (diverged() ? "diverged: " : "done: ") + message + " -> " + folder;
        }
    }

    /**
     * {@code threads} null: chosen by {@link #defaultThreads} from the network's largest product. {@code addons}: the
     * probes that add files to the folder (the command passes {@link SpectraAddon}).
     */
    public static Outcome start(TrainConfig cfg, Path out, Integer threadsOrNull, ProgressListener progress, List<RunAddon> addons) {
        checkStart(cfg, out);
        Setup setup = setup(cfg);
        Network net = setup.buildNetwork(cfg);
        int threads = threadsOrNull != null ? threadsOrNull : defaultThreads(net, cfg.batch <= 0 ? setup.data.train().size() : cfg.batch);
        Blas.init(threads);
        RunFolder folder = RunFolder.create(out);
        Instant start = Instant.now();
        folder.writeYaml("config.yaml", cfg.toMap());
        folder.writeManifest("train", cfg.seed, start, null, manifestExtra(cfg, net, setup, threads, null));
        Weights.save(net, folder.weights().resolve("initial.npz"));
        return train(cfg, folder, net, optimizer(cfg), setup, TrainState.initial(net.normSquared()), start, threads, progress, addons);
    }

    /**
     * Continues a run from its last checkpoint. {@code threads} null: the count the run was checkpointed with,
     * since BLAS results (and so the bits of the run) depend on the thread count.
     */
    public static Outcome resume(Path dir, Integer threadsOrNull, ProgressListener progress, List<RunAddon> addons) {
        RunFolder folder = RunFolder.open(dir);
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(folder.path("config.yaml"))), dir + "/config.yaml");
        Checkpoints.Saved saved = Checkpoints.latest(folder);
        int threads = threadsOrNull != null ? threadsOrNull : saved != null ? saved.threads() : recordedThreads(folder);
        Blas.init(threads);
        Setup setup = setup(cfg);
        Network net = setup.buildNetwork(cfg);
        Optimizer optimizer = optimizer(cfg);
        TrainState state;
        if (saved == null) {
            // Killed before the first checkpoint: start over from the recorded θ0. Under mixed precision the
            // rebuilt θ0 is exact and initial.npz (float64, high + low rounded) may not be, so keep the rebuilt one.
            if (setup.precision != Precision.MIXED) Weights.load(folder.weights().resolve("initial.npz"), net);
            state = TrainState.initial(net.normSquared());
        } else {
            Checkpoints.restore(saved, net, optimizer);
            state = saved.state();
        }
        CsvWriter.truncateAfter(folder.path("metrics.csv"), state.step());
        if (state.step() == 0) deleteQuietly(folder.path("metrics.csv"));
        Instant start = Instant.now();
        return train(cfg, folder, net, optimizer, setup, state, start, threads, progress, addons);
    }

    /** The config's optimiser; a bad spec is bad input. */
    static Optimizer optimizer(TrainConfig cfg) {
        try {
            return Optimizers.parse(cfg.optimizer);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    private static Outcome train(TrainConfig cfg, RunFolder folder, Network net, Optimizer optimizer, Setup setup, TrainState state,
                                 Instant start, int threads, ProgressListener progress, List<RunAddon> addons) {
        Trainer.Settings settings = new Trainer.Settings(cfg.batch, new LearningRate(cfg.lr, cfg.lr_power), cfg.steps,
                cfg.epochs, cfg.loss_target, cfg.log_every, cfg.eval_every, cfg.checkpoint_every, cfg.eval_samples, cfg.seed);
        List<TrainingObserver> observers = new ArrayList<>();
        for (RunAddon a : addons) {
            TrainingObserver o = a.observer(cfg, folder, net, state.step());
            if (o != null) observers.add(o);
        }
        try (FolderSink sink = new FolderSink(folder, state.step() > 0, threads)) {
            Trainer trainer = new Trainer(net, optimizer, setup.cost, setup.data.train(), setup.data.test(), settings, sink, progress, observers);
            Trainer.Result r = trainer.run(state);
            if (r.stop() != Trainer.Stop.DIVERGED) Weights.save(net, folder.weights().resolve("final.npz"));
            for (RunAddon a : addons) a.finish(cfg, folder, net, r);
            Map<String, Object> extra = manifestExtra(cfg, net, setup, threads, r);
            folder.writeManifest("train", cfg.seed, start, Instant.now(), extra);
            return new Outcome(folder.root(), r.stop(), r.state(), r.message(), r.warnings());
        }
    }

    /** Products below this many multiply-adds run faster on one BLAS thread (measured: width-100 nets at batch 32). */
    static final double MULTITHREAD_MIN_MACS = 1e7;

    /**
     * All cores when the largest layer product (n_ℓ·n_{ℓ-1}·batch multiply-adds) is large, else one: on the
     * quiet 2-core machine a 784-100×5-10 net at batch 32 ran 2986 steps/s on one thread and 2371 on two,
     * while the paper's 1000-wide net ran 119 steps/s on two and 69 on one.
     */
    static int defaultThreads(Network net, int batch) {
        double largest = 0;
        for (int l = 1; l <= net.depth(); l++) largest = Math.max(largest, (double) net.width(l) * net.width(l - 1) * batch);
        return largest >= MULTITHREAD_MIN_MACS ? Runtime.getRuntime().availableProcessors() : 1;
    }

    private static int recordedThreads(RunFolder folder) {
        try {
            return RunFolder.JSON.readTree(folder.path("manifest.json").toFile()).path("threads").asInt(1);
        } catch (IOException e) {
            return 1;
        }
    }

    /** What {@link #start} checks before it reads data or writes a byte (a dry run checks the same). */
    static void checkStart(TrainConfig cfg, Path out) {
        validate(cfg);
        if (Files.exists(out.resolve("config.yaml"))) {
            throw new BadInputException("run folder " + out + " already holds a run; use --resume " + out + " or another --out");
        }
    }

    private static void validate(TrainConfig cfg) {
        if (cfg.steps <= 0 && cfg.epochs <= 0) throw new BadInputException("give a budget: steps or epochs");
        if (cfg.batch < 0) throw new BadInputException("batch must be ≥ 0 (0 = full batch), got " + cfg.batch);
        if (!(cfg.lr > 0)) throw new BadInputException("lr must be positive, got " + cfg.lr);
        if (cfg.lr_power < 0) throw new BadInputException("lr_power must be ≥ 0, got " + cfg.lr_power);
        if (cfg.log_every <= 0) throw new BadInputException("log_every must be positive, got " + cfg.log_every);
        optimizer(cfg);
    }

    /** Data and cost, built once per run (and again, identically, on resume). */
    record Setup(DataSource.Loaded data, Cost cost, Activation activation, Precision precision) {
        DType dtype() { return precision.compute(); }

        /**
         * θ0 from the config. Mixed precision draws it exactly as a float64 run of the same seed does and keeps it
         * to ≈ 48 bits, so the two runs start from the same point.
         */
        Network buildNetwork(TrainConfig cfg) {
            if (precision != Precision.MIXED) return build(cfg, precision.compute());
            return build(cfg, DType.F64).to(Precision.MIXED);
        }

        private Network build(TrainConfig cfg, DType dtype) {
            int[] widths = NetworkBuilder.widths(data.train(), cfg.hidden);
            Network net = new Network(widths, activation, dtype);
            if (!NetworkBuilder.draw(net, cfg.init, cfg.init_scale, new HashSet<>(cfg.small_layers), cfg.epsilon, RandomStreams.of(cfg.seed))) {
                switch (cfg.init) {
                    case "npz": {
                        if (cfg.init_file == null) throw new BadInputException("init=npz needs init_file");
                        Weights.load(Path.of(cfg.init_file), net);
                        break;
                    }
                    case "aligned": {
                        // θ0 = α ρ/‖ρ‖ with ρ read from init_file (an escape direction, say) and α = init_norm.
                        if (cfg.init_file == null || !(cfg.init_norm > 0)) {
                            throw new BadInputException("init=aligned needs init_file (the direction) and init_norm > 0 (alpha)");
                        }
                        Network direction = new Network(widths, activation, dtype);
                        Weights.load(Path.of(cfg.init_file), direction);
                        Init.aligned(net, direction, cfg.init_norm);
                        break;
                    }
                    default: throw new BadInputException("unknown init '" + cfg.init + "' (use gaussian, he, he_scaled, npz, aligned)");
                }
            }
            if (cfg.init_norm > 0) Init.rescaleTo(net, cfg.init_norm);
            return net;
        }
    }

    static Setup setup(TrainConfig cfg) {
        Precision precision;
        try {
            precision = Precision.parse(cfg.dtype);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("dtype: " + e.getMessage());
        }
        DType dtype = precision.compute();
        Activation act = cfg.activation;
        Cost cost = Cost.parse(cfg.cost);
        DataSource.Options o = DataSource.Options.defaults(dtype).withSubset(cfg.subset, cfg.test_subset);
        o = new DataSource.Options(o.subset(), o.testSubset(), o.subsetKind(), cfg.standardize, dtype, cfg.seed);
        return new Setup(DataSource.load(cfg.dataset, o), cost, act, precision);
    }

    private static Map<String, Object> manifestExtra(TrainConfig cfg, Network net, Setup setup, int threads, Trainer.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", threads);
        m.put("widths", net.widths());
        m.put("parameters", net.parameterCount());
        m.put("train_samples", setup.data.train().size());
        m.put("test_samples", setup.data.test() == null ? 0 : setup.data.test().size());
        m.put("dataset", setup.data.train().name());
        m.put("data", setup.data.info());
        if (r != null) {
            m.put("stop", r.stop().name().toLowerCase(java.util.Locale.ROOT));
            m.put("message", r.message());
            m.put("steps", r.state().step());
            m.put("epochs", r.state().epoch());
            m.put("train_seconds", r.state().elapsedSeconds());
            m.put("steps_per_second", r.state().step() / Math.max(1e-9, r.state().elapsedSeconds()));
            m.put("warnings", r.warnings());
        }
        return m;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** metrics.csv rows and checkpoints into the run folder. */
    private static final class FolderSink implements TrainingSink, AutoCloseable {
        private final RunFolder folder;
        private final boolean append;
        private final int threads;
        private CsvWriter metrics;

        FolderSink(RunFolder folder, boolean append, int threads) {
            this.folder = folder;
            this.append = append;
            this.threads = threads;
        }

        @Override
        public void metricsHeader(List<String> columns) {
            if (metrics == null) metrics = new CsvWriter(folder.path("metrics.csv"), columns.toArray(new String[0]), append);
        }

        @Override
        public void metrics(double[] row) {
            Object[] v = new Object[row.length];
            for (int i = 0; i < row.length; i++) {
                v[i] = i < 2 ? (Object) (long) row[i] : (Double.isNaN(row[i]) ? null : (Object) row[i]);
            }
            metrics.row(v);
        }

        @Override
        public void checkpoint(Network net, Optimizer optimizer, TrainState state) {
            Checkpoints.save(folder, net, optimizer, state, threads);
        }

        @Override
        public void close() {
            if (metrics != null) metrics.close();
        }
    }
}
