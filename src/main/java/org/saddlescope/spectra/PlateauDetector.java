package org.saddlescope.spectra;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the plateaus (saddles) of a training run and the escapes between them from the loss curve alone
 * (issue 4, item 3). Saddle-to-saddle dynamics are multiscale in time: each plateau lasts about as long as
 * everything before it, so the curve is read in log-time u = ln t:
 * <ol>
 * <li>y = ln(loss + f·loss_0) (a floor f, default 1e-3, so that convergence to zero reads as a final plateau,
 *     not an endless drop), averaged over log-spaced step bins ({@link LossHistory}) and then smoothed with a
 *     Gaussian kernel in u of width at least {@code smoothing}, at least the spacing of integer steps (1/t), and
 *     widened (up to {@code maxSmoothing}) until the smoothed value's noise, estimated from the step-to-step
 *     scatter of the loss, is below {@code noiseTarget}: full-batch runs stay sharp, SGD runs are averaged over
 *     as many steps as their noise needs (early on, where a log-time window holds few steps, that is wide);</li>
 * <li>the log-time slope S = −dy/du (S = a means the loss falls like t^−a);</li>
 * <li>hysteresis: a drop starts where S rises above {@code exit} and reaches {@code enter}, and ends where S
 *     falls back below {@code exit} for at least {@code minPlateau}, or below a third of its peak slope (so a
 *     fall that continues into a slow power-law descent ends where the fall does). It is an escape if it lowers y by at least {@code minDrop} and is sharp:
 *     the central 20%–80% of its fall takes at most {@code maxWidth} in u. Sharpness is what separates a saddle
 *     escape (a long plateau, then a fall that is quick compared with the time already spent) from the smooth
 *     descent of a run without saddles, which also looks flat at early log-times but falls over decades;</li>
 * <li>a run that passes through a deep valley ({@link Valleys}) (S at most a fifth of the peaks) between two large falls (each with a peak S of at
 *     least 3·enter and lowering y by 3·minDrop) is cut at the valley: two escapes with a short, slowly falling
 *     plateau between them are not merged into one whose middle sits on that plateau;</li>
 * <li>where spectral snapshots bracket a fall (within {@code spectralGap} in u on each side), it is an escape only
 *     if the layers' singular values rise across it: L × the median over layers of the largest ln-rise of a
 *     tracked σ_i at least {@code minSpectralRise} (ln 4: the learned direction's end-to-end gain grows fourfold;
 *     {@link SpectralEscapes}). SGD noise on a plateau makes loss "falls" that move no singular value. The
 *     index that rose is the escape's direction, and where its median ln σ is half-way up is its spectral
 *     middle;</li>
 * <li>escapes the loss misses, where the loss is too noisy to resolve them (SGD early on, averaged over few
 *     steps): a sharp rise of one singular value in the spectra ({@link SpectralEscapes#events}: L × the median
 *     over layers of ln σ_i climbs by {@code minSpectralRise}, 20–80% of it within {@code maxWidth}) that lies away
 *     from every escape found in the loss, and across which the smoothed loss falls by {@code minDrop} outside the
 *     escapes found in the loss, is an escape too;</li>
 * <li>plateaus: runs of S ≤ exit at least {@code minPlateau} long in u that sit right before an escape (no
 *     fall of minDrop in between) or are the first after it (before the next one); flat runs split by blips
 *     that move the level by less than minDrop are joined first.</li>
 * </ol>
 * Plateau k (0-based) is the saddle reached after k escapes; plateau 0 is the origin when the run starts from
 * small initialization. Escapes are numbered from 1: escape k leaves plateau k−1. The method and its thresholds
 * are scored on labelled runs by {@code experiment.DetectorBenchmark} (precision, recall, timing error).
 */
public final class PlateauDetector {

    /**
     * Thresholds; see the class comment. Lengths are in ln-time units (0.23 = a tenth of a decade). enter = 0.5 (issue 20;
     * it was 1): a first escape of cross-entropy to a rank-one saddle lowers the loss by only ~15%, so its log-time slope
     * peaks below 1 even when it is sharp (fashion-quick on MNIST: 0.9, 2 seeds of 3 missed); the synthetic benchmark's
     * score is the same at 0.5 (bench-detector, 48 runs: precision 1.000, recall 0.972, median error 0.012 decades).
     */
    public record Settings(double floorFraction, double smoothing, double maxSmoothing, double noiseTarget,
                           int gridPerDecade, double enter, double exit, double minDrop, double maxWidth, double minPlateau,
                           double minSpectralRise, double spectralGap) {
        public static Settings defaults() {
            return new Settings(1e-3, 0.05, 1.0, 0.03, 60, 0.5, 0.25, 0.1, 1.0, 0.2,
                    Math.log(4), 1.0);
        }
        /** These settings with some thresholds replaced, by component name (e.g. {"enter": 0.5}); unknown names are an error. */
        public Settings with(java.util.Map<String, Double> values) {
            java.lang.reflect.RecordComponent[] rc = Settings.class.getRecordComponents();
            Object[] args = new Object[rc.length];
            Class<?>[] types = new Class<?>[rc.length];
            java.util.Set<String> unknown = new java.util.TreeSet<>(values.keySet());
            try {
                for (int i = 0; i < rc.length; i++) {
                    types[i] = rc[i].getType();
                    Object cur = rc[i].getAccessor().invoke(this);
                    Double v = values.get(rc[i].getName());
                    unknown.remove(rc[i].getName());
                    args[i] = v == null ? cur : types[i] == int.class ? (Object) (int) Math.round(v) : (Object) v;
                }
                if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown detector settings " + unknown);
                return Settings.class.getDeclaredConstructor(types).newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        public Settings withMinPlateau(double v) {
            return new Settings(floorFraction, smoothing, maxSmoothing, noiseTarget, gridPerDecade, enter, exit, minDrop, maxWidth, v,
                    minSpectralRise, spectralGap);
        }
    }

    /** A plateau from {@code startStep} to {@code endStep} at mean loss {@code loss} and mean ‖θ‖². */
    public record Plateau(int index, double startStep, double endStep, double loss, double normSquared) {
        /** Geometric middle, where a snapshot represents the saddle best (settled, next direction still small). */
        public double middleStep() { return Math.sqrt(Math.max(1, startStep) * Math.max(1, endStep)); }
    }

    /**
     * Escape {@code number} (1-based: escape k leaves plateau k−1, the saddle reached after k−1 escapes): a fall of
     * the loss from {@code lossBefore} to {@code lossAfter} between {@code startStep} and {@code endStep} (half of
     * it, in log-loss, done at {@code middleStep}); ‖θ‖² before and after; {@code fromPlateau}/{@code toPlateau}
     * index the plateaus it joins (−1 when none); {@code onsetStep}: where it begins by {@link EscapeDefinition} (the
     * smoothed loss first 1% below the level of the plateau it leaves).
     */
    public record Escape(int number, double startStep, double middleStep, double endStep, double lossBefore,
                         double lossAfter, double normSquaredBefore, double normSquaredAfter, double width,
                         int fromPlateau, int toPlateau, double spectralRise, int direction, double spectralMiddleStep,
                         double onsetStep) {
    }

    /** What was found, plus the smoothed curve on the grid (for plots and diagnosis). */
    public record Result(List<Plateau> plateaus, List<Escape> escapes, double[] gridStep, double[] smoothedLoss,
                         double[] slope, boolean endsOnPlateau, double exitSlope) {
        public static Result empty() {
            return new Result(List.of(), List.of(), new double[0], new double[0], new double[0], false, Settings.defaults().exit());
        }

        /** Short text for the progress line of a live run: the current plateau, or the escape under way. */
        public String status() {
            if (slope.length == 0) return "plateau ?";
            if (endsOnPlateau) {
                return "plateau " + escapes.size() + (plateaus.isEmpty() ? "" : String.format(Locale.ROOT, " since step %.0f",
                        plateaus.get(plateaus.size() - 1).startStep()));
            }
            int k = escapeUnderWay();
            return k > 0 ? "escape " + k + " under way" : "after escape " + escapes.size() + ", between plateaus";
        }

        /** The same for a run that has ended: where it stopped, in the past tense. */
        public String finalStatus() {
            if (slope.length == 0) return "too short to tell";
            if (endsOnPlateau) {
                Plateau last = plateaus.get(plateaus.size() - 1);
                return String.format(Locale.ROOT, "ended on plateau %d (since step %.0f, loss %.4g)", escapes.size(),
                        last.startStep(), last.loss());
            }
            int k = escapeUnderWay();
            return k > 0 ? "ended during escape " + k + " (loss still falling)"
                    : "ended after escape " + escapes.size() + ", before the next plateau settled";
        }

        /**
         * The number of the escape still under way at the last grid point (0 if the loss is not falling there). An
         * escape whose fall is done may already be counted while the next plateau is not yet long enough.
         */
        private int escapeUnderWay() {
            if (!(slope[slope.length - 1] > exitSlope)) return 0;
            int done = escapes.size();
            boolean lastCounted = done > 0 && escapes.get(done - 1).toPlateau() < 0;
            return lastCounted ? done : done + 1;
        }
    }

    private final Settings settings;

    public PlateauDetector(Settings settings) { this.settings = settings; }

    public PlateauDetector() { this(Settings.defaults()); }

    public Settings settings() { return settings; }

    public Result detect(LossHistory history) { return detect(history.logBinned()); }

    public Result detect(LossHistory.Series s) { return detect(s, List.of()); }

    /**
     * Escapes from the loss, confirmed by the layer spectra where they bracket the fall (see
     * {@link SpectralEscapes}): a fall across which no singular value of the layers rises by a factor
     * {@code minSpectralRise} is loss noise, not an escape. Without snapshots, the loss alone decides.
     */
    public Result detect(LossHistory.Series s, List<SpectrumSnapshot> snapshots) {
        if (s.size() < 3) return Result.empty();
        Pass pass = new Pass(settings, s, snapshots);
        if (!pass.smooth()) return Result.empty();
        List<int[]> drops = pass.drops();
        pass.accept(drops);
        pass.addSpectralEscapes();
        List<int[]> flats = pass.flats();
        return pass.result(flats, drops);
    }

    /** One detection: the smoothed curve on the log-time grid and what is found on it. */
    private static final class Pass {
        final Settings p;
        final LossHistory.Series s;
        final List<SpectrumSnapshot> snapshots;
        final double floor;
        int g;
        double[] gu, gy, gs;
        final List<int[]> accepted = new ArrayList<>();
        final List<Double> widths = new ArrayList<>();
        final List<Integer> mids = new ArrayList<>();
        final List<SpectralEscapes.Rise> rises = new ArrayList<>();

        Pass(Settings p, LossHistory.Series s, List<SpectrumSnapshot> snapshots) {
            this.p = p;
            this.s = s;
            this.snapshots = snapshots;
            this.floor = p.floorFraction() * Math.max(Math.abs(s.loss()[0]), Double.MIN_NORMAL);
        }

        /** The log-loss y = ln(loss + floor) smoothed on the grid (noise-adapted kernel width) and its slope S; false if too short. */
        boolean smooth() {
            int nb = s.size();
            double[] u = new double[nb], y = new double[nb], vy = new double[nb];
            for (int b = 0; b < nb; b++) {
                u[b] = Math.log(s.step()[b]);
                y[b] = Math.log(Math.max(s.loss()[b], 0) + floor);
                // noise variance of y per bin (delta method: Var ln(ℓ + floor) ≈ Var ℓ / (ℓ + floor)²); 0 if unknown
                double v = s.noiseVariance() == null ? Double.NaN : s.noiseVariance()[b];
                double m = Math.max(s.loss()[b], 0) + floor;
                vy[b] = Double.isFinite(v) ? v / (m * m) : 0.0;
            }
            double h = Math.log(10) / p.gridPerDecade();
            if (u[nb - 1] - u[0] < 2 * h) return false;
            g = Math.max(3, (int) Math.floor((u[nb - 1] - u[0]) / h) + 1);
            gu = new double[g];
            gy = new double[g];
            gs = new double[g];
            double target2 = p.noiseTarget() * p.noiseTarget();
            for (int j = 0; j < g; j++) {
                gu[j] = u[0] + j * h;
                // kernel width: at least `smoothing`, at least the spacing of integer steps (1/t), and wide enough that
                // the kernel average of the noise has standard deviation ≤ noiseTarget (SGD: wider early)
                double sigma = Math.max(p.smoothing(), 1.0 / Math.exp(gu[j]));
                double[] est = kernel(u, y, vy, s.count(), gu[j], sigma);
                while (est[2] > target2 && sigma < p.maxSmoothing()) {
                    sigma = Math.min(p.maxSmoothing(), sigma * 1.25);
                    est = kernel(u, y, vy, s.count(), gu[j], sigma);
                }
                gy[j] = est[1] > 0 ? est[0] : (j > 0 ? gy[j - 1] : y[0]);
            }
            for (int j = 0; j < g; j++) {
                int a = Math.max(0, j - 1), c = Math.min(g - 1, j + 1);
                gs[j] = -(gy[c] - gy[a]) / (gu[c] - gu[a]);
            }
            return true;
        }

        /**
         * Hysteresis: runs with S > exit, joined when the flat gap between them is shorter than a plateau (a noise dip
         * inside a fall does not split it), cut at deep valleys, kept if they reach enter. Each kept run ends where S
         * falls below max(exit, peak/3) after its steepest point (a fall that runs on into a slow power-law descent ends
         * where the fall does); its start stays where S first rose above exit, so a descent already under way keeps its
         * long ramp and fails the sharpness test.
         */
        List<int[]> drops() {
            List<int[]> runs = new ArrayList<>();
            for (int j = 0; j < g; ) {
                if (gs[j] <= p.exit()) { j++; continue; }
                int a = j;
                while (j < g && gs[j] > p.exit()) j++;
                int[] run = {Math.max(0, a - 1), Math.min(g - 1, j)};
                if (!runs.isEmpty() && gu[run[0]] - gu[runs.get(runs.size() - 1)[1]] < p.minPlateau()) runs.get(runs.size() - 1)[1] = run[1];
                else runs.add(run);
            }
            List<int[]> segments = new ArrayList<>();
            for (int[] run : runs) segments.addAll(Valleys.split(gs, gy, run, p.exit(), p.minDrop()));
            List<int[]> drops = new ArrayList<>();
            for (int[] run : segments) {
                int peakAt = run[0];
                for (int j = run[0]; j <= run[1]; j++) if (gs[j] > gs[peakAt]) peakAt = j;
                double peak = gs[peakAt];
                if (peak < p.enter()) continue;
                double core = Math.max(p.exit(), peak / 3);
                int b = peakAt;
                while (b < run[1] && gs[b + 1] >= core) b++;
                drops.add(new int[] {run[0], Math.min(run[1], b + 1)});
            }
            return drops;
        }

        /** Falls of at least minDrop whose central 20–80% takes at most maxWidth, confirmed by the spectra where they bracket it. */
        void accept(List<int[]> drops) {
            for (int[] d : drops) {
                double fall = gy[d[0]] - gy[d[1]];
                if (fall < p.minDrop()) continue;
                int j20 = firstBelow(gy, d[0], d[1], gy[d[0]] - 0.2 * fall);
                int j50 = firstBelow(gy, d[0], d[1], gy[d[0]] - 0.5 * fall);
                int j80 = firstBelow(gy, d[0], d[1], gy[d[0]] - 0.8 * fall);
                double width = gu[j80] - gu[j20];
                if (width > p.maxWidth()) continue;
                // tighten to the sub-run of S > exit around the main fall (joining may have pulled in noise blips)
                int a = j20, b = j80;
                while (a > d[0] && gs[a] > p.exit()) a--;
                while (b < d[1] && gs[b] > p.exit()) b++;
                SpectralEscapes.Rise rise = SpectralEscapes.across(snapshots, Math.exp(gu[a]), Math.exp(gu[b]), p.spectralGap());
                if (rise != null && rise.logRise() < p.minSpectralRise()) continue;
                accepted.add(new int[] {a, b});
                widths.add(width);
                mids.add(j50);
                rises.add(rise);
            }
        }

        /**
         * Escapes the loss missed (an SGD loss averaged over few steps early on): sharp rises of a singular value in the
         * spectra, away from every escape found in the loss, across which the smoothed loss falls.
         */
        void addSpectralEscapes() {
            for (SpectralEscapes.Event ev : SpectralEscapes.events(snapshots, p.minSpectralRise(), p.maxWidth(), p.minPlateau())) {
                double um = Math.log(ev.middleStep());
                if (um < gu[0] || um > gu[g - 1]) continue;
                boolean near = false;
                for (int[] d : accepted) if (um >= gu[d[0]] - p.minPlateau() && um <= gu[d[1]] + p.minPlateau()) near = true;
                if (near) continue;
                int a = gridIndex(gu, Math.log(ev.startStep())), b = gridIndex(gu, Math.log(ev.endStep())), m = gridIndex(gu, um);
                if (b <= a || !(fallOutsideAccepted(a, b) >= p.minDrop())) continue;
                int at = 0;
                while (at < accepted.size() && accepted.get(at)[0] < a) at++;
                accepted.add(at, new int[] {a, b});
                widths.add(at, gu[b] - gu[a]);
                mids.add(at, m);
                rises.add(at, new SpectralEscapes.Rise(ev.logRise(), ev.index(), ev.before(), ev.after()));
            }
        }

        /**
         * The fall of the smoothed loss y over grid [a, b] outside the escapes already accepted: the loss a spectral event
         * would add. A spectral escape must lower y by minDrop there, as a loss-found one must: singular values also rise
         * on a full-batch plateau, while the weights align and grow (Example 1: ln σ up 9.7 across steps 50-178 while the
         * loss moved by 1e-8), and an event whose window reaches into a loss escape is that escape, seen early.
         */
        double fallOutsideAccepted(int a, int b) {
            double fall = 0;
            for (int i = a; i < b; i++) {
                boolean inside = false;
                for (int[] d : accepted) if (i >= d[0] && i + 1 <= d[1]) inside = true;
                if (!inside) fall += gy[i] - gy[i + 1];
            }
            return fall;
        }

        /** Flat runs (S ≤ exit), joined across blips that move the level by less than minDrop, at least minPlateau long. */
        List<int[]> flats() {
            List<int[]> flats = new ArrayList<>();
            for (int j = 0; j < g; ) {
                if (gs[j] > p.exit()) { j++; continue; }
                int a = j;
                while (j < g && gs[j] <= p.exit()) j++;
                flats.add(new int[] {a, j - 1});
            }
            List<int[]> joined = new ArrayList<>();
            for (int[] f : flats) {
                if (!joined.isEmpty()) {
                    int[] last = joined.get(joined.size() - 1);
                    boolean escapeBetween = false;
                    for (int[] d : accepted) if (d[0] >= last[1] && d[1] <= f[0]) escapeBetween = true;
                    if (!escapeBetween && Math.abs(gy[last[1]] - gy[f[0]]) < p.minDrop()) {
                        last[1] = f[1];
                        continue;
                    }
                }
                joined.add(f);
            }
            List<int[]> out = new ArrayList<>();
            for (int[] f : joined) if (gu[f[1]] - gu[f[0]] >= p.minPlateau()) out.add(f);
            return out;
        }

        /**
         * The plateaus that sit right before an escape (the last flat run ending at its start, with no fall of minDrop
         * in between) or are the first after it (before the next one), or the longest one of a run that never leaves its
         * saddle; and the escapes linked to them.
         */
        Result result(List<int[]> flats, List<int[]> drops) {
            boolean[] keep = new boolean[flats.size()];
            int[] before = new int[accepted.size()], after = new int[accepted.size()];
            for (int e = 0; e < accepted.size(); e++) {
                int[] d = accepted.get(e);
                before[e] = -1;
                after[e] = -1;
                int prevEnd = e > 0 ? accepted.get(e - 1)[1] : 0;
                int nextStart = e + 1 < accepted.size() ? accepted.get(e + 1)[0] : g - 1;
                for (int f = 0; f < flats.size(); f++) {
                    int[] fl = flats.get(f);
                    if (fl[1] <= d[0] && fl[0] >= prevEnd && gy[fl[1]] - gy[d[0]] < p.minDrop()) before[e] = f; // last wins
                }
                for (int f = flats.size() - 1; f >= 0; f--) {
                    int[] fl = flats.get(f);
                    if (fl[0] >= d[1] && fl[1] <= nextStart) after[e] = f; // first one wins
                }
                if (before[e] >= 0) keep[before[e]] = true;
                if (after[e] >= 0) keep[after[e]] = true;
            }
            boolean anyBigDrop = false;
            for (int[] d : drops) if (gy[d[0]] - gy[d[1]] >= p.minDrop()) anyBigDrop = true;
            if (accepted.isEmpty() && !anyBigDrop && !flats.isEmpty()) {
                int longest = 0;
                for (int f = 1; f < flats.size(); f++) if (len(gu, flats.get(f)) > len(gu, flats.get(longest))) longest = f;
                keep[longest] = true;
            }
            int[] plateauIndex = new int[flats.size()];
            List<Plateau> plateaus = new ArrayList<>();
            for (int f = 0; f < flats.size(); f++) {
                plateauIndex[f] = -1;
                if (!keep[f]) continue;
                int[] fl = flats.get(f);
                double t0 = Math.exp(gu[fl[0]]), t1 = Math.exp(gu[fl[1]]);
                plateauIndex[f] = plateaus.size();
                plateaus.add(new Plateau(plateaus.size(), t0, t1, s.meanLoss(t0, t1), s.meanNorm(t0, t1)));
            }
            List<Escape> escapes = escapes(before, after, plateauIndex, plateaus);
            boolean endsOnPlateau = false;
            if (!flats.isEmpty()) endsOnPlateau = flats.get(flats.size() - 1)[1] == g - 1 && keep[flats.size() - 1];
            double[] gridStep = new double[g], smoothed = new double[g];
            for (int j = 0; j < g; j++) {
                gridStep[j] = Math.exp(gu[j]);
                smoothed[j] = Math.exp(gy[j]) - floor;
            }
            return new Result(List.copyOf(plateaus), List.copyOf(escapes), gridStep, smoothed, gs, endsOnPlateau, p.exit());
        }

        private List<Escape> escapes(int[] before, int[] after, int[] plateauIndex, List<Plateau> plateaus) {
            List<Escape> escapes = new ArrayList<>();
            for (int e = 0; e < accepted.size(); e++) {
                int[] d = accepted.get(e);
                double t0 = Math.exp(gu[d[0]]), t1 = Math.exp(gu[d[1]]);
                SpectralEscapes.Rise rise = rises.get(e);
                int from = before[e] >= 0 ? plateauIndex[before[e]] : -1;
                double lossBefore = Math.exp(gy[d[0]]) - floor;
                double level = from >= 0 ? plateaus.get(from).loss() : lossBefore;
                escapes.add(new Escape(e + 1, t0, Math.exp(gu[mids.get(e)]), t1, lossBefore, Math.exp(gy[d[1]]) - floor,
                        s.normNear(t0), s.normNear(t1), widths.get(e), from, after[e] >= 0 ? plateauIndex[after[e]] : -1,
                        rise == null ? Double.NaN : rise.logRise(), rise == null ? 0 : rise.index(),
                        rise == null ? Double.NaN : SpectralEscapes.middle(snapshots, rise.index(), rise.before(), rise.after()),
                        onset(d, level)));
            }
            return escapes;
        }

        /** {@link EscapeDefinition}: the first grid step of the fall at which the smoothed loss is down ONSET_DROP from level. */
        private double onset(int[] d, double level) {
            for (int j = d[0]; j <= d[1]; j++) if (EscapeDefinition.reached(Math.exp(gy[j]) - floor, level)) return Math.exp(gu[j]);
            return Math.exp(gu[d[1]]);
        }
    }

    /** The grid point nearest ln-step u. */
    private static int gridIndex(double[] gu, double u) {
        int j = (int) Math.round((u - gu[0]) / (gu[1] - gu[0]));
        return Math.max(0, Math.min(gu.length - 1, j));
    }

    /** Kernel-weighted mean of y at u0, total weight, and the variance of that mean under per-bin noise vy. */
    private static double[] kernel(double[] u, double[] y, double[] vy, long[] count, double u0, double sigma) {
        double wsum = 0, ysum = 0, var = 0;
        for (int b = 0; b < u.length; b++) {
            double d = (u[b] - u0) / sigma;
            if (d > 4 || d < -4) continue;
            double k = Math.exp(-0.5 * d * d);
            double w = count[b] * k;
            wsum += w;
            ysum += w * y[b];
            var += count[b] * k * k * vy[b]; // Var Σ_b w_b ȳ_b with Var ȳ_b = vy_b / n_b
        }
        if (wsum <= 0) return new double[] {0, 0, Double.POSITIVE_INFINITY};
        return new double[] {ysum / wsum, wsum, var / (wsum * wsum)};
    }

    private static double len(double[] gu, int[] run) { return gu[run[1]] - gu[run[0]]; }

    private static int firstBelow(double[] gy, int from, int to, double level) {
        for (int j = from; j <= to; j++) if (gy[j] <= level) return j;
        return to;
    }
}
