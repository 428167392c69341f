package org.saddlescope.train;

import org.saddlescope.net.Network;

/**
 * Hook for probes that watch a training run (spectral tracking, escape detection). Called on the training
 * thread after every step with the updated network; an observer decides its own cadence and must be cheap when
 * it has nothing to do. Observers below {@code experiment} keep results in memory or hand them to a sink;
 * they never write files themselves.
 */
public interface TrainingObserver {
    /** Before the first step (step = 0, or the checkpoint's step on resume). */
    default void onStart(Network net, long step, long stepsPerEpoch) { }

    /** After step {@code info.step()} has been applied. */
    void afterStep(Network net, StepInfo info);

    /** A short text for the progress line (e.g. the current plateau), or null; asked only when progress is shown. */
    default String status() { return null; }

    /** After the last step. */
    default void onEnd(Network net, long step) { }

    /**
     * What the trainer knows after a step. {@code step} is the run's time axis, the nominal step: the number of
     * minibatch steps of the configured law done so far (an update of a fast-forward stands for {@code span} of
     * them; otherwise span = 1 and the nominal step is the update count {@code update}). {@code epoch} is the
     * data stream's epoch after the step; {@code epochEnd} is true when the step completed one or more epochs.
     * {@code loss} is the minibatch (or fast-forward sample) loss before the update (NaN if not computed);
     * {@code normSquared} is ‖θ‖² after the update; {@code learningRate} the configured law's rate at the step;
     * {@code q} the normalised time after it (NaN if unknown).
     */
    record StepInfo(long step, long epoch, boolean epochEnd, double loss, double normSquared, double learningRate,
                    long span, long update, double q) {
        public StepInfo(long step, long epoch, boolean epochEnd, double loss, double normSquared, double learningRate) {
            this(step, epoch, epochEnd, loss, normSquared, learningRate, 1, step, Double.NaN);
        }

        /** The nominal step before this update. */
        public long previousStep() { return step - span; }
    }
}
