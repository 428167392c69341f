package org.saddlescope.theorycheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.saddlescope.net.Network;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.spectra.Cadence;
import org.saddlescope.runs.RunFiles;

/**
 * θ saved at 4 log-spaced steps per decade into weights/steps/step_N.npz, so that every plateau of a run has weights
 * within an eighth of a decade of its middle (for {@code saddlescope hessian} and the staircase). Decided by the step
 * alone, so a resumed run saves the same files; the files cost 4·log10(steps) weight files (at widths 1000, depth 6:
 * 32 MB each).
 */
public final class WeightSnapshots {
    static final Cadence CADENCE = Cadence.parse("log:4");

    private WeightSnapshots() {}

    static void afterStep(RunFolder folder, Network net, long step, long epoch, boolean epochEnd) {
        if (CADENCE.due(step, epoch, epochEnd)) Weights.save(net, file(folder.weights(), step));
    }

    static Path file(Path weights, long step) {
        return weights.resolve(RunFiles.stepWeights(step));
    }

    /** A saved θ: its step and file. */
    public record Snapshot(long step, Path file) {}

    /** The snapshots of a run folder (weights/steps/), with initial.npz as step 0 and final.npz at {@code lastStep}. */
    public static List<Snapshot> list(Path run, long lastStep) {
        List<Snapshot> out = new ArrayList<>();
        Path w = run.resolve(RunFiles.WEIGHTS);
        if (Files.exists(w.resolve(RunFiles.INITIAL_WEIGHTS))) out.add(new Snapshot(0, w.resolve(RunFiles.INITIAL_WEIGHTS)));
        Path dir = w.resolve(RunFiles.WEIGHT_STEPS);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> {
                    String n = p.getFileName().toString();
                    if (n.matches("step_[0-9]+\\.npz")) out.add(new Snapshot(Long.parseLong(n.substring(5, n.length() - 4)), p));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (lastStep > 0 && Files.exists(w.resolve(RunFiles.FINAL_WEIGHTS))) out.add(new Snapshot(lastStep, w.resolve(RunFiles.FINAL_WEIGHTS)));
        out.sort((a, b) -> Long.compare(a.step(), b.step()));
        List<Snapshot> unique = new ArrayList<>();
        for (Snapshot s : out) if (unique.isEmpty() || unique.get(unique.size() - 1).step() != s.step()) unique.add(s);
        return unique;
    }

    /** The snapshot in [from, to] nearest in log-step to {@code target}; null when none lies in the range. */
    public static Snapshot nearest(List<Snapshot> snaps, double from, double to, double target) {
        Snapshot best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (Snapshot s : snaps) {
            if (s.step() < from || s.step() > to) continue;
            double d = Math.abs(Math.log(Math.max(1, s.step())) - Math.log(Math.max(1, target)));
            if (d < bestD) { bestD = d; best = s; }
        }
        return best;
    }
}
