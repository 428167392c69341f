package org.saddlescope.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.saddlescope.runs.Manifest;
import org.saddlescope.runs.RunFiles;

/**
 * report.html for what any run folder holds now ({@code saddlescope report}): a training run's figures drawn again from
 * its files ({@link RunReport}), so it works on a run in progress and on one that was killed; another run's page from
 * its own figures. It reads the run's files and writes only report.html and figures/ into {@code target}.
 */
public final class FolderReport {
    private FolderReport() {}

    /** Writes the page of {@code run} into {@code target} (the run itself, or another folder); returns its path. */
    public static Path write(Path run, Path target, String title, int rows) {
        Manifest m = Manifest.readIfThere(run);
        String command = m != null && m.command() != null ? m.command() : "run";
        String heading = title != null ? title : "saddlescope " + command + ": " + run.toAbsolutePath().normalize().getFileName();
        String banner = m == null || m.ended() ? null
                : "This run has not finished (its manifest records no end): the figures show the data written so far.";
        if (isTraining(run)) return RunReport.write(run, target, heading, banner, List.of(), rows);
        if (!target.equals(run)) copyFigures(run, target);
        HtmlReport r = new HtmlReport(run).into(target).maxRows(rows).title(heading);
        if (banner != null) r.banner(banner);
        return r.write();
    }

    /** A training run (train, reproduce mnist-quick) has a metrics.csv with a loss column: its figures can be redrawn. */
    static boolean isTraining(Path run) {
        Path m = run.resolve(RunFiles.METRICS);
        if (!Files.isRegularFile(m)) return false;
        try (Stream<String> lines = Files.lines(m)) {
            return lines.findFirst().map(h -> List.of(h.split(",")).contains("loss") && h.startsWith("step")).orElse(false);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static void copyFigures(Path run, Path target) {
        Path from = run.resolve(RunFiles.FIGURES);
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(target.resolve(RunFiles.FIGURES));
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(RunFiles.FIGURES).resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
