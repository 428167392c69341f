package org.saddlescope.train;

import java.util.Locale;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.train.optim.StepRecord;

/**
 * The error-controlled plateau fast-forward (issue 19): while a run sits on the plateau at the origin, one step
 * stands for H nominal steps of the configured SGD, and is taken as an adaptive integration of gradient flow.
 *
 * <p><b>The flow it follows.</b> SGD under lr = c/‖θ‖^p with small steps follows gradient flow dθ/dt = −∇L(θ) with
 * t = Σ lr (a step is dt = lr in expectation). H steps are dt ≈ H·lr(θ). The step of this class is the explicit
 * midpoint rule on that interval, θ ← θ0 − H·lr(θ½)·ĝ(θ½) with θ½ = θ0 − (H/2)·lr(θ0)·ĝ(θ0): the Richardson
 * extrapolation 2θ_H − θ_B of one Euler step θ_B of size H and two θ_H of size H/2 (step doubling), second order.
 * The difference θ_H − θ_B is the error of the two-half-step Euler solution to leading order. The controller
 * holds it, relative to the step's own motion, to {@code tolerance}: its angle over the angle the step turns
 * θ/‖θ‖ by, and its log-norm part over the change of log‖θ‖ the step makes (with a floor, see {@link #advance}),
 * and sizes the next H from it (H·tol/err with the usual safety factor: a relative first-order error grows like
 * H). So the control is on the direction and the norm that section 2.1 of the paper separates, measured every
 * step, not assumed; relative, because on the plateau ‖θ‖ changes by 1% in all and an absolute tolerance on
 * log‖θ‖ would let its growth be wrong by more than itself. The estimate over-states the error of the
 * extrapolated step that is kept (it is the first-order one's).
 *
 * <p><b>Normalised time.</b> With p = L − 2 a step advances q by exactly c·H (dq = ‖θ‖^(L−2)·dt) and the direction's
 * dynamics are scale-free; for any other p the step is the same t-interval H·lr(θ), q advances by
 * H·lr(θ½)·‖θ½‖^(L−2) (midpoint quadrature), and the error control covers the norm's change of the rate through
 * log‖θ‖. Nothing here needs p = L − 2.
 *
 * <p><b>The gradient.</b> ĝ is the mean gradient of the cost over M samples: the next M samples of the run's own
 * stream (the first M/B of the very minibatches those H steps would read, {@link DataStream}), the same for the
 * three evaluations of a step, so the error estimate is that of the integration, not of sampling. The stream then
 * moves on by H batches, so after the hand-over the run reads exactly the batches the unaccelerated run reads at
 * that nominal step. A step costs two gradients of M samples, ≈ 2M/B minibatch steps: below that many nominal
 * steps per step the fast-forward stops paying and hands over. When M ≥ N (or full-batch training) ĝ is the
 * full-batch gradient.
 *
 * <p><b>Hand-over.</b> Back to the configured law, for good, at the first of: ‖θ‖ grown by {@code handoverGrowth}
 * relative to ‖θ‖ at the start of the fast-forward; the sample loss fallen by {@code handoverLossDrop} relative
 * to its start; the controller asking for fewer nominal steps than a step costs. The escape (‖θ‖ +1%, the loss
 * falling) then happens under the configured SGD.
 */
public final class FastForward implements AutoCloseable {
    /** Safety factor and bounds of the step-size update (standard choices for an adaptive integrator). */
    static final double SAFETY = 0.9, MAX_GROWTH = 2, MIN_SHRINK = 0.2;
    /**
     * Default relative fall of the sample loss that hands over: the loss at the origin is C(0) + Tr[GᵀY] to first
     * order, so a 0.1% fall means the outputs have grown to where the escape is under way (the escape is counted at
     * ‖θ‖ +1%, when the loss has fallen ≈ 1%).
     */
    public static final double HANDOVER_LOSS_DROP = 1e-3;
    /** Samples per forward/backward chunk of the sample gradient (a product shape OpenBLAS runs near its peak). */
    static final int CHUNK = 1024;

    /**
     * {@code tolerance}: relative error per step (see the class comment). {@code sample}: M, samples per
     * gradient (0 = all). {@code handoverGrowth}, {@code handoverLossDrop}: relative thresholds (see the class).
     */
    public record Settings(double tolerance, int sample, double handoverGrowth, double handoverLossDrop) {
        public Settings {
            if (!(tolerance > 0 && tolerance <= 0.5)) throw new IllegalArgumentException("fast-forward tolerance must be in (0, 0.5], got " + tolerance);
            if (sample < 0) throw new IllegalArgumentException("fast-forward sample must be ≥ 0 (0 = all), got " + sample);
            if (!(handoverGrowth > 0)) throw new IllegalArgumentException("hand-over growth must be > 0, got " + handoverGrowth);
            if (!(handoverLossDrop > 0 && handoverLossDrop <= 1)) throw new IllegalArgumentException("hand-over loss drop must be in (0, 1], got " + handoverLossDrop);
        }
    }

    /** Why the fast-forward handed over (null while it runs). */
    public enum HandOver { GROWTH, LOSS_DROP, STEP_TOO_SMALL, BUDGET }

    /**
     * The controller's state between steps, checkpointed with the run: whether it still runs, the span H the next
     * step tries, steps accepted and rejected, the sums of accepted steps' error estimates in angle (radians) and
     * log-norm (nepers: a first-order bound on the stretch's global error when errors do not grow), the largest
     * relative error a step was held to, ‖θ‖ and the
     * sample loss at its start, the nominal step where it started and where it handed over (−1 while it runs), q at
     * the hand-over, and why it handed over.
     */
    public record State(boolean active, double span, long accepted, long rejected, double angleErrorSum, double normErrorSum,
                        double errorMax, double startNorm, double startLoss, long startNominal, long endNominal, double endQ,
                        HandOver handOver) {
        public static State start(double span, long nominal) {
            return new State(true, span, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, nominal, -1, Double.NaN, null);
        }

        /** As doubles (exact: counts below 2⁵³), for a checkpoint's bits; {@link #fromArray} inverts it. */
        public double[] toArray() {
            return new double[] {active ? 1 : 0, span, accepted, rejected, angleErrorSum, normErrorSum, errorMax, startNorm, startLoss,
                    startNominal, endNominal, endQ, handOver == null ? -1 : handOver.ordinal()};
        }

        public static State fromArray(double[] a) {
            if (a == null || a.length != 13) throw new IllegalArgumentException("fast-forward state needs 13 values, got " + (a == null ? 0 : a.length));
            int h = (int) a[12];
            if (h < -1 || h >= HandOver.values().length) throw new IllegalArgumentException("fast-forward state: bad hand-over code " + h);
            return new State(a[0] != 0, a[1], (long) a[2], (long) a[3], a[4], a[5], a[6], a[7], a[8], (long) a[9], (long) a[10], a[11],
                    h < 0 ? null : HandOver.values()[h]);
        }

        public State handedOver(long nominal, double q, HandOver why) {
            return new State(false, span, accepted, rejected, angleErrorSum, normErrorSum, errorMax, startNorm, startLoss, startNominal,
                    nominal, q, why);
        }
    }

    /**
     * An accepted step: the nominal steps it stands for, the normalised time it advanced, its error estimates
     * (angle in radians, log-norm in nepers), the sample loss before it and ‖θ‖² after it (read from the weights),
     * the controller's state after it, the tries it rejected, per layer {2⟨W_ℓ, U_ℓ⟩, ‖U_ℓ‖²} of its update U, the
     * angle it turned θ/‖θ‖ by, the change of log‖θ‖ it made, and the relative error the controller held to the
     * tolerance.
     */
    public record Step(long span, double dq, double angleError, double normError, double loss, double normSquared, State state,
                       long rejected, double[] layerChange, double angle, double logNormChange, double error) { }

    private final Network net;
    private final Cost cost;
    private final LearningRate lr;
    private final Settings s;
    private final DataStream stream;
    private final double gradientScale; // 1 for a mean over the batch; B for a sum (--reduction sum)
    private final int samples;          // M
    private final int batch;            // B of the configured SGD
    private final Network probe;        // θ½ in the compute dtype
    private final Matrix x, t;          // the step's sample
    private final Matrix[] g0, gh;      // ĝ(θ0), ĝ(θ½)
    private final Network.Workspace ws, tailWs; // chunks of CHUNK samples, and the last, shorter one (or null)
    private final Matrix dy, tailDy;
    private final int depth;

    FastForward(Network net, Cost cost, LearningRate lr, Settings s, DataStream stream, org.saddlescope.data.Dataset train,
                int batch, double gradientScale) {
        this.net = net;
        this.cost = cost;
        this.lr = lr;
        this.s = s;
        this.stream = stream;
        this.batch = batch;
        this.gradientScale = gradientScale;
        this.depth = net.depth();
        int usable = (int) Math.min(train.size(), stream.stepsPerEpoch() * (long) batch);
        this.samples = s.sample() <= 0 || s.sample() >= usable ? usable : s.sample();
        this.probe = new Network(net.widths(), net.activation(), net.dtype());
        this.x = Matrix.zeros(net.dtype(), train.inputDim(), samples);
        this.t = Matrix.zeros(net.dtype(), train.outputDim(), samples);
        this.g0 = net.zerosLike();
        this.gh = net.zerosLike();
        int chunk = Math.min(CHUNK, samples), tail = samples % chunk;
        this.ws = net.workspace(chunk);
        this.dy = Matrix.zeros(net.dtype(), train.outputDim(), chunk);
        this.tailWs = tail == 0 ? null : net.workspace(tail);
        this.tailDy = tail == 0 ? null : Matrix.zeros(net.dtype(), train.outputDim(), tail);
    }

    /** M, the samples of each gradient. */
    public int samples() { return samples; }

    /** Nominal steps a fast-forward step must stand for to cost less than the minibatch steps it replaces. */
    public long minimumSpan() { return Math.max(2, 2L * samples / batch); }

    /**
     * One accepted step from nominal step {@code nominal} (normalised time {@code q}; at most {@code remaining}
     * nominal steps), retrying with smaller spans while the error exceeds the tolerance; null when the span it
     * would take is below {@link #minimumSpan} (the caller hands over). The weights change only by an accepted step.
     */
    Step advance(State st, long nominal, double q, long remaining, StepRecord record) {
        // The first step tries the smallest span that pays; the controller grows it from there.
        double span = Math.min(st.accepted() == 0 ? Math.max(st.span(), minimumSpan()) : st.span(), remaining);
        if (span < minimumSpan()) return null;
        double loss = start(nominal);
        long rejected = 0, tried = Long.MAX_VALUE;
        while (true) {
            long h = nextTry(span, remaining, tried);
            tried = h;
            if (h < minimumSpan()) return null;
            Trial tr = trial(h, q);
            // a relative first-order error grows like h; an error that is not a number (0/0) counts as too large
            double factor = Double.isNaN(tr.error) ? MIN_SHRINK : tr.error > 0 ? SAFETY * s.tolerance() / tr.error : MAX_GROWTH;
            if (tr.error <= s.tolerance()) {
                double next = h * Math.min(MAX_GROWTH, Math.max(MIN_SHRINK, factor));
                return accept(st, tr, loss, next, rejected, record);
            }
            rejected++;
            span = h * Math.max(MIN_SHRINK, factor);
        }
    }

    /**
     * The span to try: {@code span} rounded, within the budget, and shorter than the span last tried ({@code tried}):
     * rounding a span shrunk by less than one step (0.9·3 = 2.7 → 3) would otherwise retry it for ever.
     */
    static long nextTry(double span, long remaining, long tried) {
        return Math.min(Math.min(remaining, Math.round(span)), tried - 1);
    }

    /** Exactly one step of span {@code h} from nominal step {@code nominal}, whatever its error (tests). */
    Step take(State st, long nominal, double q, long h, StepRecord record) {
        double loss = start(nominal);
        return accept(st, trial(h, q), loss, h, 0, record);
    }

    private double n0sq, a0unit;

    /** Reads the step's sample and ĝ(θ0); returns the sample loss at θ0. */
    private double start(long nominal) {
        stream.gather(nominal, x, t);
        n0sq = net.normSquared();
        a0unit = lr.at(n0sq) * gradientScale;
        return gradient(net, g0);
    }

    /** A tried span: ĝ(θ½) in gh, the kept step's factor ah, the error estimates and the relative error. */
    private record Trial(long h, double ah, double dq, double[] err, double error) { }

    private Trial trial(long h, double q) {
        double a0 = h * a0unit;
        probeAt(-a0 / 2);
        double nhsq = probe.normSquared();
        gradient(probe, gh);
        double ah = h * lr.at(nhsq) * gradientScale;
        double[] err = errors(n0sq, a0, ah);
        // Relative errors: of the angle the step turns θ/‖θ‖ by, and of the change of log‖θ‖ it makes, the latter
        // with a floor of g·dq/q (g the hand-over growth) so that a step where the norm turns round can pass: summed
        // over the plateau's log-time (ln(q_end/q_start) ≈ 10) the floor admits ≈ 10·tol·g of log-norm error.
        double dq = ah * Math.pow(nhsq, (depth - 2) / 2.0);
        double floor = s.handoverGrowth() * dq / (q + dq);
        double e = Math.max(relative(err[0], err[2]), relative(err[1], Math.max(err[3], floor)));
        return new Trial(h, ah, dq, err, e);
    }

    /** a/b, 0 when a = 0 (a step that moves nothing has nothing wrong). */
    private static double relative(double a, double b) {
        return a == 0 ? 0 : a / b;
    }

    private Step accept(State st, Trial tr, double loss, double next, long rejected, StepRecord record) {
        double[] change = apply(-tr.ah, record);
        State after = new State(true, next, st.accepted() + 1, st.rejected() + rejected, st.angleErrorSum() + tr.err[0],
                st.normErrorSum() + tr.err[1], Math.max(st.errorMax(), tr.error), Double.isNaN(st.startNorm()) ? Math.sqrt(n0sq) : st.startNorm(),
                Double.isNaN(st.startLoss()) ? loss : st.startLoss(), st.startNominal(), -1, Double.NaN, null);
        return new Step(tr.h, tr.dq, tr.err[0], tr.err[1], loss, net.normSquared(), after, rejected, change, tr.err[2], tr.err[3], tr.error);
    }

    /**
     * Per layer, the change of ‖W_ℓ‖² a step made in exact arithmetic (2⟨W_ℓ, U_ℓ⟩ + ‖U_ℓ‖², row 0) and its
     * first-order part 2⟨W_ℓ, U_ℓ⟩ (row 1): what the precision monitor checks the stored weights against.
     */
    static double[][] normChange(Step step, int depth) {
        double[][] out = new double[2][depth];
        for (int l = 0; l < depth; l++) {
            out[0][l] = step.layerChange()[2 * l] + step.layerChange()[2 * l + 1];
            out[1][l] = step.layerChange()[2 * l];
        }
        return out;
    }

    /** The hand-over reason after an accepted step, or null to go on. */
    HandOver handOver(State st, Step step) {
        if (Math.sqrt(step.normSquared()) >= st.startNorm() * (1 + s.handoverGrowth())) return HandOver.GROWTH;
        if (step.loss() <= st.startLoss() * (1 - s.handoverLossDrop())) return HandOver.LOSS_DROP;
        return null;
    }

    /** probe := θ0 + a·ĝ(θ0) in the compute dtype (the high part of mixed weights: what its passes use). */
    private void probeAt(double a) {
        for (int l = 1; l <= depth; l++) {
            Matrix w = probe.weight(l);
            w.copyFrom(net.weight(l));
            Blas.axpy(a, g0[l - 1], w);
        }
    }

    /**
     * θ += a·ĝ(θ½) through the network's own update pass (compensated under mixed precision, lost updates counted
     * into {@code record}); returns per layer {2⟨W_ℓ, U_ℓ⟩, ‖U_ℓ‖²} with U = a·ĝ(θ½), read before the update.
     */
    private double[] apply(double a, StepRecord record) {
        double[] change = new double[2 * depth];
        for (int l = 1; l <= depth; l++) {
            Matrix u = gh[l - 1];
            u.scale(a);
            change[2 * (l - 1)] = 2 * net.layerDot(l, u);
            change[2 * (l - 1) + 1] = u.frobeniusNorm2();
            net.addToWeight(l, u, ws, record.counter(l));
        }
        return change;
    }

    /**
     * {angle, |Δlog-norm|} between θ_B = θ0 − a0·g0 and θ_H = θ0 − (a0/2)·g0 − (ah/2)·gh, from δ = θ_H − θ_B =
     * (a0·g0 − ah·gh)/2 formed in {@code probe} (free again: gh is taken), then the angle the kept step θ0 − ah·gh
     * turns θ by and its change of log‖θ‖. Inner products in float64 (BLAS dsdot for float32).
     */
    private double[] errors(double n0sq, double a0, double ah) {
        double dd = 0, thetaD = 0, gD = 0, thetaG = 0, gg = 0, thetaGh = 0, ghgh = 0;
        for (int l = 1; l <= depth; l++) {
            Matrix d = probe.weight(l);
            d.copyFrom(g0[l - 1]);
            d.scale(a0 / 2);
            Blas.axpy(-ah / 2, gh[l - 1], d);
            dd += d.frobeniusNorm2();
            thetaD += net.layerDot(l, d);
            gD += Blas.dot(g0[l - 1], d);
            thetaG += net.layerDot(l, g0[l - 1]);
            gg += g0[l - 1].frobeniusNorm2();
            thetaGh += net.layerDot(l, gh[l - 1]);
            ghgh += gh[l - 1].frobeniusNorm2();
        }
        double bsq = n0sq - 2 * a0 * thetaG + a0 * a0 * gg; // ‖θ_B‖²
        double b = Math.sqrt(bsq);
        double radial = (thetaD - a0 * gD) / b;              // ⟨θ_B/‖θ_B‖, δ⟩
        double tangential = Math.sqrt(Math.max(0, dd - radial * radial));
        double n0 = Math.sqrt(n0sq);
        double along = thetaGh / n0;                         // ⟨θ0/‖θ0‖, gh⟩
        double across = Math.sqrt(Math.max(0, ghgh - along * along));
        double angle = Math.atan2(ah * across, n0 - ah * along);
        double logNorm = 0.5 * Math.log1p((-2 * ah * thetaGh + ah * ah * ghgh) / n0sq);
        return new double[] {tangential / b, Math.abs(radial) / b, angle, Math.abs(logNorm)};
    }

    /** Mean cost over the sample at {@code w}'s compute weights, its gradient (times the reduction's scale) into g. */
    private double gradient(Network w, Matrix[] g) {
        for (Matrix m : g) m.fill(0);
        int chunk = ws.batch();
        double lossSum = 0;
        for (int from = 0; from < samples; from += chunk) {
            int m = Math.min(chunk, samples - from);
            Network.Workspace cws = m == chunk ? ws : tailWs;
            Matrix dyc = m == chunk ? dy : tailDy;
            try (Matrix xc = x.columns(from, m); Matrix tc = t.columns(from, m)) {
                Matrix y = w.forward(xc, cws);
                lossSum += cost.gradient(y, tc, dyc) * m;
                double weight = (double) m / samples;
                w.backpropagate(cws, dyc, (l, delta, input) -> Blas.gemm(false, true, weight, delta, input, 1.0, g[l - 1]));
            }
        }
        return lossSum / samples;
    }

    /** Whether (from, to] contains a point of a log-spaced grid with {@code perDecade} points a decade. */
    static boolean crossesLogPoint(long from, long to, int perDecade) {
        if (from < 1) return to >= 1;
        return Math.floor(perDecade * Math.log10(to) + 1e-9) > Math.floor(perDecade * Math.log10(from) + 1e-9);
    }

    @Override
    public void close() {
        for (Matrix m : new Matrix[] {x, t, dy, tailDy}) if (m != null) m.close();
        for (Matrix[] gs : new Matrix[][] {g0, gh}) for (Matrix m : gs) m.close();
    }

    /** A one-line account of a stretch, for the console, the report and the manifest. */
    public static String describe(State st, double qStart, double qEnd, long stepsPerEpoch) {
        return String.format(Locale.ROOT, "fast-forwarded nominal steps %d-%d (epochs %.2f-%.2f, q %.4g-%.4g) in %d steps (%d rejected); "
                        + "largest relative error %.2e, error estimates summed %.2e rad, %.2e in log-norm; handed over: %s",
                st.startNominal(), st.endNominal(), (double) st.startNominal() / stepsPerEpoch, (double) st.endNominal() / stepsPerEpoch,
                qStart, qEnd, st.accepted(), st.rejected(), st.errorMax(), st.angleErrorSum(), st.normErrorSum(),
                st.handOver() == null ? "not yet" : st.handOver().name().toLowerCase(Locale.ROOT));
    }
}
