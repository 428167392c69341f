package org.saddlescope.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a training run drawn from its metrics.csv: loss (minibatch mean, train and test), ‖θ‖ and
 * ‖W_ℓ‖_F per layer, the normalised escape speed, accuracy. Steps on a log axis, where the plateau at the
 * origin and the escapes show best.
 */
public final class TrainFigures {
    private TrainFigures() {}

    public static List<Figures.Saved> write(Path runFolder) { return write(runFolder, runFolder.resolve("figures")); }

    /** The figures of {@code runFolder}, written into {@code dir}. */
    public static List<Figures.Saved> write(Path runFolder, Path dir) {
        Path metrics = runFolder.resolve("metrics.csv");
        List<Figures.Saved> saved = new ArrayList<>();
        if (!Files.exists(metrics)) return saved;
        Table t = Table.read(metrics);
        if (t.rows() < 2) return saved;

        Panel loss = Figures.panel("Loss", t.timeLabel(), "loss").log(true, true);
        addLine(loss, t, "loss", "minibatch loss (window mean)");
        addLine(loss, t, "train_loss", "train loss");
        addLine(loss, t, "test_loss", "test loss");
        if (loss.seriesCount() > 0) saved.add(Figures.save(loss, dir, "loss"));

        List<Panel> panels = new ArrayList<>();
        Panel norms = Figures.panel("Parameter norms", t.timeLabel(), "Frobenius norm").log(true, true);
        addLine(norms, t, "norm", "‖θ‖");
        for (String c : t.header()) {
            if (c.startsWith("w_norm_")) addLine(norms, t, c, "‖W" + SpectraFigures.sub(Integer.parseInt(c.substring(7))) + "‖");
        }
        panels.add(norms);
        // log y: on a plateau from small init the speed rises over decades (6e-8 to 3e-4 on MNIST), which a linear
        // axis shows as zero, then a spike; values ≤ 0 (a direction that lowers nothing) are counted in the legend
        Panel speed = Figures.panel("Escape speed −L_0(θ/‖θ‖)", t.timeLabel(), "s_unit (unit sphere)").log(true, true);
        addLine(speed, t, "speed_unit", "s_unit");
        panels.add(speed);
        if (t.has("test_acc") || t.has("train_acc")) {
            Panel acc = Figures.panel("Accuracy", t.timeLabel(), "accuracy").logX().yRange(0, 1);
            addLine(acc, t, "train_acc", "train");
            addLine(acc, t, "test_acc", "test");
            panels.add(acc);
        }
        panels.removeIf(p -> p.seriesCount() == 0);
        if (!panels.isEmpty()) saved.add(Figures.grid("Training run", panels, panels.size(), dir, "norms_speed"));
        return saved;
    }

    private static void addLine(Panel p, Table t, String column, String label) {
        if (!t.has(column)) return;
        double[][] xy = t.finitePairs(t.timeAxis(), column, true, false);
        if (xy[0].length >= 2) p.line(label, xy[0], xy[1]);
    }
}
