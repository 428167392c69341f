package org.saddlescope.train;

import java.util.List;
import org.saddlescope.net.Network;
import org.saddlescope.train.optim.Optimizer;

/**
 * Where a training run puts what it measures and when it wants a checkpoint; implemented by the experiment
 * layer (files), or in memory by tests. The trainer itself writes nothing.
 */
public interface TrainingSink {
    /** Column names of {@link #metrics} rows, given once before the first row. */
    void metricsHeader(List<String> columns);

    /** One row per logged step (values in header order; NaN where not measured at this step). */
    void metrics(double[] row);

    /** Persist weights, the optimiser's state and the trainer's so that a resumed run continues bit for bit. */
    void checkpoint(Network net, Optimizer optimizer, TrainState state);

    TrainingSink NONE = new TrainingSink() {
        @Override public void metricsHeader(List<String> columns) { }
        @Override public void metrics(double[] row) { }
        @Override public void checkpoint(Network net, Optimizer optimizer, TrainState state) { }
    };
}
