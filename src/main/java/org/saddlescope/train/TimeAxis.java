package org.saddlescope.train;

import java.util.Arrays;
import org.saddlescope.net.Network;

/**
 * The map from a run's nominal steps (its time axis: minibatch steps of the configured law) to the update count
 * and the normalised time q, for files that name moments on the nominal axis (escapes.csv, plateaus.csv). Fed
 * every step's {@link TrainingObserver.StepInfo}; keeps a knot at every update that stood for more than one
 * nominal step (a fast-forward step) and at every {@link #EVERY}-th update otherwise, and interpolates q linearly
 * between knots (exact for p = L − 2, where q grows by c a step; within 1e-6 relative otherwise, ‖θ‖ changing
 * little in 64 steps).
 */
public final class TimeAxis implements TrainingObserver {
    static final int EVERY = 64;

    private long[] nominal = new long[256], update = new long[256], span = new long[256];
    private double[] q = new double[256];
    private int n;
    private long lastNominal, lastUpdate;
    private double lastQ = 0;
    private long stepsPerEpoch = 1;

    public TimeAxis() {
        add(0, 0, 1, 0);
    }

    @Override
    public void onStart(Network net, long step, long stepsPerEpoch) {
        this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
    }

    /** Nominal epochs (fractional) at nominal step {@code s}. */
    public double epochAt(double s) {
        return s / stepsPerEpoch;
    }

    @Override
    public void afterStep(Network net, StepInfo info) {
        lastNominal = info.step();
        lastUpdate = info.update();
        lastQ = info.q();
        if (info.span() > 1 || info.update() % EVERY == 0 || n > 0 && span[n - 1] > 1) add(info.step(), info.update(), info.span(), info.q());
    }

    @Override
    public void onEnd(Network net, long step) {
        if (n == 0 || nominal[n - 1] != lastNominal) add(lastNominal, lastUpdate, 1, lastQ);
    }

    private void add(long nom, long upd, long sp, double qq) {
        if (n == nominal.length) {
            int m = 2 * n;
            nominal = Arrays.copyOf(nominal, m);
            update = Arrays.copyOf(update, m);
            span = Arrays.copyOf(span, m);
            q = Arrays.copyOf(q, m);
        }
        nominal[n] = nom;
        update[n] = upd;
        span[n] = sp;
        q[n] = qq;
        n++;
    }

    /** A copy that later steps do not change (for a report drawn on another thread). */
    public TimeAxis snapshot() {
        TimeAxis c = new TimeAxis();
        c.nominal = Arrays.copyOf(nominal, Math.max(1, n + 1));
        c.update = Arrays.copyOf(update, c.nominal.length);
        c.span = Arrays.copyOf(span, c.nominal.length);
        c.q = Arrays.copyOf(q, c.nominal.length);
        c.n = n;
        c.lastNominal = lastNominal;
        c.lastUpdate = lastUpdate;
        c.lastQ = lastQ;
        c.stepsPerEpoch = stepsPerEpoch;
        if (c.n == 0 || c.nominal[c.n - 1] != lastNominal) c.add(lastNominal, lastUpdate, 1, lastQ);
        return c;
    }

    /** Index of the first knot at or after nominal step {@code s} (n if none). */
    private int after(double s) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (nominal[mid] < s) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /**
     * The update count at nominal step {@code s}: inside a fast-forward step, that step's update (it made the run
     * pass s); elsewhere one update per nominal step.
     */
    public long updateAt(double s) {
        int i = after(s);
        if (i >= n) return lastUpdate + Math.round(s - lastNominal);
        if (i == 0) return update[0];
        if (span[i] > 1 && s > nominal[i] - span[i]) return update[i];
        return update[i] - Math.round(nominal[i] - s);
    }

    /** q at nominal step {@code s}, linear between knots (NaN when the run did not record q). */
    public double qAt(double s) {
        int i = after(s);
        if (i >= n) i = n - 1;
        if (i == 0 || nominal[i] == s) return q[i];
        double f = (s - nominal[i - 1]) / (double) (nominal[i] - nominal[i - 1]);
        return q[i - 1] + f * (q[i] - q[i - 1]);
    }
}
