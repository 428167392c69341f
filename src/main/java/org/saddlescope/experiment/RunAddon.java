package org.saddlescope.experiment;

import org.saddlescope.net.Network;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;

/**
 * A probe that adds files to a training run's folder (spectral tracking and the saddle analysis: {@link SpectraAddon}).
 * The caller of {@link TrainRun#start} and {@link TrainRun#resume} passes the addons it wants.
 */
public interface RunAddon {
    /** Observer to attach, or null. {@code resumedStep} is 0 for a new run. */
    TrainingObserver observer(TrainConfig cfg, RunFolder folder, Network net, long resumedStep);

    /** After training: write tables, figures. */
    default void finish(TrainConfig cfg, RunFolder folder, Network net, Trainer.Result result) { }
}
