package org.saddlescope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code saddlescope reproduce <experiment>}: the paper's experiments end to end, one subcommand each. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Reproduce an experiment of the papers end to end into a run folder.",
        subcommands = {ReproduceFashionQuick.class, ReproduceEscapeTimesCommand.class, Example1DescentCommand.class})
public final class ReproduceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
