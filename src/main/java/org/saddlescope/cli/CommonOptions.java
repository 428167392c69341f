package org.saddlescope.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a command that makes a folder takes (mix in with {@code @Mixin CommonOptions common;}): {@code --out DIR},
 * {@code --threads N}, {@code --quiet}, {@code --verbose}. The seed and the dtype are not here: commands with a run
 * spec take them as spec fields, others through {@link SeedOption} or their own --dtype. Commands that make no folder
 * mix in {@link QuietOptions} (and {@link ThreadsOption}) alone.
 */
public final class CommonOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Folder to make (new or empty; default: runs/${COMMAND-NAME}-<time>).")
    public Path out;

    @Mixin
    ThreadsOption threadsOption = new ThreadsOption();

    @Mixin
    QuietOptions quietOptions = new QuietOptions();

    public Integer threads() { return threadsOption.threads; }

    public boolean quiet() { return quietOptions.quiet; }

    public int threadsOrDefault() { return threadsOption.orDefault(); }

    /** runs/<prefix>-<yyyyMMdd-HHmmss> unless --out was given. */
    public Path outOr(String prefix) {
        if (out != null) return out;
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", prefix + "-" + stamp);
    }
}
