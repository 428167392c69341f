package org.saddlescope.theorycheck;

import org.saddlescope.config.TrainConfig;
import org.saddlescope.data.Dataset;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.linalg.DType;

/** A train run's training set as its trainer saw it (same spec, subset, standardisation and seed), in a chosen dtype. */
final class RunData {
    private RunData() {}

    static DataSource.Loaded load(TrainConfig cfg, DType dtype) {
        DataSource.Options o = DataSource.Options.defaults(dtype).withSubset(cfg.subset, -1);
        o = new DataSource.Options(o.subset(), o.testSubset(), o.subsetKind(), cfg.standardize, dtype, cfg.seed);
        return DataSource.load(cfg.dataset, o);
    }

    static Dataset train(TrainConfig cfg, DType dtype) {
        return load(cfg, dtype).train();
    }
}
