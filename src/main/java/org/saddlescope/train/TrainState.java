package org.saddlescope.train;

/**
 * Where a run stands between two steps: everything besides the weights that a resumed run needs to continue
 * with exactly the same bits. {@code normSquared} is the tracked ‖θ‖² (it feeds the learning-rate law and is
 * only resynchronised periodically, so it must be restored, not recomputed). {@code batchInEpoch} is the index
 * of the next minibatch in the epoch's permutation. {@code windowLossSum}/{@code windowSteps} carry the running
 * mean of minibatch losses since the last logged row. {@code monitor} holds the precision monitor's running sums
 * ({@link PrecisionMonitor#state}; null before the first step of a new run).
 */
public record TrainState(long step, long epoch, int batchInEpoch, double normSquared, double windowLossSum,
                         long windowSteps, double elapsedSeconds, double[] monitor) {
    public TrainState(long step, long epoch, int batchInEpoch, double normSquared, double windowLossSum,
                      long windowSteps, double elapsedSeconds) {
        this(step, epoch, batchInEpoch, normSquared, windowLossSum, windowSteps, elapsedSeconds, null);
    }

    public static TrainState initial(double normSquared) {
        return new TrainState(0, 0, 0, normSquared, 0, 0, 0);
    }
}
