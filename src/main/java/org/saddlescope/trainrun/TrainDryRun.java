package org.saddlescope.trainrun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Blas;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.spectra.Cadence;
import org.saddlescope.spectra.SpectraSink;
import org.saddlescope.spectra.SpectralTracker;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.train.TrainingSink;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.Json;

/**
 * {@code saddlescope train --dry-run}: everything a run does before its first step (the same checks, the real data,
 * the real network and initialisation), then timed steps through the real trainer with the spectral tracker riding
 * along at the run's cadence (its passes timed apart from the steps), and one timed evaluation, and from them the memory the run takes and the time its whole budget will take on this machine now.
 * Nothing is written: no run folder, no file.
 *
 * <p>Memory is measured, not modelled: JavaCPP counts the native memory every matrix holds
 * ({@link Pointer#totalBytes()}), read before and after each part is allocated. Time is measured too: the steps are
 * timed after a few warm-up steps, through the real {@link Trainer}; a machine busy with other work gives a longer
 * estimate, which the report says.
 */
public final class TrainDryRun {
    private TrainDryRun() {}

    /** Steps timed: about this many seconds' worth at {@link #ASSUMED_FLOPS} (the real rate is what is measured). */
    static final double TARGET_SECONDS = 3.0;
    /** A conservative GEMM rate, only to choose how many steps to time. */
    static final double ASSUMED_FLOPS = 2e10;
    static final int MIN_STEPS = 10;
    static final int MAX_STEPS = 5000;

    /** Native bytes of each part (JVM heap separately). */
    public record Memory(long data, long weights, long stepWorkspace, long evalWorkspaces, long evalSubset, long rest,
                         long spectra, long heapUsed) {
        public long total() { return data + weights + stepWorkspace + evalWorkspaces + evalSubset + rest + spectra; }
    }

    /** Measured durations (seconds) and the counts of the whole run they multiply. */
    public record Timing(double loadSeconds, int timedSteps, int warmupSteps, double stepSeconds, double evalSeconds,
                         double spectraSeconds, long steps, long evaluations, long spectraPasses, long checkpoints,
                         int threads, double flopsPerStep, String stopped, ThreadChoice.Choice threadChoice, boolean evalInBackground) {
        /**
         * On one BLAS thread with a core free, evaluations run on that core while training goes on (train.MetricRows):
         * they add to the total only where one takes longer than the steps between two of them.
         */
        public double totalSeconds() {
            double eval = evaluations * evalSeconds;
            if (evalInBackground) eval = Math.max(0, eval - steps * stepSeconds);
            return loadSeconds + steps * stepSeconds + eval + spectraPasses * spectraSeconds;
        }
    }

    public record Report(TrainConfig config, String network, String data, String budget, Memory memory, Timing timing) {
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("saddlescope train --dry-run: checked, measured, and nothing written.\n\n");
            sb.append("Resolved config (the run's config.yaml):\n");
            try {
                for (String line : Json.YAML.writeValueAsString(config.toMap()).split("\n")) sb.append("  ").append(line).append('\n');
            } catch (IOException e) {
                sb.append("  (cannot render: ").append(e.getMessage()).append(")\n");
            }
            sb.append('\n').append(String.format(Locale.ROOT, "%-8s %s%n%-8s %s%n%-8s %s%n", "Network", network, "Data", data, "Run", budget));
            Memory m = memory;
            sb.append("\nMemory: native memory measured in this process with this config (JavaCPP's count of matrix memory)\n");
            row(sb, "data", mb(m.data()), "train and test inputs and targets, as loaded");
            row(sb, "weights", mb(m.weights()), "theta, " + config.dtype);
            row(sb, "step workspace", mb(m.stepWorkspace()), "forward/backward buffers of one batch");
            row(sb, "evaluation workspaces", mb(m.evalWorkspaces()), "forward buffers, chunks of <= 1024 samples");
            row(sb, "evaluation subset", mb(m.evalSubset()), "the trainer's copy of the samples its probes use");
            row(sb, "optimizer state, buffers", mb(m.rest()), "the rest of the peak during the timed steps");
            if (m.spectra() > 0) row(sb, "spectral tracker", mb(m.spectra()), "top-k estimators of every layer");
            row(sb, "total native", mb(m.total()), machineMemory());
            row(sb, "JVM heap in use", mb(m.heapUsed()), "of at most " + mb(Runtime.getRuntime().maxMemory()) + " (-Xmx)");
            Timing t = timing;
            sb.append(String.format(Locale.ROOT, "%nTime: MEASURED NOW on this machine, not modelled (%d cores, %s): a busy machine"
                    + " gives a longer estimate%n", Runtime.getRuntime().availableProcessors(), loadAverage()));
            row(sb, "load data", duration(t.loadSeconds()), "");
            row(sb, "training step", duration(t.stepSeconds()) + " x " + count(t.steps()) + " = " + duration(t.stepSeconds() * t.steps()),
                    t.timedSteps() + " steps timed after " + t.warmupSteps() + " warm-up, " + t.threads() + " BLAS thread"
                            + (t.threads() == 1 ? "" : "s") + String.format(Locale.ROOT, ", %.1f GFLOP/s", t.flopsPerStep() / t.stepSeconds() / 1e9));
            row(sb, "threads", t.threadChoice().describe(), t.threadChoice().measured() ? "a copy of theta0, alternating counts; the run uses this count" : "");
            row(sb, "evaluation", duration(t.evalSeconds()) + " x " + count(t.evaluations()) + " = " + duration(t.evalSeconds() * t.evaluations()),
                    "train probe samples + test set" + (t.evalInBackground() ? ", on the second core while training goes on" : ""));
            if (t.spectraPasses() > 0) {
                row(sb, "spectra pass", duration(t.spectraSeconds()) + " x " + count(t.spectraPasses()) + " = "
                        + duration(t.spectraSeconds() * t.spectraPasses()), "top " + config.top_k + " of every layer, warm-started");
            }
            if (t.checkpoints() > 0) row(sb, "checkpoints", count(t.checkpoints()) + " x " + mb(m.weights()), "written atomically; not timed");
            row(sb, "estimated total", duration(t.totalSeconds()), "if the run uses its whole budget");
            if (t.stopped() != null) sb.append("NOTE: ").append(t.stopped()).append('\n');
            return sb.toString();
        }

        private String machineMemory() {
            try {
                return "machine: " + mb(Pointer.totalPhysicalBytes()) + " physical, " + mb(Pointer.availablePhysicalBytes()) + " available now";
            } catch (Throwable e) {
                return "";
            }
        }
    }

    private static void row(StringBuilder sb, String what, String value, String note) {
        sb.append(String.format(Locale.ROOT, "  %-26s %-34s %s%n", what, value, note).stripTrailing()).append('\n');
    }

    public static Report run(TrainConfig cfg, Path out, Integer threadsOrNull) {
        RunSetup.checkStart(cfg, out);
        long b0 = Pointer.totalBytes();
        long t0 = System.nanoTime();
        RunSetup setup = RunSetup.of(cfg);
        double load = (System.nanoTime() - t0) / 1e9;
        long b1 = Pointer.totalBytes();
        MemoryEstimate.check(cfg, setup.data()); // a network that cannot fit is bad input here too, not an OutOfMemoryError
        Network net = setup.buildNetwork(cfg);
        long b2 = Pointer.totalBytes();
        Dataset train = setup.data().train();
        Dataset test = setup.data().test();
        int batch = cfg.batch <= 0 || cfg.batch >= train.size() ? train.size() : cfg.batch;
        ThreadChoice.Choice choice = threadsOrNull != null ? ThreadChoice.Choice.unmeasured(threadsOrNull, "--threads")
                : ThreadChoice.choose(cfg, setup, net, batch);
        int threads = choice.threads();
        Blas.init(threads);
        long b3 = Pointer.totalBytes(); // what measuring the thread count left for the collector is not the run's
        double macs = 0;
        for (int l = 1; l <= net.depth(); l++) macs += (double) net.width(l) * net.width(l - 1);
        double flopsPerStep = 6.0 * batch * macs; // forward 2·MACs per sample, backward (two products) 4·MACs

        LearningRate lr = new LearningRate(cfg.lr, cfg.lr_power);
        // eval_samples 0 here: the plan needs no copy of the probe samples (the timed trainer makes it, and it is measured)
        Trainer.Settings whole = new Trainer.Settings(cfg.batch, lr, cfg.steps, cfg.epochs, cfg.loss_target, cfg.log_every,
                cfg.eval_every, cfg.checkpoint_every, 0, cfg.seed);
        long totalSteps;
        long perEpoch;
        {
            Trainer plan = new Trainer(net, setup.cost(), train, test, whole, TrainingSink.NONE, ProgressListener.NONE, List.of());
            totalSteps = plan.totalSteps();
            perEpoch = plan.stepsPerEpoch();
        }
        int k = (int) Math.min(totalSteps, Math.max(MIN_STEPS, Math.min(MAX_STEPS, Math.ceil(TARGET_SECONDS * ASSUMED_FLOPS / flopsPerStep))));
        int warm = k >= 2 ? Math.max(1, Math.min(5, k / 5)) : 0;
        Trainer.Settings timed = new Trainer.Settings(cfg.batch, lr, k, 0, 0, cfg.log_every, 0, 0, cfg.eval_samples, cfg.seed);
        // the spectral tracker rides along as in a real run (same cadence, warm starts on the changing network), timed apart
        Cadence cadence = cfg.top_k > 0 ? SpectraAddon.cadence(cfg) : null;
        SpectralTracker tracker = cadence == null ? null
                : new SpectralTracker(cfg.top_k, cadence, SpectraSink.NONE, RandomStreams.of(cfg.seed));
        long bc = Pointer.totalBytes();
        Probe probe = new Probe(warm, k, tracker);
        Trainer trainer = new Trainer(net, cfg.optimizer.create(), setup.cost(), train, test, timed, TrainingSink.NONE, ProgressListener.NONE,
                List.of(probe));
        long evalSubset = Pointer.totalBytes() - bc;
        Trainer.Result result;
        try {
            result = trainer.run(TrainState.initial(net.normSquared()));
        } finally {
            if (tracker != null) tracker.close();
        }
        String stopped = result.stop() == Trainer.Stop.DIVERGED
                ? "the timed steps diverged (" + result.message() + "): the real run would stop there" : null;
        int done = (int) result.state().step();
        double window = (probe.tLast - probe.tWarm) / 1e9 - (probe.secLast - probe.secWarm);
        double stepSeconds = done > warm && warm > 0 ? window / (done - warm)
                : (probe.tLast - probe.tStart) / 1e9 / Math.max(1, done); // too few steps to leave out a warm-up: includes one evaluation
        double evalSeconds = (probe.tEnd - probe.tLast) / 1e9;
        long passesTimed = probe.snapsLast - probe.snapsWarm;
        double spectraSeconds = passesTimed > 0 ? (probe.secLast - probe.secWarm) / passesTimed
                : tracker != null ? probe.secWarm / Math.max(1, probe.snapsWarm) : 0; // none in the window: the earlier (colder) ones
        long passes = cadence == null ? 0 : spectraPasses(cadence, totalSteps, perEpoch);
        long peak = probe.maxBytes - b3;

        long[] parts = workspaceBytes(cfg, net, batch, train, test);
        long stepWorkspace = parts[0], evalWorkspaces = parts[1];
        long spectraBytes = probe.spectraBytes;
        long rest = Math.max(0, peak - stepWorkspace - evalWorkspaces - evalSubset - spectraBytes);

        long evaluations = 1 + (cfg.eval_every > 0 ? totalSteps / cfg.eval_every : 0)
                + (cfg.eval_every <= 0 || totalSteps % cfg.eval_every != 0 ? 1 : 0);
        long checkpoints = cfg.checkpoint_every > 0 ? (totalSteps - 1) / cfg.checkpoint_every : 0;
        Runtime rt = Runtime.getRuntime();
        Memory mem = new Memory(b1 - b0, b2 - b1, stepWorkspace, evalWorkspaces, evalSubset, rest, spectraBytes, rt.totalMemory() - rt.freeMemory());
        Timing timing = new Timing(load, done, warm, stepSeconds, evalSeconds, spectraSeconds, totalSteps, evaluations, passes, checkpoints,
                threads, flopsPerStep, stopped, choice, threads == 1 && Runtime.getRuntime().availableProcessors() > 1);
        return new Report(cfg, describeNetwork(cfg, net), describeData(cfg, setup),
                describeBudget(cfg, out, totalSteps, perEpoch, batch, train.size()), mem, timing);
    }

    /**
     * Native bytes of the step's workspace and of the evaluation workspaces (chunks of ≤ 1024 samples), each allocated
     * once more and measured; all kept alive until both are read, so each is counted once.
     */
    private static long[] workspaceBytes(TrainConfig cfg, Network net, int batch, Dataset train, Dataset test) {
        long before = Pointer.totalBytes();
        Network.Workspace ws = net.workspace(batch);
        long stepWorkspace = Pointer.totalBytes() - before;
        Set<Integer> chunks = new LinkedHashSet<>();
        int evalN = cfg.eval_samples > 0 && cfg.eval_samples < train.size() ? cfg.eval_samples : train.size();
        for (int n : test == null ? new int[] {evalN} : new int[] {evalN, test.size()}) {
            chunks.add(Math.min(1024, n));
            if (n > 1024 && n % 1024 != 0) chunks.add(n % 1024);
        }
        before = Pointer.totalBytes();
        List<Network.Workspace> evalWs = new ArrayList<>();
        for (int c : chunks) evalWs.add(net.workspace(c));
        long evalWorkspaces = Pointer.totalBytes() - before;
        ws.hashCode();
        evalWs.hashCode();
        return new long[] {stepWorkspace, evalWorkspaces};
    }

    private static String describeNetwork(TrainConfig cfg, Network net) {
        int[] w = net.widths();
        StringBuilder widths = new StringBuilder();
        for (int i = 0; i < w.length; i++) widths.append(i == 0 ? "" : "-").append(w[i]);
        return String.format(Locale.ROOT, "%s, %,d parameters, %s, %s, %s, init %s", widths, net.parameterCount(), cfg.dtype,
                cfg.activation, cfg.cost, cfg.init);
    }

    private static String describeData(TrainConfig cfg, RunSetup setup) {
        Dataset train = setup.data().train();
        Dataset test = setup.data().test();
        Object folder = setup.data().info().get("folder");
        Object checked = setup.data().info().get("checksums");
        return String.format(Locale.ROOT, "%s: %,d train, %,d test, %d inputs%s%s", cfg.dataset, train.size(),
                test == null ? 0 : test.size(), train.inputDim(), folder != null ? ", from " + folder : "",
                checked != null ? " (" + checked + ")" : "");
    }

    private static String describeBudget(TrainConfig cfg, Path out, long totalSteps, long perEpoch, int batch, int trainSize) {
        String budget = String.format(Locale.ROOT, "%,d steps%s, batch %d, lr %s/|theta|^%s", totalSteps,
                batch < trainSize ? String.format(Locale.ROOT, " (%s epochs of %,d steps)", epochs(totalSteps, perEpoch), perEpoch) : " (full batch)",
                batch, fmt(cfg.lr), fmt(cfg.lr_power));
        if (Files.exists(out)) budget += "; --out " + out + " exists (it will be used)";
        return budget;
    }

    /** Snapshots a run takes: one at the start, one per due step, one at the end unless its last step was due. */
    static long spectraPasses(Cadence cadence, long totalSteps, long perEpoch) {
        long passes = 1;
        boolean lastDue = false;
        long limit = Math.min(totalSteps, 200_000_000L); // beyond that the count is a lower bound
        for (long s = 1; s <= limit; s++) {
            boolean end = s % perEpoch == 0;
            if (cadence.due(s, s / perEpoch, end)) {
                passes++;
                lastDue = s == totalSteps;
            }
        }
        return lastDue ? passes : passes + 1;
    }

    /**
     * Times the steps through the trainer: the clock at the warm-up's end, at the last step, at the end (after the
     * final evaluation); the spectral tracker's own time and snapshot count at the same moments, so steps and spectra
     * passes are timed apart; the peak of native memory.
     */
    private static final class Probe implements TrainingObserver {
        private final int warm;
        private final int last;
        private final SpectralTracker tracker;
        long tStart, tWarm, tLast, tEnd, maxBytes, spectraBytes;
        double secWarm, secLast;
        long snapsWarm, snapsLast;

        Probe(int warm, int last, SpectralTracker tracker) {
            this.warm = warm;
            this.last = last;
            this.tracker = tracker;
        }

        @Override
        public void onStart(Network net, long step, long stepsPerEpoch) {
            long b = Pointer.totalBytes();
            if (tracker != null) tracker.onStart(net, step, stepsPerEpoch); // the first, cold pass; allocates the estimators
            spectraBytes = Pointer.totalBytes() - b;
            maxBytes = Pointer.totalBytes();
            tStart = System.nanoTime();
        }

        @Override
        public void afterStep(Network net, StepInfo info) {
            if (tracker != null) tracker.afterStep(net, info);
            long now = System.nanoTime();
            double sec = tracker == null ? 0 : tracker.seconds();
            long snaps = tracker == null ? 0 : tracker.snapshots().size();
            if (info.step() == warm) { tWarm = now; secWarm = sec; snapsWarm = snaps; }
            if (info.step() <= last) { tLast = now; secLast = sec; snapsLast = snaps; }
            maxBytes = Math.max(maxBytes, Pointer.totalBytes());
        }

        @Override
        public void onEnd(Network net, long step) {
            tEnd = System.nanoTime();
            maxBytes = Math.max(maxBytes, Pointer.totalBytes());
        }
    }

    private static String epochs(long steps, long perEpoch) {
        return steps % perEpoch == 0 ? String.format(Locale.ROOT, "%,d", steps / perEpoch) : String.format(Locale.ROOT, "%.2f", (double) steps / perEpoch);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String mb(long bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.2f GB", bytes / 1e9) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String duration(double s) {
        if (s < 1e-3) return String.format(Locale.ROOT, "%.1f us", s * 1e6);
        if (s < 1) return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
        if (s < 120) return String.format(Locale.ROOT, "%.1f s", s);
        if (s < 7200) return String.format(Locale.ROOT, "%.1f min", s / 60);
        return String.format(Locale.ROOT, "%.2f h", s / 3600);
    }

    private static String loadAverage() {
        try {
            String la = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
            return "load average " + la + " now";
        } catch (IOException | RuntimeException e) {
            return "load average unknown";
        }
    }
}
