package org.saddlescope.trainrun;

import java.util.List;
import java.util.Map;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.runs.Checkpoints;
import org.saddlescope.runs.RunFolder;

/**
 * A probe that adds files to a training run's folder (spectral tracking and the saddle analysis: {@link SpectraAddon}).
 * The caller of {@link TrainRun#start} and {@link TrainRun#resume} passes the addons it wants.
 */
public interface RunAddon {
    /**
     * Observer to attach, or null; {@code resumed} is the checkpoint a run resumes from (null for a new run), with
     * whatever {@link #checkpoint} saved in it.
     */
    TrainingObserver observer(TrainConfig cfg, RunFolder folder, Network net, Checkpoints.Saved resumed);

    /**
     * At a checkpoint: put what a resumed run needs to continue with the same bits into {@code fields} (JSON values,
     * under this addon's own keys) and {@code arrays} (matrices, copied: the caller closes them).
     */
    default void checkpoint(RunFolder folder, Map<String, Object> fields, Map<String, Matrix> arrays) { }

    /**
     * Before a resume changes anything: bad input if the files this addon will continue from {@code resumed} are
     * missing or do not match it (the appended files' lengths are checked by the caller).
     */
    default void checkResume(RunFolder folder, Checkpoints.Saved resumed) { }

    /** After training: write tables, figures. */
    default void finish(TrainConfig cfg, RunFolder folder, Network net, Trainer.Result result) { }

    /** Warnings for the run's outcome (console, manifest, report), once {@link #finish} or {@link #abandon} ran. */
    default List<String> warnings(RunFolder folder) { return List.of(); }

    /** A run stopped by a signal: close what is open; {@link #finish} is not called. */
    default void abandon(RunFolder folder) { }
}
