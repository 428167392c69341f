package org.saddlescope.trainrun;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.saddlescope.spectra.SaddleTracker;
import org.saddlescope.spectra.SpectralTracker;
import org.saddlescope.spectra.SpectrumSnapshot;
import org.saddlescope.train.TimeAxis;
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

    /** Every update's StepInfo, for the replay of a resumed run ({@link StepLog}). */
    static final String STEP_LOG = RunFiles.STEP_LOG;

    private final Map<Path, Session> sessions = new ConcurrentHashMap<>();
    /** A live report's failure, by folder, kept when its session ends (for {@link #warnings}). */
    private final Map<Path, String> failures = new ConcurrentHashMap<>();

    /**
     * The observer a run gets: logs every StepInfo to steps.bin, feeds the run's time axis (nominal step, update
     * count and q, for the saddle files), then hands it on (to the live report, else the tracker).
     */
    private static final class Session implements TrainingObserver {
        final SaddleTracker tracker;
        final CsvWriter csv;
        final LiveReport live;
        final TrainingObserver next;
        final StepLog.Writer log;
        final TimeAxis axis;

        Session(SaddleTracker tracker, CsvWriter csv, LiveReport live, StepLog.Writer log, TimeAxis axis) {
            this.tracker = tracker;
            this.csv = csv;
            this.live = live;
            this.next = live != null ? live : tracker;
            this.log = log;
            this.axis = axis;
        }

        @Override public void onStart(Network net, long step, long stepsPerEpoch) {
            axis.onStart(net, step, stepsPerEpoch);
            next.onStart(net, step, stepsPerEpoch);
        }

        @Override public void onEnd(Network net, long step) {
            axis.onEnd(net, step);
            next.onEnd(net, step);
        }

        @Override public String status() { return next.status(); }

        @Override
        public void afterStep(Network net, StepInfo info) {
            log.write(info);
            axis.afterStep(net, info);
            next.afterStep(net, info);
        }

        void closeFiles(Map<Path, String> failures, Path key) {
            if (live != null) live.close(); // a refresh in flight finishes before the final files are written
            if (live != null && live.failure() != null) failures.put(key, live.failure());
            if (csv != null) csv.close();
            log.close();
        }
    }

    /** The config's spectra cadence (parsed when the config was read). */
    static Cadence cadence(TrainConfig cfg) {
        return cfg.spectra_every.cadence();
    }

    @Override
    public TrainingObserver observer(TrainConfig cfg, RunFolder folder, Network net, Checkpoints.Saved resumed) {
        long step = resumed == null ? 0 : resumed.state().step();          // updates: records of steps.bin
        long nominal = resumed == null ? 0 : resumed.state().nominalStep(); // the spectra's time axis
        JsonNode lengths = resumed == null ? null : resumed.extra().path("files");
        LossHistory history = new LossHistory();
        PlateauDetector detector = new PlateauDetector();
        TimeAxis axis = new TimeAxis();
        Path logFile = folder.path(STEP_LOG);
        if (step > 0) {
            SaddleTracker replayed = new SaddleTracker(history, null, detector);
            replay(logFile, step, lengths, new TrainingObserver() {
                @Override
                public void afterStep(Network n, StepInfo info) {
                    axis.afterStep(n, info);
                    replayed.afterStep(n, info);
                }
            });
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
                else CsvWriter.truncateAfter(file, nominal); // checkpoints of older versions
                earlier = SaddleFiles.readSpectra(file);
            } else {
                deleteQuietly(file);
            }
            CsvWriter w = new CsvWriter(file, SPECTRA_HEADER, step > 0);
            csv = w;
            spectra = new SpectralTracker(cfg.top_k, cadence, sn -> write(w, sn), RandomStreams.of(cfg.seed));
            if (step > 0) spectra.resume(earlier, nominal, net.depth(), bases(resumed));
        }
        SaddleTracker tracker = new SaddleTracker(history, spectra, detector);
        LiveReport live = cfg.report_every > 0 ? new LiveReport(folder, tracker, axis, cfg, cfg.report_every) : null;
        Session s = new Session(tracker, csv, live, StepLog.open(logFile, step == 0), axis);
        sessions.put(folder.root().toAbsolutePath().normalize(), s);
        return s;
    }

    @Override
    public void checkResume(RunFolder folder, Checkpoints.Saved resumed) {
        long step = resumed.state().step();
        if (step > 0) checkStepLog(folder.path(STEP_LOG), step, resumed.extra().path("files"));
    }

    /**
     * Bad input unless steps.bin holds at least the checkpoint's {@code step} records, as the checkpoint recorded;
     * returns the log's length at the checkpoint.
     */
    private static long checkStepLog(Path logFile, long step, JsonNode lengths) {
        if (!Files.exists(logFile)) {
            throw new BadInputException(logFile + " is missing; the run cannot resume its saddle analysis from step " + step);
        }
        long want = StepLog.length(StepLog.current(logFile), step);
        if (lengths != null && lengths.has(STEP_LOG) && lengths.get(STEP_LOG).asLong() != want) {
            throw new BadInputException(logFile + ": the checkpoint at step " + step + " records " + lengths.get(STEP_LOG).asLong()
                    + " bytes, not " + want);
        }
        CsvWriter.checkLength(logFile, want);
        return want;
    }

    /** steps.bin cut back to the checkpoint's {@code step} records and fed, step by step, to {@code replay}. */
    private static void replay(Path logFile, long step, JsonNode lengths, TrainingObserver replay) {
        CsvWriter.truncateTo(logFile, checkStepLog(logFile, step, lengths));
        StepLog.read(logFile, step, 0, replay);
    }

    /**
     * The loss history a finished or stopped run's detector saw: its checkpoints/steps.bin replayed into a fresh
     * {@link LossHistory} (every step, or up to nominal step {@code upTo} when positive: the run as it stood then).
     */
    public static LossHistory readHistory(Path run, long upTo) {
        Path logFile = run.resolve(STEP_LOG);
        LossHistory h = new LossHistory();
        if (!Files.exists(logFile)) throw new BadInputException(logFile + " is missing: no step log to read the loss history from");
        StepLog.read(logFile, StepLog.records(logFile), upTo, h);
        return h;
    }

    /**
     * The detector run again on a run folder's step log and spectra.csv (up to {@code upTo} when positive), with the given
     * settings: the saddles a run had by the detector of this version, whatever its analysis files say.
     */
    public static PlateauDetector.Result detect(Path run, long upTo, PlateauDetector.Settings settings) {
        LossHistory h = readHistory(run, upTo);
        List<SpectrumSnapshot> snaps = new ArrayList<>();
        if (Files.exists(run.resolve(RunFiles.SPECTRA))) {
            for (SpectrumSnapshot s : SaddleFiles.readSpectra(run.resolve(RunFiles.SPECTRA))) if (upTo <= 0 || s.step() <= upTo) snaps.add(s);
        }
        return new PlateauDetector(settings).detect(h.logBinned(), snaps);
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
        Path key = folder.root().toAbsolutePath().normalize();
        Session s = sessions.remove(key);
        if (s == null) return;
        s.closeFiles(failures, key);
        SaddleTracker t = s.tracker;
        // The snapshots as spectra.csv holds them, whether this process took them or read them back on resume.
        List<SpectrumSnapshot> snaps = t.spectra() == null ? List.of() : SaddleFiles.readSpectra(folder.path(RunFiles.SPECTRA));
        SaddleFiles.write(folder, t.detector(), t.history().logBinned(), snaps, t.spectra() == null ? 0 : t.spectra().seconds(),
                result.state().elapsedSeconds(), t.spectra() == null ? 0 : t.spectra().k(), s.axis.snapshot());
        if (t.spectra() != null) t.spectra().close();
    }

    /** A stopped run (no finish): its files are closed, its analysis stays as the last refresh left it. */
    @Override
    public void abandon(RunFolder folder) {
        Path key = folder.root().toAbsolutePath().normalize();
        Session s = sessions.remove(key);
        if (s == null) return;
        s.closeFiles(failures, key);
        if (s.tracker.spectra() != null) s.tracker.spectra().close();
    }

    @Override
    public List<String> warnings(RunFolder folder) {
        String f = failures.remove(folder.root().toAbsolutePath().normalize());
        return f == null ? List.of() : List.of(f);
    }

    private static void write(CsvWriter w, SpectrumSnapshot s) {
        for (int l = 1; l <= s.depth(); l++) {
            double[] v = s.layer(l);
            double fro = Math.sqrt(s.frobeniusSquared()[l - 1]);
            for (int i = 0; i < v.length; i++) w.row(s.step(), l, i + 1, v[i], fro);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
