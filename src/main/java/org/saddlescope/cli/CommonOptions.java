package org.saddlescope.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every subcommand takes (mix in with {@code @Mixin CommonOptions common;}). The seed and the dtype are not
 * here: commands with a run spec take them as spec fields, others through {@link SeedOption} or their own --dtype.
 */
public final class CommonOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<command>-<time>).")
    public Path out;

    public Integer threads;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for BLAS and parallel loops (default: all cores; train uses 1 for small networks, --resume the run's own count).")
    void threads(Integer n) {
        if (n == null || n < 1) throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "--threads must be at least 1, got " + n);
        threads = n;
    }

    @Option(names = {"-q", "--quiet"}, description = "Print only errors and the final summary line.")
    public boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    public boolean verbose;

    public int threadsOrDefault() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** runs/<prefix>-<yyyyMMdd-HHmmss> unless --out was given. */
    public Path outOr(String prefix) {
        if (out != null) return out;
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", prefix + "-" + stamp);
    }
}
