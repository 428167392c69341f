package org.saddlescope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.io.BadInputException;
import org.saddlescope.report.Comparison;
import org.saddlescope.runs.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code saddlescope compare RUN RUN...}: training runs side by side, in a folder with its own report. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Overlay the loss, ‖θ‖ and the top singular values of every layer of several training runs (depth 4 "
                + "against depth 6, two seeds, two optimisers), with a table of their plateaus and escapes, into a folder "
                + "with its own report.html. Runs are labelled by what differs between their configs."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "RUN", description = "Run folders (two or more).")
    List<Path> runs;

    @Option(names = "--labels", split = ",", paramLabel = "TEXT,...", description = "Legend labels, one per run (default: what differs between their configs).")
    List<String> labels;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/compare-<time>).")
    Path out;

    @picocli.CommandLine.Mixin
    QuietOptions quietOptions;

    @Override
    public Integer call() throws Exception {
        for (Path r : runs) {
            if (!Files.isDirectory(r)) throw new BadInputException("no run folder at " + r);
            if (!Files.isRegularFile(r.resolve(RunFiles.METRICS))) throw new BadInputException(r + " has no metrics.csv: not a training run");
        }
        if (labels != null && labels.size() != runs.size()) {
            throw new BadInputException("--labels gives " + labels.size() + " labels for " + runs.size() + " runs");
        }
        Path dir = out;
        if (dir == null) {
            String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            dir = Path.of("runs", "compare-" + stamp);
        }
        for (Path r : runs) {
            if (dir.toAbsolutePath().normalize().startsWith(r.toAbsolutePath().normalize())) {
                throw new BadInputException("--out " + dir + " lies inside run folder " + r + ": compare writes nothing into the runs");
            }
        }
        // a new or empty folder, made whole in a locked staging sibling and published when written, as a run folder is
        Path report;
        try (RunFolder folder = RunFolder.create(dir, "compare")) {
            Path written = Comparison.write(runs, labels, folder.root());
            Files.deleteIfExists(folder.weights()); // a comparison has no weights of its own: no empty folder for them
            folder.publish();
            report = folder.root().resolve(written.getFileName());
        }
        if (!quietOptions.quiet) System.out.println("wrote " + report);
        return CommandLine.ExitCode.OK;
    }
}
