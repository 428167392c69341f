package org.saddlescope.train.flow;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.exception.NumberIsTooSmallException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;

/**
 * Gradient flow from a given θ0, written in the coordinates of section 2.1: θ = R·φ with ‖φ‖ = 1, u = log R, in
 * normalised time q (dq = ‖θ‖^(L−2) dt). For a positively 1-homogeneous σ, ∇_θC(Y_θ) = R^(L−1)·J_φᵀ∇C(R^L·Y_φ)
 * (J_φᵀ = backpropagation through the network at φ) and dθ/dq = −R^(2−L)∇L(θ), so
 * <pre>  dφ/dq = −(I − φφᵀ)·J_φᵀ∇C(e^(Lu)Y_φ),   du/dq = −⟨φ, J_φᵀ∇C(e^(Lu)Y_φ)⟩ = −L·⟨Y_φ, ∇C(e^(Lu)Y_φ)⟩.</pre>
 * This is the true gradient flow of C (not an approximation). Near the origin ∇C(e^(Lu)Y_φ) ≈ G = ∇C(0): then φ
 * follows the projected gradient flow of L0 on the unit sphere whatever R, and du/dq = L·s_unit(φ) with
 * s_unit(φ) = −L0(φ) the unit-sphere speed (Proposition A.1; √L-sphere s = L^(L/2)·s_unit). From a random θ0,
 * s_unit(φ0) is tiny and the plateau is the time φ takes to align; R only sets when the outputs become O(1).
 *
 * <p>Gradient descent under lr = c/‖θ‖^p advances q by c·‖θ‖^(L−2−p) per step (exactly so in the limit of small
 * steps), so the flow also carries the step count n with dn/dq = e^(−(L−2−p)u)/c: for the paper's p = L − 2,
 * n = q/c. Minibatch SGD has the same expected step.
 *
 * <p>Integrated by commons-math's adaptive Dormand–Prince 5(4) on the state (φ, u, n), with the error measured as
 * the Euclidean error of φ, the absolute error of u and the relative error of n (tolerance vectors scaled by
 * 1/√(P+2), since commons-math takes a root mean square over components). φ is renormalised inside every evaluation, so drift of ‖φ‖ does not
 * feed back. Forward and backward passes run in the given dtype (float32 for large networks: the state, and so
 * the small updates, stay in float64). Where the error control asks for a step below 1e-10 of the current decade
 * of q (a ReLU kink on a tiny problem), one classical RK4 step of that length is taken.
 */
public final class NormalisedFlow {
    /**
     * @param maxQ        end of integration in q
     * @param tolerance   local error tolerance (Euclidean in φ, absolute in u)
     * @param lossDrops   fractions f: events where C first falls to (1 − f)·C(θ0)
     * @param outputRms   levels r: events where ‖Y_θ‖_F/√N first reaches r
     * @param lrConstant  c of lr = c/‖θ‖^p (for the step count)
     * @param lrPower     p of lr = c/‖θ‖^p
     * @param stopAtLast  stop once every event has fired
     */
    public record Options(double maxQ, double tolerance, double[] lossDrops, double[] outputRms, double lrConstant,
                          double lrPower, int maxEvaluations, boolean stopAtLast, double eulerAngle, double[] taylorRatios,
                          Cost taylorCost) {
        public static Options of(double maxQ, double lrConstant, double lrPower) {
            return new Options(maxQ, 1e-5, new double[] {0.01, 0.1, 0.5}, new double[] {0.01, 0.1, 1.0}, lrConstant, lrPower,
                    200_000, true, 0, new double[0], null);
        }
        public Options withTolerance(double t) { return new Options(maxQ, t, lossDrops, outputRms, lrConstant, lrPower, maxEvaluations, stopAtLast, eulerAngle, taylorRatios, taylorCost); }
        public Options withEvents(double[] drops, double[] rms) { return new Options(maxQ, tolerance, drops.clone(), rms.clone(), lrConstant, lrPower, maxEvaluations, stopAtLast, eulerAngle, taylorRatios, taylorCost); }
        public Options withMaxEvaluations(int n) { return new Options(maxQ, tolerance, lossDrops, outputRms, lrConstant, lrPower, n, stopAtLast, eulerAngle, taylorRatios, taylorCost); }
        /**
         * Events "taylor_ratio" at levels κ: where the second-order term of {@code cost}'s Taylor expansion at zero output,
         * ½⟨Y, ∇²C(0)[Y]⟩, first reaches κ times the first-order term |Tr[GᵀY]|: where a localized (first-order) model of
         * that cost stops holding. Y = R^L·Y_φ, so the ratio grows like R^L.
         */
        public Options withTaylor(double[] ratios, Cost cost) { return new Options(maxQ, tolerance, lossDrops, outputRms, lrConstant, lrPower, maxEvaluations, stopAtLast, eulerAngle, ratios.clone(), cost); }
        /**
         * Explicit Euler steps that turn φ by at most this angle (and change log‖θ‖ by at most as much) instead of
         * Dormand–Prince: a gradient descent in q with small adaptive steps, which passes ReLU kinks the way training
         * does. For few samples, where a kink is a jump of the vector field and the adaptive method stalls in the
         * sliding modes it makes; first order, so the error is of the order of the angle.
         */
        public Options withEuler(double angle) { return new Options(maxQ, tolerance, lossDrops, outputRms, lrConstant, lrPower, maxEvaluations, stopAtLast, angle, taylorRatios, taylorCost); }
    }

    /** One accepted step: q, GD steps n, ‖θ‖, unit-sphere speed −L0(φ) = −⟨G, Y_φ⟩, loss, ‖Y_θ‖_F/√N. */
    public record Point(double q, double steps, double norm, double speedUnit, double loss, double outputRms) { }

    /** kind: "loss_drop" (level f), "output_rms" (level r) or "taylor_ratio" (level κ). */
    public record Event(String kind, double level, double q, double steps, double norm) { }

    public enum Stop { EVENTS, END_OF_TIME, MAX_EVALUATIONS, NON_FINITE }

    public record Result(List<Point> trajectory, List<Event> events, Stop stop, double endQ, int evaluations,
                         int forcedSteps, double initialLoss, Network finalDirection) {
        /** The event of that kind and level, or null if it was not reached. */
        public Event event(String kind, double level) {
            for (Event e : events) if (e.kind().equals(kind) && e.level() == level) return e;
            return null;
        }
    }

    private final Network net;      // evaluation network (dtype of the passes), holds φ̂
    private final Network start;    // θ0, float64
    private final Matrix x, targets;
    private final Cost cost;
    private final Matrix g;         // G = ∇C(0)
    private final Network.Workspace ws;
    private final Matrix scaled, dY;
    private final Matrix[] grads;
    private final int P, L, N;
    private int evaluations;

    /** θ0 is copied; x and targets are converted to {@code dtype}, the dtype of the forward and backward passes. */
    public NormalisedFlow(Network theta0, Matrix x, Matrix targets, Cost cost, DType dtype) {
        if (!theta0.activation().positivelyHomogeneous()) {
            throw new IllegalArgumentException("the normalised flow needs a positively homogeneous activation, got " + theta0.activation());
        }
        this.start = theta0.to(DType.F64);
        this.net = theta0.to(dtype);
        this.x = x.to(dtype);
        this.targets = targets.to(dtype);
        this.cost = cost;
        this.g = cost.gradientAtZero(this.targets);
        this.ws = net.workspace(x.cols());
        this.L = net.depth();
        this.N = x.cols();
        this.scaled = Matrix.zeros(dtype, net.width(L), N);
        this.dY = Matrix.zeros(dtype, net.width(L), N);
        this.grads = net.zerosLike();
        this.P = (int) net.parameterCount();
    }

    public int evaluations() { return evaluations; }

    /** Loads φ/‖φ‖ (the first P entries of y) into the evaluation network; returns ‖φ‖. */
    private double load(double[] y) {
        double n2 = 0;
        for (int k = 0; k < P; k++) n2 += y[k] * y[k];
        double n = Math.sqrt(n2), inv = 1 / n;
        int off = 0;
        for (int l = 1; l <= L; l++) {
            Matrix w = net.weight(l);
            int size = w.size();
            if (w.dtype() == DType.F64) {
                DoubleBuffer b = w.doubleBuffer();
                for (int k = 0; k < size; k++) b.put(k, y[off + k] * inv);
            } else {
                java.nio.FloatBuffer b = w.floatBuffer();
                for (int k = 0; k < size; k++) b.put(k, (float) (y[off + k] * inv));
            }
            off += size;
        }
        return n;
    }

    /** Forward at φ̂ and R = e^u: writes e^(Lu)·Y_φ into {@code scaled}, returns Y_φ (the workspace's). */
    private Matrix forward(double[] y) {
        load(y);
        Matrix out = net.forward(x, ws);
        scaled.copyFrom(out);
        scaled.scale(Math.exp(L * y[P]));
        return out;
    }

    /**
     * Loss, ‖Y_θ‖_F/√N, L0(φ) and the second-order Taylor term ½⟨Y_φ, ∇²C(0)[Y_φ]⟩ of a forward pass, keyed by the state
     * it was taken at. Two slots: the last derivative evaluation (the FSAL stage at a step's end, which the step handler
     * asks about again through the interpolator, equal to 1e-12) and the last other pass (the event finder's), so that
     * neither evicts the other and an accepted step costs no extra forward pass.
     */
    private final Values stage = new Values(), other = new Values();

    private final class Values {
        double[] state;
        double loss, rms, l0, quadratic;

        void remember(double[] y, double lossValue, Matrix out) {
            if (state == null) state = new double[P + 2];
            System.arraycopy(y, 0, state, 0, P + 2);
            loss = lossValue;
            rms = scaled.frobeniusNorm() / Math.sqrt(N);
            l0 = g.dot(out);
            quadratic = taylorCost == null ? Double.NaN : quadratic(out);
        }
    }

    private Cost taylorCost;
    private Matrix zeroY, hY;

    /** ½⟨Y_φ, ∇²C(0)[Y_φ]⟩ for the Taylor cost. */
    private double quadratic(Matrix out) {
        if (zeroY == null) {
            zeroY = Matrix.zeros(out.dtype(), out.rows(), out.cols());
            hY = Matrix.zeros(out.dtype(), out.rows(), out.cols());
        }
        taylorCost.hessianVector(zeroY, targets, out, hY);
        return 0.5 * out.dot(hY);
    }

    private Values evaluate(double[] y) {
        if (FlowSupport.same(stage.state, y, P + 1)) return stage;
        if (FlowSupport.same(other.state, y, P + 1)) return other;
        Matrix out = forward(y);
        other.remember(y, cost.value(scaled, targets), out);
        return other;
    }

    /** The Taylor ratio e^(Lu)·½⟨Y_φ, ∇²C(0)Y_φ⟩ / |L0(φ)| at a state. */
    private double taylorRatio(double[] y) {
        Values v = evaluate(y);
        return Math.exp(L * y[P]) * v.quadratic / Math.max(Math.abs(v.l0), Double.MIN_NORMAL);
    }

    /** Loss C(θ) at a state. */
    private double loss(double[] y) {
        return evaluate(y).loss;
    }

    private double outputRms(double[] y) {
        return evaluate(y).rms;
    }

    private final class Equations implements FirstOrderDifferentialEquations {
        final double c, p;
        Equations(double c, double p) { this.c = c; this.p = p; }
        @Override public int getDimension() { return P + 2; }
        @Override
        public void computeDerivatives(double q, double[] y, double[] yDot) {
            Matrix out = forward(y);
            stage.remember(y, cost.gradient(scaled, targets, dY), out);
            net.backward(ws, dY, grads);
            double inv = 1 / Math.sqrt(norm2(y));
            int off = 0;
            double radial = 0;
            for (Matrix gr : grads) {
                int size = gr.size();
                for (int k = 0; k < size; k++) {
                    double v = gr.getFlat(k);
                    yDot[off + k] = v;
                    radial += v * y[off + k] * inv;
                }
                off += size;
            }
            for (int k = 0; k < P; k++) yDot[k] = -(yDot[k] - radial * y[k] * inv);
            yDot[P] = -radial;
            yDot[P + 1] = Math.exp(-(L - 2 - p) * y[P]) / c;
            evaluations++;
            for (int k = 0; k < P + 2; k++) {
                if (!Double.isFinite(yDot[k])) throw new NonFinite(q);
            }
        }
    }

    private double norm2(double[] y) {
        double s = 0;
        for (int k = 0; k < P; k++) s += y[k] * y[k];
        return s;
    }

    private static final class NonFinite extends RuntimeException {
        NonFinite(double q) { super("non-finite derivative at q = " + q, null, false, false); }
    }

    /** A point of the trajectory at a state (the cached pass of its stage, else one forward pass). */
    private Point point(double q, double[] y) {
        Values v = evaluate(y);
        return new Point(q, y[P + 1], Math.exp(y[P]), -v.l0, v.loss, v.rms);
    }

    public Result run(Options o, ProgressListener progress) {
        if (!(o.maxQ() > 0) || !(o.tolerance() > 0) || !(o.lrConstant() > 0)) {
            throw new IllegalArgumentException("maxQ, tolerance and the lr constant must be positive");
        }
        evaluations = 0;
        double r0 = start.norm();
        if (!(r0 > 0)) throw new IllegalArgumentException("θ0 = 0 has no direction");
        taylorCost = o.taylorCost();
        double[] y0 = new double[P + 2];
        double[] theta = org.saddlescope.net.Parameters.pack(start);
        for (int k = 0; k < P; k++) y0[k] = theta[k] / r0;
        y0[P] = Math.log(r0);
        final double initialLoss = loss(y0);
        List<Event> events = new ArrayList<>();
        List<Crossing> crossings = crossings(o, y0, initialLoss, events);
        List<Point> trajectory = new ArrayList<>();
        trajectory.add(point(0, y0));
        Equations eq = new Equations(o.lrConstant(), o.lrPower());
        if (o.eulerAngle() > 0) return euler(o, eq, y0, initialLoss, crossings, events, trajectory, progress);
        Adaptive a = new Adaptive(o, eq, crossings, trajectory, progress);
        double[] y = a.integrate(y0);
        return new Result(trajectory, sorted(events), a.stop, a.from, evaluations, a.forced, initialLoss, direction(y));
    }

    /** The events of the options, those already past at θ0 fired at q = 0. */
    private List<Crossing> crossings(Options o, double[] y0, double initialLoss, List<Event> events) {
        List<Crossing> crossings = new ArrayList<>();
        for (double f : o.lossDrops()) {
            double level = (1 - f) * initialLoss;
            crossings.add(new Crossing("loss_drop", f, y -> level - loss(y), events, crossings, o.stopAtLast()));
        }
        for (double r : o.outputRms()) crossings.add(new Crossing("output_rms", r, y -> outputRms(y) - r, events, crossings, o.stopAtLast()));
        if (taylorCost != null) {
            for (double k : o.taylorRatios()) crossings.add(new Crossing("taylor_ratio", k, y -> taylorRatio(y) - k, events, crossings, o.stopAtLast()));
        }
        for (Crossing c : crossings) if (c.value.value(y0) >= 0) c.eventOccurred(0, y0, true);
        return crossings;
    }

    private static List<Event> sorted(List<Event> events) {
        events.sort((a, b) -> Double.compare(a.q(), b.q()));
        return events;
    }

    /** θ/‖θ‖ of a state, as a network. */
    private Network direction(double[] y) {
        Network dir = start.copy();
        double n = Math.sqrt(norm2(y));
        double[] theta = new double[P];
        for (int k = 0; k < P; k++) theta[k] = y[k] / n;
        org.saddlescope.net.Parameters.unpack(theta, dir);
        return dir;
    }

    /**
     * Dormand–Prince 5(4) decade by decade of q. commons-math accepts a step when sqrt(Σ_i (e_i/(abs_i + rel_i|y_i|))²
     * / dim) ≤ 1: tolerances of tol/√dim bound the Euclidean error of φ, the absolute error of u and the relative error
     * of n by about tol each. The first segment ends at 1e-3 of the time φ takes to turn by a radian at its initial rate
     * (that rate ranges over many decades: 1e-9 at a random start of the appendix-B net); where the error control asks
     * for a step below 1e-10 of the segment (a kink), one RK4 step of that length is taken.
     */
    private final class Adaptive implements StepHandler {
        final Options o;
        final Equations eq;
        final List<Crossing> crossings;
        final List<Point> trajectory;
        final ProgressListener progress;
        final double[] abs, rel, lastY;
        double lastQ, lastStep, from;
        Stop stop = Stop.END_OF_TIME;
        int forced;

        Adaptive(Options o, Equations eq, List<Crossing> crossings, List<Point> trajectory, ProgressListener progress) {
            this.o = o;
            this.eq = eq;
            this.crossings = crossings;
            this.trajectory = trajectory;
            this.progress = progress;
            int dim = P + 2;
            abs = new double[dim];
            rel = new double[dim];
            java.util.Arrays.fill(abs, o.tolerance() / Math.sqrt(dim));
            abs[P + 1] = 1e-12 * abs[P];
            rel[P + 1] = o.tolerance() / Math.sqrt(dim);
            lastY = new double[dim];
        }

        @Override public void init(double t0, double[] y, double t) { }

        @Override
        public void handleStep(StepInterpolator interp, boolean isLast) {
            double q = interp.getCurrentTime();
            lastStep = q - interp.getPreviousTime();
            interp.setInterpolatedTime(q);
            System.arraycopy(interp.getInterpolatedState(), 0, lastY, 0, P + 2);
            lastQ = q;
            report(q, lastY);
        }

        void report(double q, double[] y) {
            Point pt = point(q, y);
            trajectory.add(pt);
            progress.progress(Math.round(1000 * Math.min(1, Math.log1p(q) / Math.log1p(o.maxQ()))), 1000,
                    String.format(java.util.Locale.ROOT, "q %.4g s_unit %.3g loss %.6g", q, pt.speedUnit(), pt.loss()));
        }

        boolean allFired() {
            return o.stopAtLast() && !crossings.isEmpty() && crossings.stream().allMatch(c -> c.fired);
        }

        double[] integrate(double[] y0) {
            double[] y = y0.clone();
            System.arraycopy(y0, 0, lastY, 0, P + 2);
            double[] d0 = new double[P + 2];
            eq.computeDerivatives(0, y0, d0);
            double firstEnd = Math.min(o.maxQ(), 1e-3 / Math.max(Math.sqrt(FlowSupport.norm2(d0, P)), 1e-300));
            while (stop == Stop.END_OF_TIME && from < o.maxQ()) {
                double segmentEnd = from == 0 ? firstEnd : FlowSupport.segmentEnd(from, o.maxQ());
                double minStep = 1e-10 * segmentEnd;
                DormandPrince54Integrator in = new DormandPrince54Integrator(minStep, o.maxQ(), abs, rel);
                // commons-math's own first guess starts every segment near minStep and grows 10× a step
                in.setInitialStepSize(from == 0 ? 0.1 * firstEnd : Math.max(minStep, Math.min(lastStep, segmentEnd - from)));
                in.setMaxEvaluations(Math.max(1, o.maxEvaluations() - evaluations));
                for (Crossing c : crossings) if (!c.fired) in.addEventHandler(c, Double.MAX_VALUE, Math.max(1e-300, 1e-9 * segmentEnd), 100);
                in.addStepHandler(this);
                try {
                    from = in.integrate(eq, from, y.clone(), segmentEnd, y);
                    if (allFired()) stop = Stop.EVENTS;
                } catch (NumberIsTooSmallException e) {
                    y = forcedStep(minStep);
                } catch (MaxCountExceededException e) {
                    stop = Stop.MAX_EVALUATIONS;
                    y = lastY.clone();
                    from = lastQ;
                } catch (NonFinite e) {
                    stop = Stop.NON_FINITE;
                    y = lastY.clone();
                    from = lastQ;
                }
            }
            return y;
        }

        /** A kink: one RK4 step of minStep from the last accepted state, then carry on. */
        double[] forcedStep(double minStep) {
            double q1 = Math.min(lastQ + minStep, o.maxQ());
            double[] next = FlowSupport.RK4.singleStep(eq, lastQ, lastY.clone(), q1);
            forced++;
            for (Crossing c : crossings) if (!c.fired && c.g(q1, next) >= 0) c.eventOccurred(q1, next, true);
            System.arraycopy(next, 0, lastY, 0, P + 2);
            lastQ = q1;
            from = q1;
            report(q1, next);
            if (allFired()) stop = Stop.EVENTS;
            return next.clone();
        }
    }

    /** {@link Options#withEuler}: Euler steps, events located by linear interpolation of their functions. */
    private Result euler(Options o, Equations eq, double[] y0, double initialLoss, List<Crossing> crossings, List<Event> events,
                         List<Point> trajectory, ProgressListener progress) {
        int dim = P + 2;
        double[] y = y0.clone(), d = new double[dim], next = new double[dim];
        double q = 0;
        Stop stop = Stop.END_OF_TIME;
        double[] before = new double[crossings.size()];
        for (int i = 0; i < before.length; i++) before[i] = crossings.get(i).fired ? 1 : crossings.get(i).value.value(y);
        long count = 0;
        while (q < o.maxQ()) {
            if (evaluations >= o.maxEvaluations()) { stop = Stop.MAX_EVALUATIONS; break; }
            try {
                eq.computeDerivatives(q, y, d);
            } catch (NonFinite e) {
                stop = Stop.NON_FINITE;
                break;
            }
            double turn = 0;
            for (int k = 0; k < P; k++) turn += d[k] * d[k];
            turn = Math.sqrt(turn) / Math.sqrt(norm2(y));
            double rate = Math.max(turn, Math.abs(d[P]));
            double h = Math.min(o.maxQ() - q, rate > 0 ? o.eulerAngle() / rate : o.maxQ());
            for (int k = 0; k < dim; k++) next[k] = y[k] + h * d[k];
            double n = Math.sqrt(norm2(next));
            for (int k = 0; k < P; k++) next[k] /= n;
            double qn = q + h;
            boolean all = !crossings.isEmpty();
            for (int i = 0; i < crossings.size(); i++) {
                Crossing c = crossings.get(i);
                if (c.fired) continue;
                double after = c.value.value(next);
                if (before[i] < 0 && after >= 0) {
                    double t = before[i] / (before[i] - after); // linear interpolation of the crossing in the step
                    double[] at = new double[dim];
                    for (int k = 0; k < dim; k++) at[k] = y[k] + t * (next[k] - y[k]);
                    c.fired = true;
                    events.add(new Event(c.kind, c.level, q + t * h, at[P + 1], Math.exp(at[P])));
                }
                before[i] = after;
                all &= c.fired;
            }
            System.arraycopy(next, 0, y, 0, dim);
            q = qn;
            if (++count % 50 == 0 || all) {
                Point pt = point(q, y);
                trajectory.add(pt);
                progress.progress(Math.round(1000 * Math.min(1, Math.log1p(q) / Math.log1p(o.maxQ()))), 1000,
                        String.format(java.util.Locale.ROOT, "q %.4g s_unit %.3g loss %.6g", q, pt.speedUnit(), pt.loss()));
            }
            if (o.stopAtLast() && all) { stop = Stop.EVENTS; break; }
        }
        return new Result(trajectory, sorted(events), stop, q, evaluations, 0, initialLoss, direction(y));
    }

    private interface Level { double value(double[] y); }

    /** First upward crossing of value(y) = 0 (value rises through zero at the event); records it once. */
    private final class Crossing implements EventHandler {
        final String kind;
        final double level;
        final Level value;
        final List<Event> sink;
        final List<Crossing> all;
        final boolean stopAtLast;
        boolean fired;
        Crossing(String kind, double level, Level value, List<Event> sink, List<Crossing> all, boolean stopAtLast) {
            this.kind = kind; this.level = level; this.value = value; this.sink = sink; this.all = all; this.stopAtLast = stopAtLast;
        }
        @Override public void init(double t0, double[] y0, double t) { }
        @Override public double g(double t, double[] y) { return fired ? 1 : value.value(y); }
        @Override
        public Action eventOccurred(double t, double[] y, boolean increasing) {
            if (fired || !increasing) return Action.CONTINUE;
            fired = true;
            sink.add(new Event(kind, level, t, y[P + 1], Math.exp(y[P])));
            return stopAtLast && all.stream().allMatch(c -> c.fired) ? Action.STOP : Action.CONTINUE;
        }
        @Override public void resetState(double t, double[] y) { }
    }
}
