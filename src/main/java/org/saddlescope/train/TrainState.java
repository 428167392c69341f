package org.saddlescope.train;

/**
 * Where a run stands between two steps: everything besides the weights that a resumed run needs to continue
 * with exactly the same bits. {@code step} counts the updates made; {@code nominalStep} the minibatch steps of the
 * configured law they stand for (the same unless a fast-forward ran: one of its steps stands for many), and
 * {@code epoch}/{@code batchInEpoch} are the data stream's position, a function of the nominal step.
 * {@code normSquared} is the tracked ‖θ‖² (it feeds the learning-rate law and is only resynchronised
 * periodically, so it must be restored, not recomputed). {@code windowLossSum}/{@code windowSteps} carry the
 * running mean of minibatch losses since the last logged row. {@code monitor} holds the precision monitor's
 * running sums ({@link PrecisionMonitor#state}; null before the first step of a new run). {@code q} is the
 * paper's normalised time (section 2.1: dq = ‖θ‖^(L−2)·dt, one step of lr = c/‖θ‖^p advancing it by
 * lr·‖θ‖^(L−2)). {@code fastForward} is the fast-forward controller's state (null when the run has none).
 */
public record TrainState(long step, long epoch, int batchInEpoch, double normSquared, double windowLossSum,
                         long windowSteps, double elapsedSeconds, double[] monitor, long nominalStep, double q,
                         FastForward.State fastForward) {
    public TrainState(long step, long epoch, int batchInEpoch, double normSquared, double windowLossSum,
                      long windowSteps, double elapsedSeconds, double[] monitor) {
        this(step, epoch, batchInEpoch, normSquared, windowLossSum, windowSteps, elapsedSeconds, monitor, step, Double.NaN, null);
    }

    public TrainState(long step, long epoch, int batchInEpoch, double normSquared, double windowLossSum,
                      long windowSteps, double elapsedSeconds) {
        this(step, epoch, batchInEpoch, normSquared, windowLossSum, windowSteps, elapsedSeconds, null);
    }

    public static TrainState initial(double normSquared) {
        return new TrainState(0, 0, 0, normSquared, 0, 0, 0, null, 0, 0, null);
    }
}
