package org.saddlescope.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;
import org.saddlescope.report.Table;
import org.saddlescope.spectra.PlateauDetector;
import org.saddlescope.trainrun.SpectraAddon;

/**
 * The saddle detector scored on real training runs (issue 20, item 4), labelled by a criterion that reads neither the
 * loss curve nor the weights: the network's outputs on a fixed probe set of training samples (outputs.csv, written by
 * every train run). Escape k is where σ_k(Y_θ), the k-th singular value of the outputs, first reaches
 * {@link #LABEL_RMS}·√n (an rms output of 1 along the k-th output direction), having started below a tenth of that
 * (a small initialisation: outputs start orders of magnitude below), log-interpolated between the probes (20 per
 * decade). The detector is run again on the run's own step log (checkpoints/steps.bin) and spectra.csv, with the
 * settings given, so rules can be tuned on some seeds and tested on others without training again. Runs whose
 * outputs start at that scale (standard initialisation: no saddle) have no labelled escape: their detections are all
 * false. Every run also gives a second negative case, its prefix up to half its first labelled escape (a plateau with
 * no escape yet), when it has one.
 */
public final class RealRunBenchmark {
    private RealRunBenchmark() {}

    /** rms output (per sample, along one output direction) at which a mode counts as learned. */
    public static final double LABEL_RMS = 1.0;

    /** A run (or its plateau-only prefix, upTo > 0), its group and seed, and whether its seed was held out of tuning. */
    public record Case(Path run, String group, long seed, boolean heldOut, long upTo) {
        public String name() { return run.getFileName() + (upTo > 0 ? " [to step " + upTo + "]" : ""); }
    }

    /** A scored case: labelled escape steps, detected middles, matches (per label: index of the detection or −1). */
    public record Result(Case c, double[] labels, double[] detected, int[] match, double[] error, PlateauDetector.Result detection) {
        public int truePositives() { int n = 0; for (int m : match) if (m >= 0) n++; return n; }
    }

    /** Labels of a run from its outputs.csv: steps at which σ_k(Y)/√n first reaches LABEL_RMS (k = 1, 2, ...). */
    public static double[] labels(Path run, long upTo, int probeSamples) {
        Table t = Table.read(run.resolve("outputs.csv"));
        double[] step = t.column("step"), index = t.column("index"), sv = t.column("singular_value");
        TreeMap<Integer, List<double[]>> byIndex = new TreeMap<>();
        for (int i = 0; i < step.length; i++) {
            if (upTo > 0 && step[i] > upTo) continue;
            byIndex.computeIfAbsent((int) index[i], k -> new ArrayList<>()).add(new double[] {step[i], sv[i] / Math.sqrt(probeSamples)});
        }
        List<Double> out = new ArrayList<>();
        for (List<double[]> series : byIndex.values()) {
            if (series.isEmpty() || series.get(0)[1] >= LABEL_RMS / 10) continue;
            double hit = crossing(series, LABEL_RMS);
            if (Double.isFinite(hit)) out.add(hit);
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** First step (log-interpolated in step and value) at which the series reaches {@code level}; NaN if never. */
    static double crossing(List<double[]> series, double level) {
        for (int i = 0; i < series.size(); i++) {
            double[] cur = series.get(i);
            if (cur[1] < level) continue;
            if (i == 0) return cur[0];
            double[] prev = series.get(i - 1);
            if (!(prev[0] > 0) || !(prev[1] > 0)) return cur[0];
            double f = (Math.log(level) - Math.log(prev[1])) / (Math.log(cur[1]) - Math.log(prev[1]));
            return Math.exp(Math.log(prev[0]) + f * (Math.log(cur[0]) - Math.log(prev[0])));
        }
        return Double.NaN;
    }

    /** The detector on the run's step log and spectra (up to upTo when positive). */
    public static PlateauDetector.Result detect(Path run, long upTo, PlateauDetector.Settings settings) {
        return SpectraAddon.detect(run, upTo, settings);
    }

    public static Result score(Case c, PlateauDetector.Settings settings) {
        if (!Files.exists(c.run().resolve("outputs.csv"))) throw new BadInputException(c.run() + " has no outputs.csv (runs of this version write it)");
        double[] labels = labels(c.run(), c.upTo(), probeSamples(c.run()));
        PlateauDetector.Result det = detect(c.run(), c.upTo(), settings);
        double[] detected = det.escapes().stream().mapToDouble(PlateauDetector.Escape::middleStep).toArray();
        int[] which = new int[labels.length];
        double[] err = DetectorBenchmark.match(labels, detected, DetectorBenchmark.TOLERANCE_DECADES, which);
        for (int k = 0; k < labels.length; k++) if (which[k] >= 0) err[k] = Math.log10(detected[which[k]] / labels[k]);
        return new Result(c, labels, detected, which, err, det);
    }

    /** Probe samples of outputs.csv: min(1000, training samples). */
    static int probeSamples(Path run) {
        TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(run.resolve("config.yaml"))), run.resolve("config.yaml").toString());
        int n = 1000;
        if (cfg.subset > 0) n = Math.min(n, cfg.subset);
        return n;
    }

    /** The cases of run folders: group = folder name without its "-sN" seed suffix, seed from config.yaml. */
    public static List<Case> cases(List<Path> runs, java.util.Set<Long> tuneSeeds, boolean prefixes) {
        List<Case> out = new ArrayList<>();
        for (Path r : runs) {
            TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(r.resolve("config.yaml"))), r.resolve("config.yaml").toString());
            String name = r.getFileName().toString();
            String group = name.replaceAll("-s[0-9]+$", "");
            boolean held = !tuneSeeds.contains(cfg.seed);
            out.add(new Case(r, group, cfg.seed, held, 0));
            if (!prefixes) continue;
            double[] l = labels(r, 0, probeSamples(r));
            if (l.length > 0 && l[0] > 200) out.add(new Case(r, group + " plateau prefix", cfg.seed, held, (long) (0.5 * l[0])));
        }
        return out;
    }

    /**
     * Precision, recall (with Wilson 95% intervals), timing errors (decades) of a set of results, and the cases with at
     * least one false detection (the figure of a negative control, whose precision and recall are undefined: no label,
     * and no detection when the detector is right) with its Wilson interval over cases.
     */
    public record Score(int cases, int labelled, int detected, int matched, double precision, double[] precisionCi, double recall,
                        double[] recallCi, double medianError, double maxError, double meanSignedError, int falseAlarmCases,
                        double[] falseAlarmCi) {
        public double falseAlarmRate() { return cases == 0 ? Double.NaN : (double) falseAlarmCases / cases; }
    }

    public static Score score(List<Result> rs) {
        int lab = 0, det = 0, tp = 0, alarms = 0;
        List<Double> err = new ArrayList<>();
        double signed = 0;
        for (Result r : rs) {
            lab += r.labels().length;
            det += r.detected().length;
            tp += r.truePositives();
            if (r.detected().length > r.truePositives()) alarms++;
            for (double e : r.error()) if (Double.isFinite(e)) { err.add(Math.abs(e)); signed += e; }
        }
        double[] e = err.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Score(rs.size(), lab, det, tp, det == 0 ? Double.NaN : (double) tp / det, wilson(tp, det),
                lab == 0 ? Double.NaN : (double) tp / lab, wilson(tp, lab), DetectorBenchmark.quantile(e, 0.5),
                e.length == 0 ? Double.NaN : e[e.length - 1], e.length == 0 ? Double.NaN : signed / e.length, alarms, wilson(alarms, rs.size()));
    }

    /** Wilson score interval (95%) of k successes in n; [NaN, NaN] for n = 0. */
    static double[] wilson(int k, int n) {
        if (n == 0) return new double[] {Double.NaN, Double.NaN};
        double z = 1.959963984540054, p = (double) k / n, d = 1 + z * z / n;
        double c = (p + z * z / (2 * n)) / d, h = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
        return new double[] {Math.max(0, c - h), Math.min(1, c + h)};
    }

    /** Results grouped by "group / tuned|held-out". */
    public static Map<String, List<Result>> groups(List<Result> rs) {
        Map<String, List<Result>> g = new TreeMap<>();
        for (Result r : rs) g.computeIfAbsent(r.c().group() + (r.c().heldOut() ? " / held-out seeds" : " / tuning seeds"), k -> new ArrayList<>()).add(r);
        return g;
    }

    static String fmt(double[] v) {
        return Arrays.toString(v);
    }
}
