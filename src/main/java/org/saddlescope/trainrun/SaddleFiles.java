package org.saddlescope.trainrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.spectra.LossHistory;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.spectra.SaddleAnalysis;
import org.saddlescope.spectra.SpectrumSnapshot;
import org.saddlescope.train.TimeAxis;

/**
 * The saddle analysis of a training run, as files of its folder: the detection on the loss and the spectra so far
 * ({@link PlateauDetector}), the layers' ranks on every plateau ({@link SaddleAnalysis}), written as escapes.csv,
 * plateaus.csv, plateau_layers.csv, loss_smoothed.csv, low_rank_by_depth.csv/.md and saddles.json; and spectra.csv read
 * back into snapshots. Written at the end of a run ({@link SpectraAddon}) and at each refresh while it goes on
 * ({@link LiveReport}).
 */
public final class SaddleFiles {
    private SaddleFiles() {}

    /** Detection on the loss and spectra so far, and the analysis files written from it. */
    static void write(RunFolder folder, PlateauDetector detector, LossHistory.Series loss, List<SpectrumSnapshot> snaps,
                        double spectraSeconds, double trainSeconds, int trackedK, TimeAxis axis) {
        PlateauDetector.Result det = detector.detect(loss, snaps);
        SaddleAnalysis a = new SaddleAnalysis(det, snaps, SaddleAnalysis.DEFAULT_RANK_THRESHOLD);
        writeAnalysis(folder, a, detector.settings(), spectraSeconds, trainSeconds, trackedK, axis);
    }

    /**
     * A rank that counts every one of the {@code trackedK} singular values tracked only says the rank is at least
     * that (a random initialisation on the origin plateau): it is written as a lower bound, not a rank.
     */
    static boolean censored(int rank, int trackedK) {
        return trackedK > 0 && rank >= trackedK;
    }

    /**
     * The analysis files; {@code trackedK} is the number of singular values tracked per layer (0: none). The saddles
     * are found on the run's time axis, the nominal step (minibatch steps of the configured law: the update count
     * unless a fast-forward ran), so every step column is a nominal step; {@code axis} adds, at an escape's onset and
     * a plateau's start, the update count ({@code step}), the normalised time {@code q} (section 2.1; empty where the
     * run did not record it) and {@code nominal_step}, {@code nominal_epoch}.
     */
    public static void writeAnalysis(RunFolder folder, SaddleAnalysis a, PlateauDetector.Settings settings,
                                     double spectraSeconds, double trainSeconds, int trackedK, TimeAxis axis) {
        PlateauDetector.Result det = a.detection();
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.ESCAPES), new String[] {"escape", "start_step", "middle_step", "end_step",
                "loss_before", "loss_after", "theta_norm_before", "theta_norm_after", "from_plateau", "to_plateau",
                "spectral_rise", "direction", "spectral_middle_step", "onset_step", "step", "q", "nominal_step", "nominal_epoch"}, false)) {
            for (PlateauDetector.Escape e : det.escapes()) {
                long at = round(Double.isNaN(e.onsetStep()) ? e.middleStep() : e.onsetStep());
                w.row(e.number(), round(e.startStep()), round(e.middleStep()), round(e.endStep()), e.lossBefore(), e.lossAfter(),
                        Math.sqrt(e.normSquaredBefore()), Math.sqrt(e.normSquaredAfter()), e.fromPlateau(), e.toPlateau(),
                        Double.isNaN(e.spectralRise()) ? null : e.spectralRise(), e.direction() > 0 ? e.direction() : null,
                        Double.isNaN(e.spectralMiddleStep()) ? null : round(e.spectralMiddleStep()), round(e.onsetStep()),
                        axis.updateAt(at), finite(axis.qAt(at)), at, axis.epochAt(at));
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.PLATEAUS), new String[] {"plateau", "start_step", "end_step", "loss",
                "theta_norm", "snapshot_step", "bottleneck_rank", "rank_at_least", "layer_ranks", "step", "q", "nominal_step",
                "nominal_epoch"}, false);
             CsvWriter lw = new CsvWriter(folder.path(RunFiles.PLATEAU_LAYERS), new String[] {"plateau", "snapshot_step", "layer",
                     "numerical_rank", "tail_ratio", "effective_rank", "sigma_1", "sigma_2"}, false)) {
            for (PlateauDetector.Plateau p : det.plateaus()) {
                SaddleAnalysis.PlateauRanks pr = null;
                for (SaddleAnalysis.PlateauRanks q : a.plateaus()) if (q.plateau().index() == p.index()) pr = q;
                StringBuilder ranks = new StringBuilder();
                if (pr != null) {
                    for (SaddleAnalysis.LayerRank r : pr.layers()) {
                        if (ranks.length() > 0) ranks.append(';');
                        ranks.append(r.numericalRank());
                        lw.row(p.index(), pr.snapshotStep(), r.layer(), r.numericalRank(), r.tailRatio(), r.effectiveRank(), r.sigma1(), r.sigma2());
                    }
                }
                boolean censored = pr != null && censored(pr.bottleneckRank(), trackedK);
                long at = round(p.startStep());
                w.row(p.index(), at, round(p.endStep()), p.loss(), Math.sqrt(p.normSquared()),
                        pr == null ? null : pr.snapshotStep(), pr == null || censored ? null : pr.bottleneckRank(),
                        censored ? trackedK : null, ranks.toString(), axis.updateAt(at), finite(axis.qAt(at)), at, axis.epochAt(at));
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.LOSS_SMOOTHED), new String[] {"step", "smoothed_loss", "log_slope"}, false)) {
            for (int j = 0; j < det.gridStep().length; j++) w.row(det.gridStep()[j], det.smoothedLoss()[j], det.slope()[j]);
        }
        SaddleAnalysis.DepthProfile first = a.afterFirstEscape(), end = a.atEnd();
        if (end != null) {
            try (CsvWriter w = new CsvWriter(folder.path(RunFiles.LOW_RANK_BY_DEPTH), new String[] {"layer",
                    "tail_ratio_after_first_escape", "sigma2_over_sigma1_after_first_escape", "tail_ratio_end", "sigma2_over_sigma1_end"}, false)) {
                for (int i = 0; i < end.layers().size(); i++) {
                    SaddleAnalysis.LayerRank e = end.layers().get(i);
                    SaddleAnalysis.LayerRank f = first == null ? null : first.layers().get(i);
                    w.row(e.layer(), f == null ? null : f.tailRatio(), f == null ? null : ratio(f), e.tailRatio(), ratio(e));
                }
            }
            folder.writeText("low_rank_by_depth.md", markdown(first, end));
        }
        folder.writeJson(RunFiles.SADDLES, summary(a, settings, spectraSeconds, trainSeconds, trackedK));
    }

    /** saddles.json: counts, the status at the end, the ranks on every plateau, low rank by depth, the detector and its cost. */
    private static Map<String, Object> summary(SaddleAnalysis a, PlateauDetector.Settings settings, double spectraSeconds, double trainSeconds,
                                               int trackedK) {
        PlateauDetector.Result det = a.detection();
        SaddleAnalysis.DepthProfile first = a.afterFirstEscape(), end = a.atEnd();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("escapes", det.escapes().size());
        m.put("plateaus", det.plateaus().size());
        m.put("ends_on_plateau", det.endsOnPlateau());
        m.put("status_at_end", det.finalStatus());
        if (det.smoothedLoss().length > 0) {
            // the smoothed loss at the first and last grid points: a summary must not say "no escape" of a run whose
            // loss fell without a fall the detector accepted, without saying that it fell
            m.put("loss_start", det.smoothedLoss()[0]);
            m.put("loss_end", det.smoothedLoss()[det.smoothedLoss().length - 1]);
        }
        m.put("escape_definition", "escape = a fall the detector accepts; its onset = first step with the loss "
                + org.saddlescope.spectra.EscapeDefinition.ONSET_DROP + " below the plateau it leaves; middle = half its log-loss fall");
        List<Map<String, Object>> ps = new ArrayList<>();
        for (SaddleAnalysis.PlateauRanks pr : a.plateaus()) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("plateau", pr.plateau().index());
            q.put("start_step", round(pr.plateau().startStep()));
            q.put("end_step", round(pr.plateau().endStep()));
            q.put("loss", pr.plateau().loss());
            q.put("snapshot_step", pr.snapshotStep());
            boolean censored = censored(pr.bottleneckRank(), trackedK);
            q.put("bottleneck_rank", censored ? null : pr.bottleneckRank());
            if (censored) q.put("rank_at_least", trackedK);
            ps.add(q);
        }
        m.put("plateau_ranks", ps);
        if (first != null) m.put("after_first_escape", profileMap(first));
        if (end != null) m.put("end", profileMap(end));
        m.put("rank_threshold", SaddleAnalysis.DEFAULT_RANK_THRESHOLD);
        m.put("detector", settings);
        m.put("spectra_seconds", spectraSeconds);
        m.put("train_seconds", Double.isNaN(trainSeconds) ? null : trainSeconds); // NaN: a live refresh
        m.put("spectra_fraction_of_training", trainSeconds > 0 ? spectraSeconds / trainSeconds : null);
        return m;
    }

    private static Map<String, Object> profileMap(SaddleAnalysis.DepthProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", p.step());
        m.put("tail_ratio_by_layer", p.layers().stream().map(SaddleAnalysis.LayerRank::tailRatio).toList());
        m.put("numerical_rank_by_layer", p.layers().stream().map(SaddleAnalysis.LayerRank::numericalRank).toList());
        m.put("spearman_depth_vs_tail_ratio", Double.isNaN(p.spearman()) ? null : p.spearman());
        m.put("falls_with_depth", p.fallsWithDepth());
        m.put("falls_with_depth_p_value", Double.isNaN(p.trend().pFalls()) ? null : p.trend().pFalls());
        m.put("layers_near_rank_one", p.nearRankOne());
        return m;
    }

    private static double ratio(SaddleAnalysis.LayerRank r) {
        return r.sigma1() > 0 ? r.sigma2() / r.sigma1() : Double.NaN;
    }

    static String markdown(SaddleAnalysis.DepthProfile first, SaddleAnalysis.DepthProfile end) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Low-rank bias by depth (paper section 3.3, Theorem 3.1)\n\n");
        sb.append("Tail ratio of W_l = sum_{i>=2} s_i^2 / sum_i s_i^2 (0 = rank one); s2/s1 = second over first singular value.\n\n");
        sb.append("| layer | tail ratio after first escape | s2/s1 | tail ratio at end | s2/s1 |\n|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < end.layers().size(); i++) {
            SaddleAnalysis.LayerRank e = end.layers().get(i);
            SaddleAnalysis.LayerRank f = first == null ? null : first.layers().get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %.4f | %.3f |%n", e.layer(),
                    f == null ? "–" : String.format(Locale.ROOT, "%.4f", f.tailRatio()),
                    f == null ? "–" : String.format(Locale.ROOT, "%.3f", ratio(f)), e.tailRatio(), ratio(e)));
        }
        sb.append('\n');
        if (first == null) {
            sb.append("No escape detected: no after-first-escape column.\n");
        } else {
            sb.append(verdict(first));
        }
        sb.append(verdict(end));
        return sb.toString();
    }

    private static String verdict(SaddleAnalysis.DepthProfile p) {
        return String.format(Locale.ROOT, "- %s (step %d): tail ratio of W_l %s; %d of %d layers have tail ratio <= 0.1. "
                        + "(W_l includes its untrained initial weights; see low_rank_learned.md for W_l - W_l(0).)%n", p.label(), p.step(),
                p.trend().verdict(SaddleAnalysis.TREND_ALPHA), p.nearRankOne(), p.layers().size());
    }

    private static long round(double step) { return Math.round(step); }

    private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

    /** spectra.csv back into snapshots (rows grouped by step and layer). */
    public static List<SpectrumSnapshot> readSpectra(Path file) {
        List<SpectrumSnapshot> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        TreeMap<Long, TreeMap<Integer, List<double[]>>> byStep = new TreeMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                if (f.length < 5) continue;
                long step = Long.parseLong(f[0].trim());
                int layer = Integer.parseInt(f[1].trim());
                byStep.computeIfAbsent(step, k -> new TreeMap<>()).computeIfAbsent(layer, k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NumberFormatException e) {
            throw new BadInputException(file + ": bad number (" + e.getMessage() + ")");
        }
        for (Map.Entry<Long, TreeMap<Integer, List<double[]>>> e : byStep.entrySet()) {
            int depth = e.getValue().lastKey();
            double[][] values = new double[depth][];
            double[] fro = new double[depth];
            for (int l = 1; l <= depth; l++) {
                List<double[]> rows = e.getValue().getOrDefault(l, List.of());
                rows.sort((x, y) -> Double.compare(x[0], y[0]));
                values[l - 1] = rows.stream().mapToDouble(r -> r[1]).toArray();
                fro[l - 1] = rows.isEmpty() ? 0 : rows.get(0)[2] * rows.get(0)[2];
            }
            out.add(new SpectrumSnapshot(e.getKey(), -1, values, fro));
        }
        return out;
    }
}
