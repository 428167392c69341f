package org.saddlescope.trainrun;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
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
import java.util.concurrent.ConcurrentHashMap;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.spectra.Cadence;
import org.saddlescope.spectra.LossHistory;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.spectra.SaddleAnalysis;
import org.saddlescope.spectra.SaddleTracker;
import org.saddlescope.spectra.SpectralTracker;
import org.saddlescope.spectra.SpectrumSnapshot;
import org.saddlescope.train.Trainer;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.Checkpoints;
import org.saddlescope.runs.RunFolder;

/**
 * Spectral tracking and saddle detection for every training run (issue 4). Writes into the run folder:
 * <ul>
 * <li>spectra.csv — step, layer, index, singular_value (top k of W_ℓ, descending), plus layer_frobenius_norm
 *     (‖W_ℓ‖_F at that step, so tail ratios can be recomputed from the file);</li>
 * <li>plateaus.csv, escapes.csv, plateau_layers.csv — the saddles found and the ranks of every layer on each;</li>
 * <li>low_rank_by_depth.csv / .md — the paper's claim as a table: tail ratio of W_ℓ by layer after the first
 *     escape and at the end, and whether it falls with depth;</li>
 * <li>loss_smoothed.csv — the detector's log-time smoothed loss and slope; saddles.json — a summary.</li>
 * </ul>
 * A resumed run writes the same bytes as an uninterrupted one (issue 11, item 4). The seam is what the tracker
 * sees: every step's {@link TrainingObserver.StepInfo} is appended to checkpoints/steps.bin, and a resumed run
 * replays it into a fresh tracker, so the loss history is the one the run had (not a coarser one rebuilt from
 * metrics.csv); spectra.csv is cut back to its length at the checkpoint, no snapshot is added at the resume
 * step, and the estimators continue from the warm-start subspaces saved in the checkpoint; and the final
 * analysis reads the snapshots back from spectra.csv, live or resumed, so both see the same numbers.
 */
public final class SpectraAddon implements RunAddon {
    public static final String[] SPECTRA_HEADER = {"step", "layer", "index", "singular_value", "layer_frobenius_norm"};

    /** Every step's StepInfo, for the replay of a resumed run. */
    static final String STEP_LOG = RunFiles.STEP_LOG;
    /** epoch (8), epochEnd (1), loss, ‖θ‖², learning rate (8 each); the step is the record's index + 1. */
    static final int RECORD = 33;

    private final Map<Path, Session> sessions = new ConcurrentHashMap<>();

    /** The observer a run gets: logs every StepInfo to steps.bin, then hands it on (to the live report, else the tracker). */
    private static final class Session implements TrainingObserver {
        final SaddleTracker tracker;
        final CsvWriter csv;
        final LiveReport live;
        final TrainingObserver next;
        final DataOutputStream log;

        Session(SaddleTracker tracker, CsvWriter csv, LiveReport live, DataOutputStream log) {
            this.tracker = tracker;
            this.csv = csv;
            this.live = live;
            this.next = live != null ? live : tracker;
            this.log = log;
        }

        @Override public void onStart(Network net, long step, long stepsPerEpoch) { next.onStart(net, step, stepsPerEpoch); }
        @Override public void onEnd(Network net, long step) { next.onEnd(net, step); }
        @Override public String status() { return next.status(); }

        @Override
        public void afterStep(Network net, StepInfo info) {
            try {
                log.writeLong(info.epoch());
                log.writeBoolean(info.epochEnd());
                log.writeDouble(info.loss());
                log.writeDouble(info.normSquared());
                log.writeDouble(info.learningRate());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            next.afterStep(net, info);
        }

        void closeFiles() {
            if (live != null) live.close(); // a refresh in flight finishes before the final files are written
            if (csv != null) csv.close();
            try {
                log.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The config's spectra cadence; a bad spec is bad input naming the field. */
    static Cadence cadence(TrainConfig cfg) {
        try {
            return Cadence.parse(cfg.spectra_every);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("spectra_every: " + e.getMessage());
        }
    }

    @Override
    public TrainingObserver observer(TrainConfig cfg, RunFolder folder, Network net, Checkpoints.Saved resumed) {
        long step = resumed == null ? 0 : resumed.state().step();
        JsonNode lengths = resumed == null ? null : resumed.extra().path("files");
        LossHistory history = new LossHistory();
        PlateauDetector detector = new PlateauDetector();
        Path logFile = folder.path(STEP_LOG);
        if (step > 0) {
            replay(logFile, step, lengths, new SaddleTracker(history, null, detector));
        } else {
            deleteQuietly(logFile);
        }
        SpectralTracker spectra = null;
        CsvWriter csv = null;
        if (cfg.top_k > 0) {
            Cadence cadence = cadence(cfg);
            Path file = folder.path(RunFiles.SPECTRA);
            List<SpectrumSnapshot> earlier = List.of();
            if (step > 0) {
                if (lengths != null && lengths.has(RunFiles.SPECTRA)) CsvWriter.truncateTo(file, lengths.get(RunFiles.SPECTRA).asLong());
                else CsvWriter.truncateAfter(file, step); // checkpoints of older versions
                earlier = readSpectra(file);
            } else {
                deleteQuietly(file);
            }
            CsvWriter w = new CsvWriter(file, SPECTRA_HEADER, step > 0);
            csv = w;
            spectra = new SpectralTracker(cfg.top_k, cadence, sn -> write(w, sn), RandomStreams.of(cfg.seed));
            if (step > 0) spectra.resume(earlier, step, net.depth(), bases(resumed));
        }
        SaddleTracker tracker = new SaddleTracker(history, spectra, detector);
        LiveReport live = cfg.report_every > 0 ? new LiveReport(folder, tracker, cfg, cfg.report_every) : null;
        try {
            Files.createDirectories(logFile.getParent());
            DataOutputStream log = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(logFile.toFile(), step > 0), 1 << 16));
            Session s = new Session(tracker, csv, live, log);
            sessions.put(folder.root().toAbsolutePath().normalize(), s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void checkResume(RunFolder folder, Checkpoints.Saved resumed) {
        long step = resumed.state().step();
        if (step > 0) checkStepLog(folder.path(STEP_LOG), step, resumed.extra().path("files"));
    }

    /** Bad input unless steps.bin holds at least the checkpoint's {@code step} records, as the checkpoint recorded. */
    private static void checkStepLog(Path logFile, long step, JsonNode lengths) {
        long want = step * RECORD;
        if (lengths != null && lengths.has(STEP_LOG) && lengths.get(STEP_LOG).asLong() != want) {
            throw new BadInputException(logFile + ": the checkpoint at step " + step + " records " + lengths.get(STEP_LOG).asLong()
                    + " bytes, not " + want);
        }
        if (!Files.exists(logFile)) {
            throw new BadInputException(logFile + " is missing; the run cannot resume its saddle analysis from step " + step);
        }
        CsvWriter.checkLength(logFile, want);
    }

    /** steps.bin cut back to the checkpoint's {@code step} records and fed, step by step, to {@code replay}. */
    private static void replay(Path logFile, long step, JsonNode lengths, TrainingObserver replay) {
        checkStepLog(logFile, step, lengths);
        long want = step * RECORD;
        CsvWriter.truncateTo(logFile, want);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(logFile), 1 << 16))) {
            for (long t = 1; t <= step; t++) {
                long epoch = in.readLong();
                boolean epochEnd = in.readBoolean();
                double loss = in.readDouble(), norm2 = in.readDouble(), lr = in.readDouble();
                replay.afterStep(null, new TrainingObserver.StepInfo(t, epoch, epochEnd, loss, norm2, lr));
            }
        } catch (IOException e) {
            throw new BadInputException(logFile + ": unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * The loss history a finished or stopped run's detector saw: its checkpoints/steps.bin replayed into a fresh
     * {@link LossHistory} (every step, or the first {@code upTo} when positive: the run as it stood then).
     */
    public static LossHistory readHistory(Path run, long upTo) {
        Path logFile = run.resolve(STEP_LOG);
        LossHistory h = new LossHistory();
        if (!Files.exists(logFile)) throw new BadInputException(logFile + " is missing: no step log to read the loss history from");
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(logFile), 1 << 16))) {
            long n = Files.size(logFile) / RECORD;
            if (upTo > 0) n = Math.min(n, upTo);
            for (long t = 1; t <= n; t++) {
                long epoch = in.readLong();
                boolean epochEnd = in.readBoolean();
                double loss = in.readDouble(), norm2 = in.readDouble(), lr = in.readDouble();
                h.afterStep(null, new TrainingObserver.StepInfo(t, epoch, epochEnd, loss, norm2, lr));
            }
        } catch (IOException e) {
            throw new BadInputException(logFile + ": unreadable (" + e.getMessage() + ")");
        }
        return h;
    }

    private static Map<Integer, Matrix> bases(Checkpoints.Saved resumed) {
        Map<Integer, Matrix> out = new TreeMap<>();
        for (Map.Entry<String, Matrix> e : resumed.readArrays().entrySet()) {
            if (e.getKey().startsWith("spectra_basis_")) out.put(Integer.parseInt(e.getKey().substring(14)), e.getValue());
            else e.getValue().close();
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void checkpoint(RunFolder folder, Map<String, Object> fields, Map<String, Matrix> arrays) {
        Session s = sessions.get(folder.root().toAbsolutePath().normalize());
        if (s == null) return;
        Map<String, Object> files = (Map<String, Object>) fields.computeIfAbsent("files", k -> new LinkedHashMap<String, Object>());
        try {
            s.log.flush();
            files.put(STEP_LOG, Files.size(folder.path(STEP_LOG)));
            if (s.csv != null) files.put(RunFiles.SPECTRA, Files.size(folder.path(RunFiles.SPECTRA)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpectralTracker t = s.tracker.spectra();
        if (t == null || t.snapshots().isEmpty()) return;
        for (int l = 1; l <= t.snapshots().get(0).depth(); l++) {
            Matrix b = t.basisCopy(l);
            if (b != null) arrays.put("spectra_basis_" + l, b);
        }
    }

    @Override
    public void finish(TrainConfig cfg, RunFolder folder, Network net, Trainer.Result result) {
        Session s = sessions.remove(folder.root().toAbsolutePath().normalize());
        if (s == null) return;
        s.closeFiles();
        SaddleTracker t = s.tracker;
        // The snapshots as spectra.csv holds them, whether this process took them or read them back on resume.
        List<SpectrumSnapshot> snaps = t.spectra() == null ? List.of() : readSpectra(folder.path(RunFiles.SPECTRA));
        analyse(folder, t.detector(), t.history().logBinned(), snaps, t.spectra() == null ? 0 : t.spectra().seconds(),
                result.state().elapsedSeconds(), t.spectra() == null ? 0 : t.spectra().k());
        if (t.spectra() != null) t.spectra().close();
    }

    /** A stopped run (no finish): its files are closed, its analysis stays as the last refresh left it. */
    @Override
    public void abandon(RunFolder folder) {
        Session s = sessions.remove(folder.root().toAbsolutePath().normalize());
        if (s == null) return;
        s.closeFiles();
        if (s.tracker.spectra() != null) s.tracker.spectra().close();
    }

    /** Detection on the loss and spectra so far, and the analysis files written from it. */
    static void analyse(RunFolder folder, SaddleTracker t, double trainSeconds) {
        List<SpectrumSnapshot> snaps = t.spectra() == null ? List.of() : List.copyOf(t.spectra().snapshots());
        analyse(folder, t.detector(), t.history().logBinned(), snaps, t.spectra() == null ? 0 : t.spectra().seconds(),
                trainSeconds, t.spectra() == null ? 0 : t.spectra().k());
    }

    static void analyse(RunFolder folder, PlateauDetector detector, LossHistory.Series loss, List<SpectrumSnapshot> snaps,
                        double spectraSeconds, double trainSeconds, int trackedK) {
        PlateauDetector.Result det = detector.detect(loss, snaps);
        SaddleAnalysis a = new SaddleAnalysis(det, snaps, SaddleAnalysis.DEFAULT_RANK_THRESHOLD);
        writeAnalysis(folder, a, detector.settings(), spectraSeconds, trainSeconds, trackedK);
    }

    private static void write(CsvWriter w, SpectrumSnapshot s) {
        for (int l = 1; l <= s.depth(); l++) {
            double[] v = s.layer(l);
            double fro = Math.sqrt(s.frobeniusSquared()[l - 1]);
            for (int i = 0; i < v.length; i++) w.row(s.step(), l, i + 1, v[i], fro);
        }
    }

    /**
     * A rank that counts every one of the {@code trackedK} singular values tracked only says the rank is at least
     * that (a random initialisation on the origin plateau): it is written as a lower bound, not a rank.
     */
    static boolean censored(int rank, int trackedK) {
        return trackedK > 0 && rank >= trackedK;
    }

    /** The analysis files; {@code trackedK} is the number of singular values tracked per layer (0: none). */
    public static void writeAnalysis(RunFolder folder, SaddleAnalysis a, PlateauDetector.Settings settings,
                                     double spectraSeconds, double trainSeconds, int trackedK) {
        PlateauDetector.Result det = a.detection();
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.ESCAPES), new String[] {"escape", "start_step", "middle_step", "end_step",
                "loss_before", "loss_after", "theta_norm_before", "theta_norm_after", "from_plateau", "to_plateau",
                "spectral_rise", "direction", "spectral_middle_step", "onset_step"}, false)) {
            for (PlateauDetector.Escape e : det.escapes()) {
                w.row(e.number(), round(e.startStep()), round(e.middleStep()), round(e.endStep()), e.lossBefore(), e.lossAfter(),
                        Math.sqrt(e.normSquaredBefore()), Math.sqrt(e.normSquaredAfter()), e.fromPlateau(), e.toPlateau(),
                        Double.isNaN(e.spectralRise()) ? null : e.spectralRise(), e.direction() > 0 ? e.direction() : null,
                        Double.isNaN(e.spectralMiddleStep()) ? null : round(e.spectralMiddleStep()), round(e.onsetStep()));
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.PLATEAUS), new String[] {"plateau", "start_step", "end_step", "loss",
                "theta_norm", "snapshot_step", "bottleneck_rank", "rank_at_least", "layer_ranks"}, false);
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
                w.row(p.index(), round(p.startStep()), round(p.endStep()), p.loss(), Math.sqrt(p.normSquared()),
                        pr == null ? null : pr.snapshotStep(), pr == null || censored ? null : pr.bottleneckRank(),
                        censored ? trackedK : null, ranks.toString());
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
        folder.writeJson(RunFiles.SADDLES, m);
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

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
