package org.saddlescope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.saddlescope.experiment.BadInputException;
import org.saddlescope.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code saddlescope report RUN}: (re)builds RUN/report.html from what the run folder holds. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Build report.html for a run folder: manifest, figures, tables (first rows), JSON summaries, config.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run folder.")
    Path run;

    @Option(names = "--title", paramLabel = "TEXT", description = "Page title (default: the folder name).")
    String title;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "20", description = "Rows shown per CSV table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        if (!Files.isDirectory(run)) throw new BadInputException("no run folder at " + run);
        if (rows < 1) throw new BadInputException("--rows must be at least 1, got " + rows);
        HtmlReport r = new HtmlReport(run).maxRows(rows);
        if (title != null) r.title(title);
        Path out = r.write();
        if (!quiet) System.out.println("wrote " + out);
        return Main.OK;
    }
}
