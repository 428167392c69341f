package org.saddlescope.spectra;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.saddlescope.linalg.TopSingularValues;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.train.TrainingObserver;

/**
 * Records the top k singular values of every W_ℓ at a cadence, plus at the start and the end of training
 * (issue 4, item 2; the data of the paper's Figures 1, 3–6). Large layers go through warm-started subspace
 * iteration ({@link TopSingularValues}), small ones through the full SVD. Snapshots stay in memory and are
 * handed to a {@link SpectraSink} as they are taken. Runs on the training thread between steps.
 */
public final class SpectralTracker implements TrainingObserver, AutoCloseable {
    public static final int DEFAULT_K = 10;

    private final int k;
    private final Cadence cadence;
    private final SpectraSink sink;
    private final RandomStreams streams;
    private final List<SpectrumSnapshot> snapshots = new ArrayList<>();
    private TopSingularValues[] perLayer;
    private long nanos;
    private long lastStep = Long.MIN_VALUE;
    private long epoch;
    private long stepsPerEpoch = 1;

    public SpectralTracker(int k, Cadence cadence, SpectraSink sink, RandomStreams streams) {
        if (k <= 0) throw new IllegalArgumentException("spectra k must be positive, got " + k);
        this.k = k;
        this.cadence = cadence;
        this.sink = sink == null ? SpectraSink.NONE : sink;
        this.streams = streams;
    }

    public int k() { return k; }
    public Cadence cadence() { return cadence; }

    @Override
    public void onStart(Network net, long step, long stepsPerEpoch) {
        this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
        record(net, step, step / this.stepsPerEpoch);
    }

    @Override
    public void afterStep(Network net, StepInfo info) {
        epoch = info.epoch();
        long fromEpoch = info.span() == 1 ? (info.epochEnd() ? info.epoch() - 1 : info.epoch()) : info.previousStep() / stepsPerEpoch;
        if (cadence.crossed(info.previousStep(), info.step(), fromEpoch, info.epoch())) record(net, info.step(), info.epoch());
    }

    @Override
    public void onEnd(Network net, long step) {
        record(net, step, epoch);
    }

    /** Takes a snapshot now (no-op if this step was already recorded). */
    public SpectrumSnapshot record(Network net, long step, long epochOfStep) {
        if (step == lastStep) return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
        long t0 = System.nanoTime();
        int depth = net.depth();
        estimators(depth);
        double[][] values = new double[depth][];
        double[] frob = new double[depth];
        for (int l = 1; l <= depth; l++) {
            values[l - 1] = perLayer[l - 1].compute(net.weight(l));
            frob[l - 1] = net.weight(l).frobeniusNorm2();
        }
        SpectrumSnapshot s = new SpectrumSnapshot(step, epochOfStep, values, frob);
        nanos += System.nanoTime() - t0;
        snapshots.add(s);
        lastStep = step;
        sink.accept(s);
        return s;
    }

    /**
     * Resumes at {@code step}: the snapshots taken before it (read back from spectra.csv) are kept, none is taken
     * at {@code step} itself unless the uninterrupted run took one there (it is then among {@code earlier}), and
     * the estimators start from the subspaces the run had ({@code bases}: layer → basis, from
     * {@link #basisCopy}).
     */
    public void resume(List<SpectrumSnapshot> earlier, long step, int depth, java.util.Map<Integer, org.saddlescope.linalg.Matrix> bases) {
        preload(earlier);
        lastStep = step;
        if (!bases.isEmpty()) {
            estimators(depth);
            for (var e : bases.entrySet()) perLayer[e.getKey() - 1].warmStart(e.getValue());
        }
    }

    /** Layer ℓ's warm-start subspace (a copy; null when the layer has none), for a checkpoint. */
    public org.saddlescope.linalg.Matrix basisCopy(int l) {
        return perLayer == null ? null : perLayer[l - 1].basisCopy();
    }

    private void estimators(int depth) {
        if (perLayer == null || perLayer.length != depth) {
            perLayer = new TopSingularValues[depth];
            for (int l = 0; l < depth; l++) perLayer[l] = new TopSingularValues(k, streams.stream("sketch", l + 1));
        }
    }

    /** Snapshots taken before a resume (read back from spectra.csv): kept, and not taken again. */
    public void preload(List<SpectrumSnapshot> earlier) {
        for (SpectrumSnapshot s : earlier) {
            snapshots.add(s);
            lastStep = s.step();
        }
    }

    /** The estimator of layer ℓ (null before the first snapshot). */
    public TopSingularValues estimator(int l) { return perLayer == null ? null : perLayer[l - 1]; }

    public List<SpectrumSnapshot> snapshots() { return Collections.unmodifiableList(snapshots); }

    /** Wall time spent computing snapshots, in seconds (for the overhead report). */
    public double seconds() { return nanos / 1e9; }

    /** The snapshot whose step is closest to {@code step} (ties go to the later one), or null if none. */
    public static SpectrumSnapshot nearest(List<SpectrumSnapshot> list, long step) {
        SpectrumSnapshot best = null;
        for (SpectrumSnapshot s : list) {
            if (best == null || Math.abs(s.step() - step) <= Math.abs(best.step() - step)) best = s;
        }
        return best;
    }

    @Override
    public void close() {
        if (perLayer != null) for (TopSingularValues t : perLayer) t.close();
    }
}
