package org.saddlescope.cli;

import picocli.CommandLine.Option;

/** {@code --quiet} and {@code --verbose}: every command takes them (mix in with {@code @Mixin QuietOptions quiet;}). */
public final class QuietOptions {
    @Option(names = {"-q", "--quiet"}, description = "Print only errors, warnings and the command's result (no progress, no notes).")
    public boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    public boolean verbose;
}
