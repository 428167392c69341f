package org.saddlescope.spectra;

import java.util.Locale;
import org.saddlescope.net.Network;
import org.saddlescope.train.TrainingObserver;

/**
 * One observer for a training run: the loss history (for plateau detection), the spectral tracker (null when
 * spectra are off), and the progress-line status "plateau k since s" / "escape k under way", recomputed at most
 * once a second so that it costs nothing measurable (the loss is on the line already).
 */
public final class SaddleTracker implements TrainingObserver {
    private final LossHistory history;
    private final SpectralTracker spectra;
    private final PlateauDetector detector;
    private long lastStatusNanos;
    private String status;

    public SaddleTracker(LossHistory history, SpectralTracker spectra, PlateauDetector detector) {
        this.history = history;
        this.spectra = spectra;
        this.detector = detector;
    }

    public LossHistory history() { return history; }
    /** Null when spectral tracking is off. */
    public SpectralTracker spectra() { return spectra; }
    public PlateauDetector detector() { return detector; }

    @Override
    public void onStart(Network net, long step, long stepsPerEpoch) {
        if (spectra != null) spectra.onStart(net, step, stepsPerEpoch);
    }

    @Override
    public void afterStep(Network net, StepInfo info) {
        history.afterStep(net, info);
        if (spectra != null) spectra.afterStep(net, info);
    }

    @Override
    public void onEnd(Network net, long step) {
        if (spectra != null) spectra.onEnd(net, step);
    }

    @Override
    public String status() {
        long now = System.nanoTime();
        if (status == null || now - lastStatusNanos > 1_000_000_000L) {
            lastStatusNanos = now;
            PlateauDetector.Result r = detector.detect(history);
            status = line(r);
        }
        return status;
    }

    /**
     * The detector's status as the progress line shows it: the plateau's start as a bare number, the line being
     * about steps already ("plateau 1 since 5200"); otherwise {@link PlateauDetector.Result#status} as it is.
     */
    static String line(PlateauDetector.Result r) {
        if (r.slope().length == 0 || !r.endsOnPlateau() || r.plateaus().isEmpty()) return r.status();
        double since = r.plateaus().get(r.plateaus().size() - 1).startStep();
        return String.format(Locale.ROOT, "plateau %d since %.0f", r.escapes().size(), since);
    }
}
