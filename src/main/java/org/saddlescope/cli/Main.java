package org.saddlescope.cli;

import java.io.PrintWriter;
import org.saddlescope.data.DataFileException;
import org.saddlescope.io.BadInputException;
import org.saddlescope.linalg.DType;
import org.saddlescope.net.Activation;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code saddlescope} command. Exit codes (docs/design.md) are picocli's {@link CommandLine.ExitCode}: OK (0) success,
 * SOFTWARE (1) failure while running, USAGE (2) bad input (config, arguments, data files) with a one-line message and
 * no stack trace unless --verbose. Commands return OK (or SOFTWARE for a run that ended badly, after saying why);
 * exceptions map to a code by {@link #exitCode}, so no command needs constants from here.
 */
@Command(name = "saddlescope", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Escape directions, saddle-to-saddle training and escape times of deep bias-free networks.",
        subcommands = {BenchCommand.class, BenchDetectorCommand.class, BenchSpectraCommand.class, CompareCommand.class, DataCommand.class, ReproduceCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The codes, named for callers of {@link #execute} (tests, scripts). */
    public static final int OK = CommandLine.ExitCode.OK;
    public static final int FAILED = CommandLine.ExitCode.SOFTWARE;
    public static final int BAD_INPUT = CommandLine.ExitCode.USAGE;
    /** A run stopped by SIGINT without the JVM's shutdown (tests); a signal itself exits 130 or 143. */
    public static final int INTERRUPTED = Interrupts.EXIT_CODE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("escape", new CommandLine(EscapeCommand.spec()));
        cl.getSubcommands().get("reproduce").addSubcommand("example1", new CommandLine(Example1Command.spec()));
        cl.addSubcommand("train", new CommandLine(TrainCommand.spec()));
        cl.addSubcommand("flow", new CommandLine(FlowCommand.spec()));
        cl.addSubcommand("sweep", new CommandLine(SweepCommand.spec()));
        cl.addSubcommand("predict", new CommandLine(PredictCommand.spec()));
        cl.addSubcommand("check-theory", new CommandLine(new CheckTheoryCommand()));
        cl.addSubcommand("hessian", new CommandLine(new HessianCommand()));
        cl.addSubcommand("serve", new CommandLine(new ServeCommand()));

        cl.registerConverter(Activation.class, s -> parsed(() -> Activation.parse(s)));
        cl.registerConverter(DType.class, s -> parsed(() -> DType.parse(s)));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        ConfigDefaults.install(cl);
        cl.setExecutionStrategy(Main::run);
        cl.setParameterExceptionHandler(Main::badArguments);
        cl.setExitCodeExceptionMapper(Main::exitCode);
        cl.setExecutionExceptionHandler(Main::failure);
        return cl;
    }

    /** RunLast, after the config files and presets that the default providers read have been checked. */
    private static int run(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.commandSpec().defaultValueProvider() instanceof ConfigDefaults d) {
                try {
                    d.check();
                } catch (RuntimeException e) {
                    throw new CommandLine.ParameterException(p.commandSpec().commandLine(), oneLine(e.getMessage()));
                }
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** A converter's complaint as picocli prints it best: our message alone, without the exception's class name. */
    private static <T> T parsed(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    private static int badArguments(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        String from = ex.getArgSpec() != null && ex.getCommandLine().getDefaultValueProvider() instanceof ConfigDefaults d
                ? d.source(ex.getArgSpec()) : null;
        err.println("saddlescope: " + (from != null ? from + ": " : "") + ex.getMessage() + suggestion(ex));
        err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * " (did you mean --lr-power?)" for a mistyped option or command: the names of the command's options (for a word
     * starting with '-') or of its subcommands within a small edit distance (transpositions count once), nearest first.
     */
    static String suggestion(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) return "";
        String typed = u.getUnmatched().get(0);
        CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
        java.util.Collection<String> names = typed.startsWith("-") ? spec.optionsMap().keySet() : spec.subcommands().keySet();
        if (typed.startsWith("-") && typed.contains("=")) typed = typed.substring(0, typed.indexOf('='));
        java.util.List<String> near = Suggestions.nearest(typed, names, 3);
        return near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)";
    }

    /** Bad input (our own exceptions, data files, argument checks, unreadable YAML) is USAGE; anything else SOFTWARE. */
    static int exitCode(Throwable t) {
        return isBadInput(t) ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
    }

    private static int failure(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = false;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) verbose |= p.hasMatchedOption("--verbose");
        int code = cl.getExitCodeExceptionMapper().getExitCode(ex);
        if (code == CommandLine.ExitCode.USAGE) {
            err.println("saddlescope: " + oneLine(ex.getMessage()));
            if (verbose) ex.printStackTrace(err);
        } else {
            err.println("saddlescope: failed: " + oneLine(ex.getClass().getSimpleName() + ": " + ex.getMessage()));
            if (verbose) ex.printStackTrace(err); else err.println("(run with --verbose for the stack trace)");
        }
        return code;
    }

    /** Bad input anywhere in the stack: our own exceptions, data file problems, argument checks. */
    static boolean isBadInput(Throwable t) {
        return t instanceof BadInputException || t instanceof DataFileException || t instanceof IllegalArgumentException
                || t instanceof com.fasterxml.jackson.core.JsonProcessingException;
    }

    static String oneLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"saddlescope " + org.saddlescope.io.Version.VERSION};
        }
    }
}
