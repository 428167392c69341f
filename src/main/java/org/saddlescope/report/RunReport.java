package org.saddlescope.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of a training run, in one place for every caller (the end of {@code train}, a live refresh,
 * {@code saddlescope report}): every figure drawn from the run folder's files as they are now, then report.html
 * with the saddle findings as its summary and the plateaus and escapes as its first section.
 */
public final class RunReport {
    private RunReport() {}

    /**
     * Figures of run folder {@code run} into {@code out}/figures and report.html into {@code out} ({@code out} is
     * the run folder itself, or another folder for a run that another process is writing). {@code banner} may be
     * null; {@code notes} come before the saddle findings.
     */
    public static Path write(Path run, Path out, String title, String banner, List<String> notes) {
        return write(run, out, title, banner, notes, 20);
    }

    /** The same, showing {@code rows} rows of each table. */
    public static Path write(Path run, Path out, String title, String banner, List<String> notes, int rows) {
        Path figures = out.resolve("figures");
        TrainFigures.write(run, figures);
        SpectraFigures.write(run, figures);
        HtmlReport html = new HtmlReport(run).into(out).title(title).maxRows(rows);
        if (banner != null) html.banner(banner);
        for (String n : notes) html.note(n);
        for (String n : SpectraFigures.notes(run)) html.note(n);
        List<String> tables = new ArrayList<>();
        for (String t : List.of("escapes.csv", "plateaus.csv")) if (Files.isRegularFile(run.resolve(t))) tables.add(t);
        if (!tables.isEmpty()) {
            html.section(new HtmlReport.Section("saddles", "Plateaus and escapes", List.of(
                    "Plateau k is the saddle reached after k escapes (P0: the origin, when the run starts from small "
                            + "initialisation); escape k leaves plateau k−1. The middle step of an escape is where half of its fall "
                            + "in log-loss is done; direction is the index of the singular value that rises across it in most layers, "
                            + "spectral_rise the growth (ln) of that direction's end-to-end gain. A bottleneck rank left blank with "
                            + "rank_at_least set counts every tracked singular value, so it is only a lower bound."),
                    List.of("loss_plateaus"), tables));
        }
        return html.write();
    }
}
