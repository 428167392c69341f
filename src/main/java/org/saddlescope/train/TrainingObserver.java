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
     * What the trainer knows after a step. {@code loss} is the minibatch loss before the update (NaN if not
     * computed); {@code normSquared} is ‖θ‖² after the update; {@code epochEnd} is true on the last step of an epoch.
     */
    record StepInfo(long step, long epoch, boolean epochEnd, double loss, double normSquared, double learningRate) { }
}
