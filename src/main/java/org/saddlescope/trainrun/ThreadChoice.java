package org.saddlescope.trainrun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.NativeMemory;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.train.LearningRate;
import org.saddlescope.train.StepClock;
import org.saddlescope.train.TrainState;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingSink;

/**
 * The BLAS thread count of a {@code train} run that names none: measured, never guessed. Steps of the run's own
 * network, data, batch and optimiser are timed on a copy of θ0 with one thread and with every core, alternately
 * (1, n, n, 1, 1, n: a machine whose load changes meanwhile weighs on both), and the faster median wins; within
 * {@link #MARGIN} one thread wins, leaving the other cores to other work. The real network is never touched, so the
 * choice changes the run only through the thread count, which the run records (manifest, checkpoints) and
 * {@code --threads} reproduces: OpenBLAS's sums depend on it (a few entries a layer differ in the last bit).
 * Networks whose largest product is below {@link RunSetup#MULTITHREAD_MIN_MACS} run on one thread unmeasured.
 *
 * <p>Why measure: on a shared two-core machine the paper's batch-32 step ran 13.2 ms on one thread and 17.8 on two
 * (issue 21), the opposite of what its product sizes suggest; at batch 1024 two threads win.
 */
public final class ThreadChoice {
    private ThreadChoice() {}

    /** One thread unless the other setting's median step is this much shorter. */
    static final double MARGIN = 0.03;
    /** Wall time each timing block aims at (three blocks a setting). */
    static final double BLOCK_SECONDS = 0.4;

    /**
     * The count, the median seconds a step took on one thread and on {@code cores} threads (NaN when unmeasured), and
     * why.
     */
    public record Choice(int threads, int cores, double oneThread, double allCores, String reason) {
        static Choice unmeasured(int threads, String reason) {
            return new Choice(threads, threads, Double.NaN, Double.NaN, reason);
        }

        public boolean measured() { return !Double.isNaN(oneThread); }

        /** E.g. "1 BLAS thread (measured: 1 thread 13.20 ms a step, 2 threads 17.80 ms)", or why it was not measured. */
        public String describe() {
            String head = threads + " BLAS thread" + (threads == 1 ? "" : "s");
            if (!measured()) return head + " (" + reason + ")";
            return head + String.format(Locale.ROOT, " (%s: 1 thread %.2f ms a step, %d threads %.2f ms)", reason, 1e3 * oneThread, cores,
                    1e3 * allCores);
        }

        /** Median seconds a step at the chosen count, or NaN when unmeasured. */
        public double chosenSeconds() {
            return threads == 1 ? oneThread : allCores;
        }
    }

    /** Measures (or rules, for small products) and leaves BLAS set to the chosen count. */
    public static Choice choose(TrainConfig cfg, RunSetup setup, Network net, int batch) {
        int cores = Runtime.getRuntime().availableProcessors();
        Choice c = choice(cfg, setup, net, batch, cores);
        Blas.init(c.threads());
        return c;
    }

    private static Choice choice(TrainConfig cfg, RunSetup setup, Network net, int batch, int cores) {
        if (cores == 1) return Choice.unmeasured(1, "one core");
        if (RunSetup.defaultThreads(net, batch) == 1) {
            return Choice.unmeasured(1, "small products: one thread is faster, measured on width-100 networks");
        }
        long weightBytes = net.parameterCount() * net.dtype().bytes * (net.low(1) != null ? 2 : 1);
        if (NativeMemory.free() < 3 * weightBytes) return Choice.unmeasured(cores, "no memory for a copy to measure on");
        List<Double> one = new ArrayList<>(), all = new ArrayList<>();
        try (Network copy = net.copy()) {
            StepTimer timer = new StepTimer(cfg, setup, copy, batch);
            for (int t : new int[] {1, cores, cores, 1, 1, cores}) {
                Blas.init(t);
                (t == 1 ? one : all).addAll(timer.block(BLOCK_SECONDS));
            }
        }
        double m1 = median(one), mn = median(all);
        int pick = mn < (1 - MARGIN) * m1 ? cores : 1;
        return new Choice(pick, cores, m1, mn, "measured");
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        return StepClock.median(a, a.length);
    }

    /** Runs blocks of steps of the run's trainer on the copy; each block's steps after its first two, in seconds. */
    private static final class StepTimer {
        private final TrainConfig cfg;
        private final RunSetup setup;
        private final Network copy;
        private final int batch;
        private double perStep = Double.NaN;

        StepTimer(TrainConfig cfg, RunSetup setup, Network copy, int batch) {
            this.cfg = cfg;
            this.setup = setup;
            this.copy = copy;
            this.batch = batch;
        }

        List<Double> block(double seconds) {
            int steps = Double.isNaN(perStep) ? 5 : (int) Math.max(3, Math.min(200, Math.ceil(seconds / perStep)));
            StepClock clock = new StepClock(2, true);
            Dataset train = setup.data().train();
            Trainer.Settings s = new Trainer.Settings(cfg.batch, new LearningRate(cfg.lr, cfg.lr_power), steps + 2, 0, 0, 0, 0, 0,
                    Math.min(batch, train.size()), cfg.seed);
            new Trainer(copy, cfg.optimizer.create(), setup.cost(), train, null, s, TrainingSink.NONE, ProgressListener.NONE, List.of(clock))
                    .run(TrainState.initial(copy.normSquared()));
            List<Double> out = new ArrayList<>();
            for (double w : clock.wallTimes()) out.add(w);
            double m = clock.medianWall();
            if (!Double.isNaN(m)) perStep = Double.isNaN(perStep) ? m : Math.min(perStep, m);
            return out;
        }
    }
}
