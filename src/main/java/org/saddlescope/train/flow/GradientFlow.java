package org.saddlescope.train.flow;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.exception.NumberIsTooSmallException;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.loss.Cost;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.theory.Imbalance;

/**
 * Gradient flow θ' = −∇L(θ), L(θ) = C(Y_θ), integrated by the adaptive embedded Dormand–Prince 8(5,3)
 * Runge–Kutta method of commons-math3 (local error control with relative and absolute tolerances, dense output
 * of order 7 between steps). The state is a double[] packing every W_ℓ in column-major order, followed by one
 * extra component holding the other clock; gradients come from {@link Network#backward} in float64.
 *
 * <p>Clocks (paper section 2.1): real time t, or normalised time q with dq = ‖θ‖^(L−2) dt. In q the equation
 * is dθ/dq = −‖θ‖^(2−L) ∇L(θ) (the paper's time-dependent rate η_q = ‖θ‖^(2−L)), and the extra component is
 * t with dt/dq = ‖θ‖^(2−L); in t it is q with dq/dt = ‖θ‖^(L−2). Both clocks start at 0.
 *
 * <p>Probes are taken from the dense output at the requested clock values; stop events (located to the
 * integrator's accuracy by commons-math's event finder): outputs ‖Y_θ‖_F reaching a size r, the loss falling
 * by a fraction f of its initial value, ‖θ‖ reaching a blow-up norm, non-finite values.
 * One instance owns its network copy and buffers: use one per thread.
 */
public final class GradientFlow {
    public enum Clock { REAL, NORMALISED }

    /** Why an integration ended. */
    public enum Stop { END_OF_TIME, OUTPUT_ESCAPE, LOSS_ESCAPE, BLOW_UP, NON_FINITE, MAX_EVALUATIONS }

    /**
     * @param clock          the independent variable (probe times and maxTime are in it)
     * @param maxTime        end of integration in that clock
     * @param probeTimes     increasing clock values at which to probe (may be empty)
     * @param relTol         relative local error tolerance per component
     * @param absTol         absolute local error tolerance per component; NaN picks 1e-6·relTol·max|θ0 entry|
     * @param escapeOutput   r of the output escape time (‖Y_θ‖_F = r), NaN to skip
     * @param lossDrop       f of the loss escape time (L ≤ (1−f)·L(θ0)), NaN to skip
     * @param stopAtEscape   stop at the later of the requested escape events (else continue to maxTime)
     * @param blowUpNorm     stop when ‖θ‖ reaches this (infinity to skip)
     * @param maxEvaluations bound on gradient evaluations
     * @param minStep        0, or the shortest step the error control may ask for: below it a fixed RK4 step of
     *                       this length is forced (for non-smooth σ such as ReLU, whose kinks and sliding modes
     *                       would otherwise stall the adaptive method)
     */
    public record Options(Clock clock, double maxTime, double[] probeTimes, double relTol, double absTol,
                          double escapeOutput, double lossDrop, boolean stopAtEscape, double blowUpNorm,
                          int maxEvaluations, double minStep) {
        public static Options realTime(double maxTime) {
            return new Options(Clock.REAL, maxTime, new double[0], 1e-10, Double.NaN, Double.NaN, Double.NaN, false,
                    Double.POSITIVE_INFINITY, 5_000_000, 0.0);
        }
        public Options withClock(Clock c) { return new Options(c, maxTime, probeTimes, relTol, absTol, escapeOutput, lossDrop, stopAtEscape, blowUpNorm, maxEvaluations, minStep); }
        public Options withProbes(double[] p) { return new Options(clock, maxTime, p.clone(), relTol, absTol, escapeOutput, lossDrop, stopAtEscape, blowUpNorm, maxEvaluations, minStep); }
        public Options withTolerances(double rel, double abs) { return new Options(clock, maxTime, probeTimes, rel, abs, escapeOutput, lossDrop, stopAtEscape, blowUpNorm, maxEvaluations, minStep); }
        public Options withEscape(double r, double f, boolean stop) { return new Options(clock, maxTime, probeTimes, relTol, absTol, r, f, stop, blowUpNorm, maxEvaluations, minStep); }
        public Options withBlowUp(double norm) { return new Options(clock, maxTime, probeTimes, relTol, absTol, escapeOutput, lossDrop, stopAtEscape, norm, maxEvaluations, minStep); }
        public Options withMaxEvaluations(int n) { return new Options(clock, maxTime, probeTimes, relTol, absTol, escapeOutput, lossDrop, stopAtEscape, blowUpNorm, n, minStep); }
        public Options withMinStep(double h) { return new Options(clock, maxTime, probeTimes, relTol, absTol, escapeOutput, lossDrop, stopAtEscape, blowUpNorm, maxEvaluations, h); }
    }

    /** One probe: both clocks, loss, ‖θ‖, ‖Y_θ‖_F, D_ℓ and the identity's dD_ℓ/dt (ℓ = 1..L−1). */
    public record Probe(double t, double q, double loss, double norm, double outputNorm, double[] imbalance,
                        double[] imbalanceRate) { }

    /** An escape time in both clocks (NaN when not reached). */
    public record Time(double t, double q) {
        public static final Time NONE = new Time(Double.NaN, Double.NaN);
        public boolean reached() { return !Double.isNaN(t); }
    }

    /** forcedSteps: fixed RK4 steps of length minStep taken where the error control wanted less (kinks). */
    public record Result(List<Probe> probes, Time outputEscape, Time lossEscape, Time end, Stop stop,
                         double initialLoss, int evaluations, int forcedSteps, Network finalNetwork) { }

    private final Network net;
    private final Matrix x, targets;
    private final Cost cost;
    private final Network.Workspace ws;
    private final Matrix dY;
    private final Matrix[] grads;
    private final int P, L;
    private int evaluations;

    /** Copies {@code start} to float64; x and targets are converted to float64 too. */
    public GradientFlow(Network start, Matrix x, Matrix targets, Cost cost) {
        this.net = start.to(DType.F64);
        this.x = x.to(DType.F64);
        this.targets = targets == null ? null : targets.to(DType.F64);
        this.cost = cost;
        this.ws = net.workspace(x.cols());
        this.dY = Matrix.zeros(DType.F64, net.width(net.depth()), x.cols());
        this.grads = net.zerosLike();
        this.P = (int) net.parameterCount();
        this.L = net.depth();
    }

    public int parameterCount() { return P; }

    /** θ packed as the flow's state (without the clock component): {@link org.saddlescope.net.Parameters#pack}. */
    public static double[] pack(Network n) {
        return org.saddlescope.net.Parameters.pack(n);
    }

    /** Writes the first P entries of y into the network's weights. */
    public static void unpack(double[] y, Network n) {
        org.saddlescope.net.Parameters.unpack(y, n);
    }

    private static double norm2(double[] y, int p) {
        return FlowSupport.norm2(y, p);
    }

    /** Loss at the state y (forward pass only). */
    private double loss(double[] y) {
        unpack(y, net);
        Matrix out = net.forward(x, ws);
        return cost.value(out, targets);
    }

    private double outputNorm(double[] y) {
        unpack(y, net);
        return net.forward(x, ws).frobeniusNorm();
    }

    /** −∇L(θ) into yDot[0..P), returns the loss. */
    private double negativeGradient(double[] y, double[] yDot) {
        unpack(y, net);
        Matrix out = net.forward(x, ws);
        double value = cost.gradient(out, targets, dY);
        net.backward(ws, dY, grads);
        int off = 0;
        for (Matrix g : grads) {
            DoubleBuffer b = g.doubleBuffer();
            int size = g.size();
            b.get(0, yDot, off, size);
            off += size;
        }
        for (int k = 0; k < P; k++) yDot[k] = -yDot[k];
        evaluations++;
        return value;
    }

    private final class Equations implements FirstOrderDifferentialEquations {
        final Clock clock;
        Equations(Clock clock) { this.clock = clock; }
        @Override public int getDimension() { return P + 1; }
        @Override
        public void computeDerivatives(double time, double[] y, double[] yDot) {
            negativeGradient(y, yDot);
            double n2 = norm2(y, P);
            // ‖θ‖^(L−2) = (‖θ‖²)^((L−2)/2)
            double speedUp = Math.pow(n2, 0.5 * (L - 2));
            if (clock == Clock.REAL) {
                yDot[P] = speedUp;
            } else {
                double inv = 1.0 / speedUp;
                for (int k = 0; k < P; k++) yDot[k] *= inv;
                yDot[P] = inv;
            }
            boolean finite = true;
            for (int k = 0; k <= P && finite; k++) finite = Math.abs(yDot[k]) < 1e100; // false for NaN too
            if (finite) {
                badEvaluations = 0;
                return;
            }
            // A trial stage past a blow-up overflows (or nearly: squares in the error norm overflow to inf/inf = NaN,
            // which the integrator accepts). Return a huge finite slope so the error estimate rejects
            // the step; give up after many rejections in a row.
            if (++badEvaluations > 1200) throw new NonFinite(time);
            // The slope changes from one bad stage to the next: a constant slope is integrated exactly by every RK
            // scheme, so its error estimate would be zero and the step accepted.
            Arrays.fill(yDot, 1e50 * badEvaluations);
        }
        private int badEvaluations;
    }

    private static final class NonFinite extends RuntimeException {
        final double time;
        NonFinite(double time) { super("non-finite gradient at clock " + time, null, false, false); this.time = time; }
    }

    /** Probe at a state: loss, norms, D_ℓ and the identity's rate. */
    public Probe probe(double time, double[] y, Clock clock) {
        unpack(y, net);
        Matrix out = net.forward(x, ws);
        double value = cost.gradient(out, targets, dY);
        double[] rates = Imbalance.rates(net, ws, dY);
        double t = clock == Clock.REAL ? time : y[P];
        double q = clock == Clock.REAL ? y[P] : time;
        return new Probe(t, q, value, Math.sqrt(norm2(y, P)), out.frobeniusNorm(), Imbalance.values(net), rates);
    }

    /** Integrates from the start network. */
    public Result run(Options o) {
        return run(o, ProgressListener.NONE);
    }

    public Result run(Options o, ProgressListener progress) {
        evaluations = 0;
        forcedSteps = 0;
        double[] theta0 = pack(net);
        final double[] y0 = Arrays.copyOf(theta0, P + 1);
        double maxAbs = 0;
        for (int k = 0; k < P; k++) maxAbs = Math.max(maxAbs, Math.abs(theta0[k]));
        final double absTol = Double.isNaN(o.absTol()) ? Math.max(1e-300, 1e-6 * o.relTol() * maxAbs) : o.absTol();
        Run r = new Run(o, loss(y0), progress);
        double[] y = r.integrate(y0, absTol);
        Network last = net.copy();
        unpack(y, last);
        return new Result(r.probes, r.escapes[0], r.escapes[1], times(o.clock(), r.endTime, y), r.stop, r.initialLoss, evaluations,
                forcedSteps, last);
    }

    /** One integration: its events, probes and the state of the decade-by-decade loop. */
    private final class Run implements StepHandler {
        final Options o;
        final double initialLoss;
        final ProgressListener progress;
        final Time[] escapes = {Time.NONE, Time.NONE};
        final List<Event> events = new ArrayList<>();
        final List<Probe> probes = new ArrayList<>();
        final double[] lastState;
        double lastAccepted, endTime;
        int nextProbe;
        Stop stop = Stop.END_OF_TIME;

        Run(Options o, double initialLoss, ProgressListener progress) {
            this.o = o;
            this.initialLoss = initialLoss;
            this.progress = progress;
            this.lastState = new double[P + 1];
            addEvents();
        }

        /** Output escape, loss escape (stopping at the later of the two requested) and blow-up. */
        private void addEvents() {
            boolean wantOut = !Double.isNaN(o.escapeOutput()), wantLoss = !Double.isNaN(o.lossDrop());
            Clock clock = o.clock();
            if (wantOut) {
                events.add(new Event(y -> outputNorm(y) - o.escapeOutput(), (t, y) -> {
                    escapes[0] = times(clock, t, y);
                    if (o.stopAtEscape() && (!wantLoss || escapes[1].reached())) { stop = Stop.OUTPUT_ESCAPE; return true; }
                    return false;
                }));
            }
            if (wantLoss) {
                double level = (1 - o.lossDrop()) * initialLoss;
                events.add(new Event(y -> loss(y) - level, (t, y) -> {
                    escapes[1] = times(clock, t, y);
                    if (o.stopAtEscape() && (!wantOut || escapes[0].reached())) { stop = Stop.LOSS_ESCAPE; return true; }
                    return false;
                }));
            }
            if (Double.isFinite(o.blowUpNorm())) {
                double b2 = o.blowUpNorm() * o.blowUpNorm();
                events.add(new Event(y -> Math.log(norm2(y, P) / b2), (t, y) -> {
                    stop = Stop.BLOW_UP;
                    return true;
                }));
            }
        }

        @Override public void init(double t0, double[] y, double t) { }

        @Override
        public void handleStep(StepInterpolator interp, boolean isLast) {
            double cur = interp.getCurrentTime();
            double[] times = o.probeTimes();
            while (nextProbe < times.length && times[nextProbe] <= cur) {
                interp.setInterpolatedTime(times[nextProbe]);
                probes.add(probe(times[nextProbe], interp.getInterpolatedState().clone(), o.clock()));
                nextProbe++;
            }
            lastAccepted = cur;
            interp.setInterpolatedTime(cur);
            System.arraycopy(interp.getInterpolatedState(), 0, lastState, 0, P + 1);
            progress.progress(Math.round(1000 * Math.min(1, cur / o.maxTime())), 1000, null);
        }

        /**
         * Decade by decade of the clock: the event finder's convergence is absolute, so it is set per segment to a few
         * ulps of the segment's end (one value for [0, 1e13] would be 0.016, and the finder ignores roots closer than
         * that to a step start: short steps would never see the event).
         */
        double[] integrate(double[] y0, double absTol) {
            Equations equations = new Equations(o.clock());
            double[] y = y0.clone(), fromState = y0.clone();
            System.arraycopy(y0, 0, lastState, 0, P + 1);
            double from = 0;
            while (true) {
                double segmentEnd = FlowSupport.segmentEnd(from, o.maxTime());
                DormandPrince853Integrator integrator = new DormandPrince853Integrator(o.minStep(), Math.abs(o.maxTime()), absTol, o.relTol());
                integrator.setMaxEvaluations(Math.max(1, o.maxEvaluations() - evaluations));
                for (Event e : events) integrator.addEventHandler(e, Double.MAX_VALUE, FlowSupport.eventTolerance(segmentEnd), 200);
                integrator.addStepHandler(this);
                try {
                    endTime = integrator.integrate(equations, from, fromState, segmentEnd, y);
                    if (stop != Stop.END_OF_TIME || endTime >= o.maxTime()) return y;
                    from = endTime;
                    fromState = y.clone();
                    continue;
                } catch (NonFinite e) {
                    stop = Stop.NON_FINITE;
                } catch (MaxCountExceededException e) {
                    stop = Stop.MAX_EVALUATIONS;
                } catch (NumberIsTooSmallException e) {
                    double[] next = forcedWindow(equations);
                    if (next == null) {
                        from = lastAccepted;
                        fromState = lastState.clone();
                        continue;
                    }
                    return next;
                }
                endTime = lastAccepted;
                return lastState.clone();
            }
        }

        /**
         * The error control wants a step below minStep: a kink of a non-smooth σ (ReLU), possibly a sliding mode where the
         * exact flow is only defined in Filippov's sense. Up to FORCED_WINDOW classical RK4 steps of length minStep from
         * the last accepted state (local error O(minStep·jump)), so a sliding mode passes without a restart every step.
         * Returns the final state when the integration ends here (an event stops it, the time or the evaluations run
         * out), else null after moving the last accepted state forward.
         */
        private double[] forcedWindow(Equations equations) {
            boolean halt = false, done = false;
            double t1 = lastAccepted;
            double[] next = lastState.clone();
            double[] times = o.probeTimes();
            for (int w = 0; w < FORCED_WINDOW && !halt && !done; w++) {
                double t0f = t1;
                double[] prev = next;
                t1 = Math.min(t0f + o.minStep(), o.maxTime());
                next = FlowSupport.RK4.singleStep(equations, t0f, prev.clone(), t1);
                forcedSteps++;
                for (Event ev : events) {
                    if (!ev.fired && Math.signum(ev.g(0, prev)) != Math.signum(ev.g(0, next))) {
                        halt |= ev.eventOccurred(t1, next, true) == EventHandler.Action.STOP;
                    }
                }
                while (nextProbe < times.length && times[nextProbe] <= t1) {
                    probes.add(probe(times[nextProbe], next.clone(), o.clock()));
                    nextProbe++;
                }
                done = t1 >= o.maxTime() || evaluations >= o.maxEvaluations();
            }
            progress.progress(Math.round(1000 * Math.min(1, t1 / o.maxTime())), 1000, null);
            lastAccepted = t1;
            System.arraycopy(next, 0, lastState, 0, P + 1);
            if (halt || done) {
                if (!halt && t1 < o.maxTime()) stop = Stop.MAX_EVALUATIONS;
                endTime = t1;
                return next;
            }
            return null;
        }
    }

    private int forcedSteps;
    private static final int FORCED_WINDOW = 50;

    private Time times(Clock clock, double time, double[] y) {
        return clock == Clock.REAL ? new Time(time, y[P]) : new Time(y[P], time);
    }

    private interface G { double value(double[] y); }
    private interface Occurred { boolean stop(double time, double[] y); }

    /** Records the first crossing of g = 0 (upward or downward) and optionally stops. */
    private static final class Event implements EventHandler {
        final G g;
        final Occurred occurred;
        boolean fired; // kept across the restarts of a run
        Event(G g, Occurred occurred) { this.g = g; this.occurred = occurred; }
        @Override public void init(double t0, double[] y0, double t) { }
        @Override public double g(double t, double[] y) { return g.value(y); }
        @Override
        public Action eventOccurred(double t, double[] y, boolean increasing) {
            if (fired) return Action.CONTINUE;
            fired = true;
            return occurred.stop(t, y) ? Action.STOP : Action.CONTINUE;
        }
        @Override public void resetState(double t, double[] y) { }
    }
}
