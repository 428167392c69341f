package org.saddlescope.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.EscapeSpeed;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.train.optim.Sgd;
import org.saddlescope.train.optim.StepRecord;

/**
 * Full-batch gradient descent and minibatch SGD (batches reshuffled each epoch from the seed) with the learning
 * rate law c/‖θ‖^p, probes at a cadence, and exact resume: the permutation of epoch e depends only on (seed, e),
 * the tracked ‖θ‖² is part of the state, so a run resumed from a checkpoint makes the same steps bit for bit.
 */
public final class Trainer {

    /** Why a run ended. INTERRUPTED: a stop was requested (SIGTERM/SIGINT); a checkpoint was written at its step. */
    public enum Stop { BUDGET, LOSS_TARGET, DIVERGED, INTERRUPTED }

    /**
     * How to train. batch ≤ 0 or ≥ N means full-batch gradient descent. Cadences in steps; 0 disables.
     * {@code checkpointSeconds}: a checkpoint after the first step that ends that much wall time after the last
     * one (0 = off); checkpoints only read the state, so when they happen does not change the bits of the run.
     * {@code stopRequested} is polled after every step: when it turns true the run checkpoints and stops.
     */
    public record Settings(int batch, LearningRate lr, long maxSteps, long maxEpochs, double lossTarget,
                           long logEvery, long evalEvery, long checkpointEvery, int evalSamples, long seed,
                           double checkpointSeconds, java.util.function.BooleanSupplier stopRequested) {
        public Settings {
            if (maxSteps <= 0 && maxEpochs <= 0) throw new IllegalArgumentException("give a step or epoch budget");
            if (logEvery < 0 || evalEvery < 0 || checkpointEvery < 0) throw new IllegalArgumentException("cadences must be ≥ 0");
            if (!(checkpointSeconds >= 0)) throw new IllegalArgumentException("checkpoint interval must be ≥ 0 seconds");
            if (stopRequested == null) stopRequested = () -> false;
        }

        public Settings(int batch, LearningRate lr, long maxSteps, long maxEpochs, double lossTarget,
                        long logEvery, long evalEvery, long checkpointEvery, int evalSamples, long seed) {
            this(batch, lr, maxSteps, maxEpochs, lossTarget, logEvery, evalEvery, checkpointEvery, evalSamples, seed, 0, null);
        }
    }

    /** How a run ended; {@code warnings} are the precision monitor's one-line warnings, in order. */
    public record Result(Stop stop, TrainState state, String message, List<String> warnings) { }

    /** Exact ‖θ‖² is recomputed this often; between resyncs the optimiser tracks it (see {@link Sgd}). */
    static final long NORM_RESYNC_EVERY = 100;

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
    private final Dataset evalSet;
    private final LocalizedLoss localized;
    private final Map<Integer, Network.Workspace> evalWorkspaces = new HashMap<>();
    private final List<String> columns = new ArrayList<>();
    private final PrecisionMonitor monitor;
    private final int monitorAt; // first metrics column of the monitor
    private final Divergence divergence;
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
        this.stepsPerEpoch = n / batch; // a trailing partial batch is dropped, as with drop_last
        this.evalSet = settings.evalSamples() > 0 && settings.evalSamples() < n ? train.head(settings.evalSamples()) : train;
        this.localized = LocalizedLoss.of(cost, evalSet.targets());
        this.divergence = Divergence.of(cost, evalSet.targets());
        columns.addAll(List.of("step", "epoch", "time_s", "lr", "loss", "norm"));
        for (int l = 1; l <= net.depth(); l++) columns.add("w_norm_" + l);
        columns.addAll(List.of("train_loss", "train_acc", "test_loss", "test_acc", "speed", "speed_unit"));
        this.monitor = new PrecisionMonitor(net, optimizer.gradientDescent(), batch);
        this.monitorAt = columns.size();
        columns.addAll(monitor.columns());
    }

    public boolean fullBatch() { return batch == train.size(); }
    public long stepsPerEpoch() { return stepsPerEpoch; }
    public int batchSize() { return batch; }
    public List<String> columns() { return List.copyOf(columns); }

    /** Total steps of the budget (the smaller of the step and epoch budgets). */
    public long totalSteps() {
        long a = s.maxSteps() > 0 ? s.maxSteps() : Long.MAX_VALUE;
        long b = s.maxEpochs() > 0 ? s.maxEpochs() * stepsPerEpoch : Long.MAX_VALUE;
        return Math.min(a, b);
    }

    /** Trains from {@code state} (TrainState.initial for a new run, a checkpoint's state to resume). */
    public Result run(TrainState state) {
        long total = totalSteps();
        long step = state.step();
        long epoch = state.epoch();
        int b = state.batchInEpoch();
        double norm2 = state.normSquared();
        double windowSum = state.windowLossSum();
        long windowSteps = state.windowSteps();
        double elapsedBefore = state.elapsedSeconds();
        long t0 = System.nanoTime();

        List<String> warnings = new ArrayList<>();
        if (state.monitor() != null) monitor.restore(state.monitor());
        else monitor.begin(); // a new run (or a checkpoint from before the monitor: drift counted from here)
        StepRecord record = new StepRecord(net.depth());

        sink.metricsHeader(columns());
        rows = new MetricRows(sink, backgroundEvaluation());
        for (TrainingObserver o : observers) o.onStart(net, step, stepsPerEpoch);
        if (step == 0) log(0, 0, norm2, Double.NaN, Double.NaN, elapsedBefore, null, warnings);

        Network.Workspace ws = net.workspace(batch);
        Matrix xb = fullBatch() ? train.x() : Matrix.zeros(net.dtype(), train.inputDim(), batch);
        Matrix tb = fullBatch() ? train.targets() : Matrix.zeros(net.dtype(), train.outputDim(), batch);
        Matrix dy = Matrix.zeros(net.dtype(), train.outputDim(), batch);
        int[] perm = fullBatch() ? null : permutation(epoch);
        Stop stop = Stop.BUDGET;
        String message = "finished " + total + " steps";
        long checkpointNanos = (long) (s.checkpointSeconds() * 1e9);
        long nextCheckpoint = t0 + checkpointNanos;
        if (step < total && s.stopRequested().getAsBoolean()) {
            stop = Stop.INTERRUPTED; // before any step: the state on disk is already this one
            message = "interrupted at step " + step + " before it moved";
        }
        try {
            while (step < total && stop == Stop.BUDGET) {
                if (!fullBatch()) {
                    xb.gatherColumns(train.x(), perm, b * batch);
                    tb.gatherColumns(train.targets(), perm, b * batch);
                }
                Matrix y = net.forward(xb, ws);
                double loss = cost.gradient(y, tb, dy);
                String diverged = divergence.loss(loss);
                if (diverged != null) {
                    stop = Stop.DIVERGED;
                    message = "diverged at step " + (step + 1) + " (epoch " + epoch + "): " + diverged;
                    break;
                }
                double lr = s.lr().at(norm2);
                // Lost updates are counted on the steps that are logged; counting only observes the step.
                record.reset(logsAt(step + 1, total));
                norm2 = optimizer.step(net, ws, dy, lr, norm2, record);
                monitor.afterStep(record, lr);
                step++;
                b++;
                boolean epochEnd = b == stepsPerEpoch;
                if (epochEnd) {
                    epoch++;
                    b = 0;
                    if (!fullBatch() && step < total) perm = permutation(epoch);
                }
                if (step % NORM_RESYNC_EVERY == 0) norm2 = net.normSquared();
                if (!Double.isFinite(norm2)) {
                    stop = Stop.DIVERGED;
                    message = "diverged at step " + step + " (epoch " + epoch + "): the parameters overflowed (‖θ‖² = " + norm2 + ")";
                    break;
                }
                windowSum += loss;
                windowSteps++;
                TrainingObserver.StepInfo info = new TrainingObserver.StepInfo(step, epoch, epochEnd, loss, norm2, lr);
                for (TrainingObserver o : observers) o.afterStep(net, info);

                double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                if (logsAt(step, total)) {
                    double windowMean = windowSum / windowSteps;
                    log(step, epoch, norm2, windowMean, lr, elapsed, record, warnings);
                    windowSum = 0;
                    windowSteps = 0;
                    progress.progress(step, total, String.format(java.util.Locale.ROOT, "loss %.4g |θ| %.3g", windowMean, Math.sqrt(norm2))
                            + observerStatus());
                    if (s.lossTarget() > 0 && windowMean <= s.lossTarget()) {
                        stop = Stop.LOSS_TARGET;
                        message = "loss " + windowMean + " reached the target " + s.lossTarget() + " at step " + step;
                    }
                }
                boolean interrupted = s.stopRequested().getAsBoolean();
                long now = System.nanoTime();
                // and one step before the budget ends: extending a finished run takes its last step again, the one
                // that logged and evaluated because it was the last, and goes on with the bits of the longer run
                boolean due = s.checkpointEvery() > 0 && step % s.checkpointEvery() == 0
                        || checkpointNanos > 0 && now - nextCheckpoint >= 0 || interrupted || step == total - 1;
                rows.flushReady();
                if (due && step < total && stop == Stop.BUDGET) {
                    rows.drain(); // metrics.csv whole up to the checkpoint's step
                    sink.checkpoint(net, optimizer, new TrainState(step, epoch, b, norm2, windowSum, windowSteps, elapsed, monitor.state()));
                    nextCheckpoint = now + checkpointNanos;
                    if (interrupted) {
                        stop = Stop.INTERRUPTED;
                        message = "interrupted at step " + step + " (epoch " + epoch + ")";
                    }
                }
            }
            rows.drain();
        } finally {
            rows.close();
            if (!fullBatch()) { xb.close(); tb.close(); }
            dy.close();
        }
        double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
        for (TrainingObserver o : observers) o.onEnd(net, step);
        return new Result(stop, new TrainState(step, epoch, b, norm2, windowSum, windowSteps, elapsed, monitor.state()), message,
                List.copyOf(warnings));
    }

    private boolean logsAt(long step, long total) {
        return s.logEvery() > 0 && step % s.logEvery() == 0 || step == total;
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
        return Subsets.permutation(train.size(), RandomStreams.of(s.seed()).stream("shuffle", epoch));
    }

    private void log(long step, long epoch, double norm2, double windowLoss, double lr, double elapsed, StepRecord record,
                     List<String> warnings) {
        double[] row = new double[columns.size()];
        java.util.Arrays.fill(row, Double.NaN);
        int c = 0;
        row[c++] = step;
        row[c++] = epoch;
        row[c++] = elapsed;
        row[c++] = lr;
        row[c++] = windowLoss;
        row[c++] = Math.sqrt(norm2);
        int before = warnings.size();
        double[] layerNorms = monitor.log(step, record, row, monitorAt, warnings);
        for (int i = before; i < warnings.size(); i++) progress.warning(warnings.get(i));
        for (int l = 1; l <= net.depth(); l++) row[c++] = Math.sqrt(layerNorms[l - 1]);
        boolean eval = step == 0 || (s.evalEvery() > 0 && step % s.evalEvery() == 0) || step == totalSteps();
        if (!eval) {
            rows.add(row, null);
            return;
        }
        if (rows.background() && rows.evaluating()) rows.drain(); // the snapshot is still being read
        Network at = rows.background() ? (snapshot = net.forwardSnapshot(snapshot)) : net;
        int from = c;
        rows.add(row, () -> evaluateInto(at, row, from, norm2));
    }

    /** The evaluation columns of a row: losses, accuracies and the direction's speed, from {@code at}'s outputs. */
    private void evaluateInto(Network at, double[] row, int c, double norm2) {
        Evaluation tr = evaluate(at, evalSet);
        row[c] = tr.loss;
        row[c + 1] = tr.accuracy;
        if (test != null) {
            Evaluation te = evaluate(at, test);
            row[c + 2] = te.loss;
            row[c + 3] = te.accuracy;
        }
        // Speed of θ's direction: s_unit on the unit sphere and s on the √L sphere (Definition 2.1).
        int L = at.depth();
        double sUnit = EscapeSpeed.unitSpeedOfDirection(tr.localized, norm2, L);
        if (!at.activation().positivelyHomogeneous()) sUnit = Double.NaN; // L0 is not homogeneous: no speed
        row[c + 4] = EscapeSpeed.sphereSpeed(sUnit, L);
        row[c + 5] = sUnit;
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
