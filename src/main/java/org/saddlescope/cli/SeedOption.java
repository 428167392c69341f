package org.saddlescope.cli;

import org.saddlescope.config.NetworkSpec;
import picocli.CommandLine.Option;

/** --seed for commands without a run spec (reproduce, bench): the same idea, and description, as the spec's seed field. */
public final class SeedOption {
    @Option(names = "--seed", paramLabel = "N", description = NetworkSpec.SEED_HELP + " (default: 0)")
    public long seed = 0;
}
