package org.saddlescope.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.loss.Reduction;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.train.optim.Sgd;
import org.saddlescope.train.optim.StepRecord;

/**
 * Full-batch gradient descent and minibatch SGD (batches reshuffled each epoch from the seed) with the learning
 * rate law c/‖θ‖^p, probes at a cadence, and exact resume: the permutation of epoch e depends only on (seed, e),
 * the tracked ‖θ‖² is part of the state, so a run resumed from a checkpoint makes the same steps bit for bit.
 *
 * <p>With a fast-forward ({@link FastForward}) the run starts with error-controlled steps that each stand for
 * many minibatch steps and hands back to the configured law before the escape; budgets, cadences and the data
 * stream's position are then on the nominal axis (the minibatch steps the run stands for), metrics.csv rows say
 * both the update count ({@code step}) and the nominal step, epoch and normalised time q.
 */
public final class Trainer {

    /** Why a run ended. INTERRUPTED: a stop was requested (SIGTERM/SIGINT); a checkpoint was written at its step. */
    public enum Stop { BUDGET, LOSS_TARGET, DIVERGED, INTERRUPTED }

    /**
     * How to train. batch ≤ 0 or ≥ N means full-batch gradient descent. Budgets and cadences in nominal steps
     * (the update count unless a fast-forward runs), checkpointEvery in updates; 0 disables.
     * {@code checkpointSeconds}: a checkpoint after the first step that ends that much wall time after the last
     * one (0 = off); checkpoints only read the state, so when they happen does not change the bits of the run.
     * {@code stopRequested} is polled after every step: when it turns true the run checkpoints and stops.
     * {@code fastForward}: null = off. {@code reduction}: the minibatch cost is the mean over its samples or their
     * sum (the gradient B times larger).
     */
    public record Settings(int batch, LearningRate lr, long maxSteps, long maxEpochs, double lossTarget,
                           long logEvery, long evalEvery, long checkpointEvery, int evalSamples, long seed,
                           double checkpointSeconds, java.util.function.BooleanSupplier stopRequested,
                           FastForward.Settings fastForward, Reduction reduction) {
        public Settings {
            if (maxSteps <= 0 && maxEpochs <= 0) throw new IllegalArgumentException("give a step or epoch budget");
            if (logEvery < 0 || evalEvery < 0 || checkpointEvery < 0) throw new IllegalArgumentException("cadences must be ≥ 0");
            if (!(checkpointSeconds >= 0)) throw new IllegalArgumentException("checkpoint interval must be ≥ 0 seconds");
            if (reduction == null) reduction = Reduction.MEAN;
            if (stopRequested == null) stopRequested = () -> false;
        }

        public Settings(int batch, LearningRate lr, long maxSteps, long maxEpochs, double lossTarget, long logEvery, long evalEvery,
                        long checkpointEvery, int evalSamples, long seed, double checkpointSeconds,
                        java.util.function.BooleanSupplier stopRequested) {
            this(batch, lr, maxSteps, maxEpochs, lossTarget, logEvery, evalEvery, checkpointEvery, evalSamples, seed, checkpointSeconds,
                    stopRequested, null, Reduction.MEAN);
        }

        public Settings(int batch, LearningRate lr, long maxSteps, long maxEpochs, double lossTarget,
                        long logEvery, long evalEvery, long checkpointEvery, int evalSamples, long seed) {
            this(batch, lr, maxSteps, maxEpochs, lossTarget, logEvery, evalEvery, checkpointEvery, evalSamples, seed, 0, null);
        }

        public Settings withFastForward(FastForward.Settings ff) {
            return new Settings(batch, lr, maxSteps, maxEpochs, lossTarget, logEvery, evalEvery, checkpointEvery, evalSamples, seed,
                    checkpointSeconds, stopRequested, ff, reduction);
        }
    }

    /** How a run ended; {@code warnings} are the precision monitor's one-line warnings, in order. */
    public record Result(Stop stop, TrainState state, String message, List<String> warnings) { }

    /** Exact ‖θ‖² is recomputed this often; between resyncs the optimiser tracks it (see {@link Sgd}). */
    static final long NORM_RESYNC_EVERY = 100;
    /** During a fast-forward the evaluation probes run at log-spaced nominal steps, this many a decade (they cost a pass over 20,000 samples). */
    static final int FAST_FORWARD_EVALS_PER_DECADE = 10;

    private final Network net;
    private final Optimizer optimizer;
    private final Cost cost;
    private final Dataset train;
    private final Dataset test;
    private final Settings s;
    private final TrainingSink sink;
    private final ProgressListener progress;
    private final List<TrainingObserver> observers;
    private final int batch;
    private final long stepsPerEpoch;
    private final DataStream stream;
    private final Dataset evalSet;
    private final LocalizedLoss localized;
    private final Map<Integer, Network.Workspace> evalWorkspaces = new HashMap<>();
    private final MetricsRow columns;
    private final PrecisionMonitor monitor;
    private final Divergence divergence;
    private final double gradientScale; // on the mean's gradient: 1, or B for a summed cost
    private MetricRows rows;  // this run's metrics rows, in order (evaluations maybe on a second core)
    private Network snapshot; // the weights an evaluation on the second core reads

    /** Plain gradient descent ({@link Sgd}, the fused fast path). */
    public Trainer(Network net, Cost cost, Dataset train, Dataset test, Settings settings, TrainingSink sink,
                   ProgressListener progress, List<TrainingObserver> observers) {
        this(net, new Sgd(), cost, train, test, settings, sink, progress, observers);
    }

    public Trainer(Network net, Optimizer optimizer, Cost cost, Dataset train, Dataset test, Settings settings, TrainingSink sink,
                   ProgressListener progress, List<TrainingObserver> observers) {
        if (train.inputDim() != net.width(0)) {
            throw new IllegalArgumentException("network input width " + net.width(0) + " but data has " + train.inputDim() + " features");
        }
        if (train.outputDim() != net.width(net.depth())) {
            throw new IllegalArgumentException("network output width " + net.width(net.depth()) + " but targets have " + train.outputDim() + " rows");
        }
        if (train.dtype() != net.dtype()) throw new IllegalArgumentException("data is " + train.dtype() + " but the network is " + net.dtype());
        if (settings.fastForward() != null && !optimizer.gradientDescent()) {
            throw new IllegalArgumentException("the fast-forward integrates gradient flow: it needs optimizer sgd, not " + optimizer.spec());
        }
        this.net = net;
        this.optimizer = optimizer;
        this.cost = cost;
        this.train = train;
        this.test = test;
        this.s = settings;
        this.sink = sink;
        this.progress = progress;
        this.observers = List.copyOf(observers);
        int n = train.size();
        this.batch = settings.batch() <= 0 || settings.batch() >= n ? n : settings.batch();
        this.stream = new DataStream(train, batch, settings.seed());
        this.stepsPerEpoch = stream.stepsPerEpoch(); // a trailing partial batch is dropped, as with drop_last
        this.gradientScale = settings.reduction().gradientScale(batch);
        this.evalSet = settings.evalSamples() > 0 && settings.evalSamples() < n ? train.head(settings.evalSamples()) : train;
        this.localized = LocalizedLoss.of(cost, evalSet.targets());
        this.divergence = Divergence.of(cost, evalSet.targets());
        this.monitor = new PrecisionMonitor(net, optimizer.gradientDescent(), batch);
        this.columns = new MetricsRow(net.depth(), monitor.columns());
    }

    public boolean fullBatch() { return batch == train.size(); }
    public long stepsPerEpoch() { return stepsPerEpoch; }
    public int batchSize() { return batch; }
    public List<String> columns() { return columns.names(); }

    /** Total nominal steps of the budget (the smaller of the step and epoch budgets). */
    public long totalSteps() {
        long a = s.maxSteps() > 0 ? s.maxSteps() : Long.MAX_VALUE;
        long b = s.maxEpochs() > 0 ? s.maxEpochs() * stepsPerEpoch : Long.MAX_VALUE;
        return Math.min(a, b);
    }

    /** Where the run is: updates, nominal steps, normalised time, the tracked ‖θ‖², the loss window, the controller. */
    private final class Clock {
        long step, nominal, epoch;
        int b;
        double norm2, q, windowSum;
        long windowSteps;
        FastForward.State ff;
        Stop stop = Stop.BUDGET;
        String message;

        Clock(TrainState st) {
            step = st.step();
            nominal = st.nominalStep();
            epoch = st.epoch();
            b = st.batchInEpoch();
            norm2 = st.normSquared();
            // A checkpoint from before q was kept: exact for p = L − 2 (c per step), the step's rate otherwise.
            q = Double.isNaN(st.q()) ? nominal * qRate(norm2) : st.q();
            windowSum = st.windowLossSum();
            windowSteps = st.windowSteps();
            ff = st.fastForward();
            if (ff == null && s.fastForward() != null && step == 0) ff = FastForward.State.start(2, 0);
        }

        /** Moves the nominal position by {@code span} steps; true when that completed an epoch. */
        boolean advance(long span) {
            long before = epoch;
            nominal += span;
            epoch = nominal / stepsPerEpoch;
            b = (int) (nominal % stepsPerEpoch);
            return epoch > before;
        }

        TrainState state(double elapsed) {
            return new TrainState(step, epoch, b, norm2, windowSum, windowSteps, elapsed, monitor.state(), nominal, q, ff);
        }
    }

    /** dq per unit of lr at ‖θ‖² = norm2: ‖θ‖^(L−2) times the reduction's factor (section 2.1). */
    private double qRate(double norm2) {
        return gradientScale * s.lr().at(norm2) * Math.pow(norm2, (net.depth() - 2) / 2.0);
    }

    /** Trains from {@code state} (TrainState.initial for a new run, a checkpoint's state to resume). */
    public Result run(TrainState state) {
        long total = totalSteps();
        Clock k = new Clock(state);
        double elapsedBefore = state.elapsedSeconds();
        long t0 = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        if (state.monitor() != null) monitor.restore(state.monitor());
        else monitor.begin(); // a new run (or a checkpoint from before the monitor: drift counted from here)
        sink.metricsHeader(columns());
        rows = new MetricRows(sink, backgroundEvaluation());
        for (TrainingObserver o : observers) o.onStart(net, k.nominal, stepsPerEpoch);
        Timing time = new Timing(t0, elapsedBefore, (long) (s.checkpointSeconds() * 1e9));
        try {
            if (k.step == 0) log(k, Double.NaN, Double.NaN, elapsedBefore, null, null, warnings, true);
            k.message = "finished " + total + " steps";
            if (k.nominal < total && s.stopRequested().getAsBoolean()) {
                k.stop = Stop.INTERRUPTED; // before any step: the state on disk is already this one
                k.message = "interrupted at step " + k.step + " before it moved";
            }
            if (k.ff != null && k.ff.active() && k.stop == Stop.BUDGET) fastForward(k, total, time, warnings);
            if (k.stop == Stop.BUDGET) descend(k, total, time, warnings);
            rows.drain();
        } finally {
            rows.close();
        }
        for (TrainingObserver o : observers) o.onEnd(net, k.nominal);
        return new Result(k.stop, k.state(time.elapsed()), k.message, List.copyOf(warnings));
    }

    /** Wall time of the run so far and when the next timed checkpoint is due. */
    private static final class Timing {
        final long t0, checkpointNanos;
        final double before;
        long nextCheckpoint;

        Timing(long t0, double before, long checkpointNanos) {
            this.t0 = t0;
            this.before = before;
            this.checkpointNanos = checkpointNanos;
            this.nextCheckpoint = t0 + checkpointNanos;
        }

        double elapsed() { return before + (System.nanoTime() - t0) / 1e9; }
    }

    /** Minibatch SGD (or full-batch GD) under the configured law from the clock's position to the budget. */
    private void descend(Clock k, long total, Timing time, List<String> warnings) {
        StepRecord record = new StepRecord(net.depth());
        Network.Workspace ws = net.workspace(batch);
        Matrix xb = fullBatch() ? train.x() : Matrix.zeros(net.dtype(), train.inputDim(), batch);
        Matrix tb = fullBatch() ? train.targets() : Matrix.zeros(net.dtype(), train.outputDim(), batch);
        Matrix dy = Matrix.zeros(net.dtype(), train.outputDim(), batch);
        try {
            while (k.nominal < total && k.stop == Stop.BUDGET) {
                if (!fullBatch()) {
                    int[] perm = stream.permutation(k.epoch);
                    xb.gatherColumns(train.x(), perm, k.b * batch);
                    tb.gatherColumns(train.targets(), perm, k.b * batch);
                }
                Matrix y = net.forward(xb, ws);
                double loss = cost.gradient(y, tb, dy);
                if (gradientScale != 1) dy.scale(gradientScale);
                String diverged = divergence.loss(loss);
                if (diverged != null) {
                    k.stop = Stop.DIVERGED;
                    k.message = "diverged at step " + (k.step + 1) + " (epoch " + k.epoch + "): " + diverged;
                    break;
                }
                double lr = s.lr().at(k.norm2);
                double dq = qRate(k.norm2);
                // Lost updates are counted on the steps that are logged; counting only observes the step.
                record.reset(logsAt(k.nominal + 1, total));
                k.norm2 = optimizer.step(net, ws, dy, lr, k.norm2, record);
                monitor.afterStep(record, lr);
                k.step++;
                k.q += dq;
                boolean epochEnd = k.advance(1);
                if (k.step % NORM_RESYNC_EVERY == 0) k.norm2 = net.normSquared();
                if (overflowed(k)) break;
                k.windowSum += loss;
                k.windowSteps++;
                after(k, loss, lr, 1, epochEnd);
                if (logsAt(k.nominal, total)) logWindow(k, total, lr, time, record, null, warnings, evalAt(k.nominal, total));
                checkpointIfDue(k, total, time);
            }
        } finally {
            if (!fullBatch()) { xb.close(); tb.close(); }
            dy.close();
        }
    }

    /** The fast-forward from the clock's position until it hands over (or the budget ends, or a stop). */
    private void fastForward(Clock k, long total, Timing time, List<String> warnings) {
        StepRecord record = new StepRecord(net.depth());
        try (FastForward ff = new FastForward(net, cost, s.lr(), s.fastForward(), stream, train, batch, gradientScale)) {
            while (k.ff.active() && k.nominal < total && k.stop == Stop.BUDGET) {
                long remaining = total - k.nominal;
                record.reset(true);
                FastForward.Step st = ff.advance(k.ff, k.nominal, k.q, remaining, record);
                if (st == null) {
                    k.ff = k.ff.handedOver(k.nominal, k.q, remaining < ff.minimumSpan() ? FastForward.HandOver.BUDGET : FastForward.HandOver.STEP_TOO_SMALL);
                    break;
                }
                String diverged = divergence.loss(st.loss());
                if (diverged != null) {
                    k.stop = Stop.DIVERGED;
                    k.message = "diverged in the fast-forward at step " + (k.step + 1) + " (nominal step " + k.nominal + "): " + diverged;
                    break;
                }
                double lr = s.lr().at(k.norm2);
                double[][] change = FastForward.normChange(st, net.depth());
                monitor.afterUpdate(change[0], change[1]);
                long before = k.nominal;
                k.step++;
                k.q += st.dq();
                boolean epochEnd = k.advance(st.span());
                k.norm2 = st.normSquared();
                if (overflowed(k)) break;
                FastForward.HandOver why = ff.handOver(st.state(), st);
                k.ff = why == null ? st.state() : st.state().handedOver(k.nominal, k.q, why);
                k.windowSum = st.loss();
                k.windowSteps = 1;
                after(k, st.loss(), lr, st.span(), epochEnd);
                boolean eval = !k.ff.active() || k.nominal == total || FastForward.crossesLogPoint(before, k.nominal, FAST_FORWARD_EVALS_PER_DECADE);
                logWindow(k, total, lr, time, record, st, warnings, eval);
                checkpointIfDue(k, total, time);
            }
        }
    }

    private boolean overflowed(Clock k) {
        if (Double.isFinite(k.norm2)) return false;
        k.stop = Stop.DIVERGED;
        k.message = "diverged at step " + k.step + " (epoch " + k.epoch + "): the parameters overflowed (‖θ‖² = " + k.norm2 + ")";
        return true;
    }

    /** Hands the step to the observers. */
    private void after(Clock k, double loss, double lr, long span, boolean epochEnd) {
        TrainingObserver.StepInfo info = new TrainingObserver.StepInfo(k.nominal, k.epoch, epochEnd, loss, k.norm2, lr, span, k.step, k.q);
        for (TrainingObserver o : observers) o.afterStep(net, info);
    }

    /** A metrics row for the loss window ending now, the progress line, and the loss target. */
    private void logWindow(Clock k, long total, double lr, Timing time, StepRecord record, FastForward.Step ff, List<String> warnings,
                           boolean eval) {
        double windowMean = k.windowSum / k.windowSteps;
        log(k, windowMean, lr, time.elapsed(), record, ff, warnings, eval);
        k.windowSum = 0;
        k.windowSteps = 0;
        progress.progress(k.nominal, total, String.format(java.util.Locale.ROOT, "loss %.4g |θ| %.3g", windowMean, Math.sqrt(k.norm2))
                + (k.ff != null && k.ff.active() ? "  fast-forward" : "") + observerStatus());
        if (s.lossTarget() > 0 && windowMean <= s.lossTarget()) {
            k.stop = Stop.LOSS_TARGET;
            k.message = "loss " + windowMean + " reached the target " + s.lossTarget() + " at step " + k.step;
        }
    }

    private void checkpointIfDue(Clock k, long total, Timing time) {
        boolean interrupted = s.stopRequested().getAsBoolean();
        long now = System.nanoTime();
        // and one step before the budget ends: extending a finished run takes its last step again, the one
        // that logged and evaluated because it was the last, and goes on with the bits of the longer run
        boolean due = s.checkpointEvery() > 0 && k.step % s.checkpointEvery() == 0
                || time.checkpointNanos > 0 && now - time.nextCheckpoint >= 0 || interrupted || k.nominal == total - 1;
        rows.flushReady();
        if (due && k.nominal < total && k.stop == Stop.BUDGET) {
            rows.drain(); // metrics.csv whole up to the checkpoint's step
            sink.checkpoint(net, optimizer, k.state(time.elapsed()));
            time.nextCheckpoint = now + time.checkpointNanos;
            if (interrupted) {
                k.stop = Stop.INTERRUPTED;
                k.message = "interrupted at step " + k.step + " (epoch " + k.epoch + ")";
            }
        }
    }

    private boolean logsAt(long nominal, long total) {
        return s.logEvery() > 0 && nominal % s.logEvery() == 0 || nominal == total;
    }

    private boolean evalAt(long nominal, long total) {
        return s.evalEvery() > 0 && nominal % s.evalEvery() == 0 || nominal == total;
    }

    private String observerStatus() {
        StringBuilder sb = new StringBuilder();
        for (TrainingObserver o : observers) {
            String st = o.status();
            if (st != null && !st.isEmpty()) sb.append("  ").append(st);
        }
        return sb.toString();
    }

    /** Permutation of the training indices for an epoch: the run's stream ("shuffle", epoch), so resume is exact. */
    int[] permutation(long epoch) {
        return stream.permutation(epoch).clone();
    }

    private void log(Clock k, double windowLoss, double lr, double elapsed, StepRecord record, FastForward.Step ff,
                     List<String> warnings, boolean eval) {
        double[] row = columns.empty();
        int before = warnings.size();
        double[] layerNorms = monitor.log(k.step, record, row, columns.monitorAt(), warnings);
        for (int i = before; i < warnings.size(); i++) progress.warning(warnings.get(i));
        columns.time(row, k.step, k.epoch, k.q, k.nominal, (double) k.nominal / stepsPerEpoch, elapsed,
                k.step == 0 ? Double.NaN : ff == null ? 1 : ff.span(), ff == null ? Double.NaN : ff.error());
        columns.weights(row, lr, windowLoss, Math.sqrt(k.norm2), layerNorms);
        if (!eval) {
            rows.add(row, null);
            return;
        }
        if (rows.background() && rows.evaluating()) rows.drain(); // the snapshot is still being read
        Network at = rows.background() ? (snapshot = net.forwardSnapshot(snapshot)) : net;
        double norm2 = k.norm2;
        rows.add(row, () -> evaluateInto(at, row, norm2));
    }

    /** The evaluation columns of a row: losses, accuracies and the direction's speed, from {@code at}'s outputs. */
    private void evaluateInto(Network at, double[] row, double norm2) {
        Evaluation tr = evaluate(at, evalSet);
        double te = Double.NaN, teAcc = Double.NaN;
        if (test != null) {
            Evaluation e = evaluate(at, test);
            te = e.loss;
            teAcc = e.accuracy;
        }
        // Speed of θ's direction: s_unit on the unit sphere and s on the √L sphere (Definition 2.1).
        int L = at.depth();
        double sUnit = EscapeSpeed.unitSpeedOfDirection(tr.localized, norm2, L);
        if (!at.activation().positivelyHomogeneous()) sUnit = Double.NaN; // L0 is not homogeneous: no speed
        columns.evaluation(row, tr.loss, tr.accuracy, te, teAcc, EscapeSpeed.sphereSpeed(sUnit, L), sUnit);
    }

    /**
     * Evaluations run on a second core when the step runs on one BLAS thread and another core is there (issue 21:
     * where a second thread cannot speed a batch-32 step, it does the run's other work). Same bits either way; the
     * property {@code saddlescope.evaluation=foreground} keeps them on the training thread (tests compare the two).
     */
    static boolean backgroundEvaluation() {
        return !"foreground".equals(System.getProperty("saddlescope.evaluation")) && Blas.threads() == 1
                && Runtime.getRuntime().availableProcessors() > 1;
    }

    private record Evaluation(double loss, double accuracy, double localized) { }

    /** Mean cost, accuracy and L0 = Tr[GᵀY] over a dataset, in chunks of at most 1024 samples. */
    private Evaluation evaluate(Network at, Dataset d) {
        int n = d.size();
        int chunk = Math.min(1024, n);
        double lossSum = 0, correct = 0, l0 = 0;
        for (int from = 0; from < n; from += chunk) {
            int m = Math.min(chunk, n - from);
            Network.Workspace ws = evalWorkspaces.computeIfAbsent(m, at::workspace); // one evaluating thread at a time
            Matrix y = at.forward(d.x().columns(from, m), ws);
            Matrix t = d.targets().columns(from, m);
            lossSum += cost.value(y, t) * m;
            if (d.hasLabels()) correct += Dataset.accuracy(y, d.labels(), from) * m;
            if (d == evalSet) l0 += localized.g().columns(from, m).dot(y);
        }
        return new Evaluation(lossSum / n, d.hasLabels() ? correct / n : Double.NaN, l0);
    }
}
