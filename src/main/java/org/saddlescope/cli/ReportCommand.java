package org.saddlescope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.saddlescope.io.BadInputException;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.io.FolderLock;
import org.saddlescope.report.FolderReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code saddlescope report RUN}: report.html from what a run folder holds now, with every figure of a training
 * run drawn again from its files (so it works on a run in progress, and on one that was killed). It reads the
 * run's files and never writes them: figures and report.html only. A run that is still going refreshes its own
 * report (train's report_every); for one that another process is writing, {@code --out DIR} puts this report
 * elsewhere.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Build report.html for a run folder from what it holds now: a summary, every figure (drawn again from "
                + "the run's files for a training run, so a run in progress shows the data so far), tables, provenance.",
                "It never touches the run's data files; --out DIR writes the report and its figures elsewhere."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run folder.")
    Path run;

    @Option(names = "--out", paramLabel = "DIR", description = "Write report.html and figures/ here instead of into RUN.")
    Path out;

    @Option(names = "--title", paramLabel = "TEXT", description = "Page title (default: the folder name).")
    String title;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "20", description = "Rows shown per CSV table (default: ${DEFAULT-VALUE}).")
    int rows;

    @picocli.CommandLine.Mixin
    QuietOptions quietOptions;

    @Override
    public Integer call() {
        if (rows < 1) throw new BadInputException("--rows must be at least 1, got " + rows);
        Path target = out != null ? out : run;
        RunFolder.open(run); // a saddlescope run folder, or bad input
        FolderLock.Holder live = RunFolder.liveHolder(run);
        if (out == null && live != null) {
            throw new BadInputException(run + " is being written by pid " + live.pid() + " (saddlescope " + live.command()
                    + "), which refreshes its own report.html; --out DIR writes this report elsewhere");
        }
        if (out != null) {
            if (Files.exists(out) && !Files.isDirectory(out)) throw new BadInputException("--out " + out + " is a file, not a folder");
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new BadInputException("cannot create --out " + out + ": " + e.getMessage());
            }
        }
        // Into the run folder only with its lock held, so no writer starts meanwhile; elsewhere the run is only read and
        // --out is held by its own lock, so two reports never write it at once.
        try (RunFolder writing = out == null ? RunFolder.openForWriting(run, "report") : null;
             FolderLock held = out == null ? null : FolderLock.acquire(out, "report",
                     h -> new BadInputException("--out " + out + " is being written by " + h.describe() + "; wait for it or give another --out"))) {
            Path written = FolderReport.write(run, target, title, rows);
            if (!quietOptions.quiet) System.out.println("wrote " + written);
        }
        return CommandLine.ExitCode.OK;
    }
}
