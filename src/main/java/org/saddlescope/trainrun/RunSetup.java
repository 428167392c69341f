package org.saddlescope.trainrun;

import java.nio.file.Path;
import java.util.HashSet;
import org.saddlescope.config.Configs;
import org.saddlescope.config.NetworkBuilder;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.io.BadInputException;
import org.saddlescope.linalg.DType;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.net.Precision;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * What a training run is built from, once per run (and again, identically, on resume): its data and cost, its
 * network θ0, the checks before a start, and the thread count by rule. {@link TrainRun} runs it in a folder;
 * the dry run, the thread choice and the theory's prediction build the same network from it without a folder.
 */
public record RunSetup(DataSource.Loaded data, Cost cost, Activation activation, Precision precision) {
    DType dtype() { return precision.compute(); }

    /**
     * θ0 from the config. Mixed precision draws it exactly as a float64 run of the same seed does and keeps it
     * to ≈ 48 bits, so the two runs start from the same point.
     */
    public Network buildNetwork(TrainConfig cfg) {
        if (precision != Precision.MIXED) return build(cfg, precision.compute());
        return build(cfg, DType.F64).to(Precision.MIXED);
    }

    private Network build(TrainConfig cfg, DType dtype) {
        int[] widths = NetworkBuilder.widths(data.train(), cfg.hidden);
        Network net = new Network(widths, activation, dtype);
        if (!NetworkBuilder.draw(net, cfg.init, cfg.init_scale, new HashSet<>(cfg.small_layers), cfg.epsilon, RandomStreams.of(cfg.seed))) {
            switch (cfg.init) {
                case NPZ: {
                    if (cfg.init_file == null) throw new BadInputException("init=npz needs init_file");
                    Weights.load(Path.of(cfg.init_file), net);
                    break;
                }
                case ALIGNED: {
                    // θ0 = α ρ/‖ρ‖ with ρ read from init_file (an escape direction, say) and α = init_norm.
                    if (cfg.init_file == null || !(cfg.init_norm > 0)) {
                        throw new BadInputException("init=aligned needs init_file (the direction) and init_norm > 0 (alpha)");
                    }
                    Network direction = new Network(widths, activation, dtype);
                    Weights.load(Path.of(cfg.init_file), direction);
                    Init.aligned(net, direction, cfg.init_norm);
                    break;
                }
                default: throw new IllegalStateException("init " + cfg.init + " is neither drawn nor read");
            }
        }
        if (cfg.init_norm > 0) Init.rescaleTo(net, cfg.init_norm);
        return net;
    }

    /** Data and cost of a config: the data read (or drawn) and standardised, in the config's arithmetic. */
    public static RunSetup of(TrainConfig cfg) {
        Precision precision = cfg.dtype;
        DType dtype = precision.compute();
        Activation act = cfg.activation;
        Cost cost = Cost.parse(cfg.cost);
        DataSource.Options o = DataSource.Options.defaults(dtype).withSubset(cfg.subset, cfg.test_subset);
        o = new DataSource.Options(o.subset(), o.testSubset(), o.subsetKind(), cfg.standardize, dtype, cfg.seed);
        DataSource.Loaded data = DataSource.load(cfg.dataset, o);
        return new RunSetup(data, org.saddlescope.datasets.CostFit.check(cost, data.train(), cfg.dataset), act, precision);
    }

    /** Products below this many multiply-adds run faster on one BLAS thread (measured: width-100 nets at batch 32). */
    public static final double MULTITHREAD_MIN_MACS = 1e7;

    /**
     * All cores when the largest layer product (n_ℓ·n_{ℓ-1}·batch multiply-adds) is large, else one: on the
     * quiet 2-core machine a 784-100×5-10 net at batch 32 ran 2986 steps/s on one thread and 2371 on two,
     * while the paper's 1000-wide net ran 119 steps/s on two and 69 on one.
     */
    public static int defaultThreads(Network net, int batch) {
        double largest = 0;
        for (int l = 1; l <= net.depth(); l++) largest = Math.max(largest, (double) net.width(l) * net.width(l - 1) * batch);
        return largest >= MULTITHREAD_MIN_MACS ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** What {@link TrainRun#start} checks before it reads data or writes a byte (a dry run checks the same). */
    public static void checkStart(TrainConfig cfg, Path out) {
        Configs.check(cfg, "config");
        cfg.validate("config");
        RunFolder.checkNew(out);
    }
}
