package org.saddlescope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --threads N} for commands that compute (mix in with {@code @Mixin ThreadsOption threads;}). */
public final class ThreadsOption {
    /** The count given, or null. */
    public Integer threads;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for BLAS and parallel loops (default: all cores, unless the "
            + "command's description says how it chooses).")
    void threads(Integer n) {
        if (n == null || n < 1) throw new CommandLine.ParameterException(mixee.commandLine(), "--threads must be at least 1, got " + n);
        threads = n;
    }

    public int orDefault() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
