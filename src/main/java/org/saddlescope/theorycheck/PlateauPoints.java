package org.saddlescope.theorycheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.saddlescope.report.Table;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.trainrun.SpectraAddon;

/**
 * The saddles of a run as points in weight space: for every plateau the detector finds (this version's detector, run
 * again on the run's step log: its plateaus.csv may come from an older one), the snapshot of θ nearest the plateau's
 * middle ({@link WeightSnapshots}), and the point the escape from it reaches (the next plateau's, or the end when an
 * escape leaves the last one). What {@code hessian}, the staircase check and check-theory read.
 */
public final class PlateauPoints {
    private PlateauPoints() {}

    /** A point: its label, the plateau it represents (−1 for a lone weights file), step, plateau loss, weights, next point's weights. */
    public record Point(String label, int plateau, long step, double plateauLoss, Path weights, Path next) {}

    /** The plateaus' points of a run folder with a step log (empty when no plateau has a snapshot inside it). */
    public static List<Point> of(Path run) {
        PlateauDetector.Result det = SpectraAddon.detect(run, 0, PlateauDetector.Settings.defaults());
        List<WeightSnapshots.Snapshot> snaps = WeightSnapshots.list(run, lastStep(run));
        Set<Integer> escaped = new HashSet<>();
        for (PlateauDetector.Escape e : det.escapes()) if (e.fromPlateau() >= 0) escaped.add(e.fromPlateau());
        List<Point> out = new ArrayList<>();
        for (PlateauDetector.Plateau p : det.plateaus()) {
            WeightSnapshots.Snapshot s = WeightSnapshots.nearest(snaps, p.startStep(), p.endStep(), p.middleStep());
            if (s != null) out.add(new Point("plateau " + p.index(), p.index(), s.step(), p.loss(), s.file(), null));
        }
        Path fin = run.resolve(RunFiles.WEIGHTS).resolve(RunFiles.FINAL_WEIGHTS);
        List<Point> linked = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Point p = out.get(i);
            Path next = null;
            if (escaped.contains(p.plateau())) next = i + 1 < out.size() ? out.get(i + 1).weights() : Files.exists(fin) ? fin : null;
            linked.add(new Point(p.label(), p.plateau(), p.step(), p.plateauLoss(), p.weights(), next));
        }
        return linked;
    }

    /** The point of plateau k, or null. */
    public static Point plateau(List<Point> points, int k) {
        for (Point p : points) if (p.plateau() == k) return p;
        return null;
    }

    /** The last logged step of a run on the nominal axis (plateaus.csv's), 0 when metrics.csv has no rows. */
    static long lastStep(Path run) {
        Table m = Table.read(run.resolve(RunFiles.METRICS));
        double[] st = m.column(m.timeAxis());
        return st.length == 0 ? 0 : (long) st[st.length - 1];
    }
}
