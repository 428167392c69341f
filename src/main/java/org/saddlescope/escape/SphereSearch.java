package org.saddlescope.escape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.theory.EscapeSpeed;

/**
 * Minimises L0(ρ) = Tr[Gᵀ Y_ρ] on the sphere ‖ρ‖² = L (Definition 2.1: the radius-√L sphere, so the speed
 * s = −L0(ρ) is the paper's s, not the unit-sphere s_unit = s·L^(−L/2)) from many random starts, for small
 * networks through {@link SmallNetKernel}.
 *
 * <p>Solvers: PGD (fixed-step projected gradient, what the paper and the PyTorch benchmark run), RGD
 * (Riemannian gradient: the tangent part t = ∇L0 − L0·ρ, since ⟨∇L0(ρ), ρ⟩ = L·L0(ρ) by Euler's theorem, with
 * an Armijo step that grows after every success, and fixed steps across kinks where Armijo finds no descent),
 * POWER (the layer-wise generalised power method, {@link #power}: each W_ℓ on its own unit sphere).
 * A "shifted power iteration" ρ ← normalise(−∇L0(ρ) + αρ) is not offered: it is PGD with lr = 1/α.
 * After the solver: removal of units inactive on every sample (zeroing them leaves L0 unchanged and shrinks
 * ‖ρ‖, so rescaling to the sphere multiplies s by (L/‖ρ‖²)^(L/2) ≥ 1), then the kink-aware {@link KinkPolish}.
 *
 * <p>Restart i draws its start from the stream ("restart", i) alone, and results are stored by index,
 * so the outcome does not depend on the number of threads or on scheduling.
 */
public final class SphereSearch {
    private SphereSearch() {}

    public enum Solver { PGD, RGD, POWER }

    /** Cosine gaps 1 − cos below which units are merged before the polish, tried in turn. */
    static final double[] MERGE_EPS = {1e-2, 5e-2};

    /**
     * @param lr fixed step for PGD, first step for RGD
     * @param tolerance stop when the relative stationarity residual ‖∇L0 + sρ‖/s falls below it (PGD checks every 50 steps)
     * @param traceEvery record (iteration, s, residual) every this many iterations (0 = no trace)
     */
    public record Options(Solver solver, int iterations, double lr, double tolerance,
                          boolean prune, boolean polish, int polishIterations, int traceEvery) {
        public static Options defaults() {
            return new Options(Solver.RGD, 2000, 0.05, 1e-10, true, true, 60, 0);
        }
        public Options withSolver(Solver s) { return new Options(s, iterations, lr, tolerance, prune, polish, polishIterations, traceEvery); }
        public Options withIterations(int n) { return new Options(solver, n, lr, tolerance, prune, polish, polishIterations, traceEvery); }
        public Options withPolish(boolean p) { return new Options(solver, iterations, lr, tolerance, prune, p, polishIterations, traceEvery); }
        public Options withPrune(boolean p) { return new Options(solver, iterations, lr, tolerance, p, polish, polishIterations, traceEvery); }
        public Options withTrace(int every) { return new Options(solver, iterations, lr, tolerance, prune, polish, polishIterations, every); }
        public Options withLr(double v) { return new Options(solver, iterations, v, tolerance, prune, polish, polishIterations, traceEvery); }
        public Options withTolerance(double v) { return new Options(solver, iterations, lr, v, prune, polish, polishIterations, traceEvery); }
    }

    /**
     * One restart. speed is on the √L sphere; speedUnit = s_unit ({@link EscapeSpeed#unitSpeed}); residual = ‖∇L0(ρ) + sρ‖/s with
     * σ'(0) = 0; kinkResidual = the same residual on the manifold that keeps the detected kinks at zero
     * (NaN when the polish did not run); speedSolver = s right after the solver (before pruning and polish).
     */
    public record Result(int index, double[] theta, double speed, double speedUnit, double residual,
                         double kinkResidual, int kinks, double speedSolver, int iterations, int prunedUnits,
                         long nanos, Trace trace) {}

    /** Speeds and residuals against iteration, for the convergence figures. */
    public record Trace(int[] iteration, double[] speed, double[] residual) {}

    /** A start: i.i.d. N(0,1) entries rescaled to ‖θ‖² = L, from the stream ("restart", index). */
    public static double[] randomStart(SmallNetKernel k, RandomStreams streams, int index) {
        SplittableRandom rng = streams.stream("restart", index);
        double[] t = new double[k.size()];
        for (int i = 0; i < t.length; i++) t[i] = rng.nextGaussian();
        SmallNetKernel.scaleToSphere(t, k.depth());
        return t;
    }


    /** ‖∇L0(ρ) + sρ‖/s with s = −L0(ρ) (docs/design.md's relative stationarity residual). */
    public static double residual(double[] theta, double[] grad, double l0) {
        double s = -l0, r = 0;
        for (int i = 0; i < theta.length; i++) {
            double e = grad[i] + s * theta[i];
            r += e * e;
        }
        return Math.sqrt(r) / Math.abs(s);
    }

    /** Runs one restart from theta (modified in place, must lie on the sphere). */
    public static Result solve(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, Options o, int index) {
        long t0 = System.nanoTime();
        final int L = k.depth();
        double[] grad = new double[k.size()];
        TraceBuilder trace = o.traceEvery() > 0 ? new TraceBuilder() : null;
        int iters;
        switch (o.solver()) {
            case PGD -> iters = pgd(k, ws, theta, grad, o, trace);
            case RGD -> iters = rgd(k, ws, theta, grad, o, trace);
            case POWER -> iters = power(k, ws, theta, grad, o, trace);
            default -> throw new IllegalStateException();
        }
        double speedSolver = -k.value(theta, ws);
        int pruned = 0;
        if (o.prune() && k.slope() == 0.0 && speedSolver > 0) pruned = pruneInactive(k, ws, theta);
        if (pruned > 0 || (o.polish() && o.solver() != Solver.RGD)) {
            if (trace != null) trace.offset = iters;
            iters += rgd(k, ws, theta, grad, o.withIterations(Math.max(50, o.iterations() / 10)), trace);
        }
        double kinkResidual = Double.NaN;
        int kinks = 0;
        if (o.polish() && -k.value(theta, ws) > 0) {
            KinkPolish.Outcome p = null;
            if (k.slope() == 0.0) {
                // Wide nets spread one unit over many nearly parallel copies, too many kinks to polish. Merge the
                // copies first (never raises ‖θ‖ for the same function, see mergeParallelUnits), re-solve, polish.
                for (double eps : MERGE_EPS) {
                    double[] merged = theta.clone();
                    int rounds = 0;
                    // merging one layer moves the next layer's rows: alternate merge and re-solve until nothing
                    // merges; the re-solve runs on the compacted net (zero units removed), which is tiny
                    for (; rounds < 4 && mergeParallelUnits(k, merged, eps) > 0; rounds++) {
                        SmallNetKernel.scaleToSphere(merged, L);
                        pruneInactive(k, ws, merged);
                        Compact c = Compact.of(k, merged);
                        iters += rgd(c.kernel, c.kernel.workspace(), c.theta, new double[c.theta.length],
                                o.withIterations(Math.max(50, o.iterations() / 10)), null);
                        merged = c.scatter(c.theta);
                    }
                    if (rounds == 0) continue;
                    Compact c = Compact.of(k, merged);
                    KinkPolish.Outcome q = KinkPolish.polish(c.kernel, c.kernel.workspace(), c.theta, o.polishIterations());
                    q = new KinkPolish.Outcome(c.scatter(q.theta()), q.kinkResidual(), q.kinks(), q.iterations());
                    iters += q.iterations();
                    if (p == null || k.value(q.theta(), ws) < k.value(p.theta(), ws)) p = q;
                    if (p.kinkResidual() < 1e-6) break;
                }
            }
            if (p == null || !(p.kinkResidual() < 1e-6)) {
                KinkPolish.Outcome q = KinkPolish.polish(k, ws, theta, o.polishIterations());
                iters += q.iterations();
                if (p == null || k.value(q.theta(), ws) < k.value(p.theta(), ws)) p = q;
            }
            if (k.value(p.theta(), ws) <= k.value(theta, ws)) {
                System.arraycopy(p.theta(), 0, theta, 0, theta.length);
                kinkResidual = p.kinkResidual();
                kinks = p.kinks();
            }
            if (o.prune() && k.slope() == 0.0) pruned += pruneInactive(k, ws, theta);
        }
        double l0 = k.valueAndGradient(theta, grad, ws);
        double s = -l0;
        if (trace != null) { trace.offset = 0; trace.add(iters, s, residual(theta, grad, l0)); }
        return new Result(index, theta, s, EscapeSpeed.unitSpeed(s, L), residual(theta, grad, l0), kinkResidual, kinks,
                speedSolver, iters, pruned, System.nanoTime() - t0, trace == null ? null : trace.build());
    }

    /** Fixed-step projected gradient: θ ← √L·(θ − lr∇L0)/‖θ − lr∇L0‖ (the paper's and the benchmark's step). */
    static int pgd(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, double[] grad, Options o, TraceBuilder trace) {
        final double lr = o.lr();
        final int L = k.depth();
        int it = 0;
        for (; it < o.iterations(); it++) {
            double l0 = k.valueAndGradient(theta, grad, ws);
            if (trace != null && it % o.traceEvery() == 0) trace.add(it, -l0, residual(theta, grad, l0));
            if (it % 50 == 0 && l0 < 0 && residual(theta, grad, l0) < o.tolerance()) break;
            projectedStep(theta, grad, lr, L);
        }
        return it;
    }

    /** θ ← √L·(θ − lr·g)/‖θ − lr·g‖, two passes, no allocation. */
    static void projectedStep(double[] theta, double[] g, double lr, int depth) {
        double n2 = 0;
        for (int i = 0; i < theta.length; i++) {
            double v = theta[i] - lr * g[i];
            theta[i] = v;
            n2 += v * v;
        }
        double f = Math.sqrt(depth / n2);
        for (int i = 0; i < theta.length; i++) theta[i] *= f;
    }

    /**
     * Riemannian gradient descent with Armijo backtracking (sufficient decrease 1e-4·η‖t‖²) and a step that
     * grows by 1.5 after each accepted step. At a ReLU kink (a pre-activation at or next to 0) the gradient taken
     * with σ'(0) = 0 can point uphill at every step length (measured on Example 1: L0 rises linearly along −t down
     * to η = 1e-14), so Armijo steps shrink into the kink and stall there (0.22–0.34 against the optimum 1/2).
     * Where backtracking finds no descent down to η = 1e-3·lr, one fixed step of length lr is taken anyway, as PGD
     * does, which crosses the kink; the step restarts at lr. The best iterate seen is returned.
     */
    static int rgd(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, double[] grad, Options o, TraceBuilder trace) {
        final int L = k.depth(), P = theta.length;
        double[] trial = new double[P];
        double[] t = new double[P];
        final double lr0 = o.lr() > 0 ? o.lr() : 0.05;
        double eta = lr0;
        double l0 = k.valueAndGradient(theta, grad, ws);
        double[] best = null; // set once a kick leaves the best point
        double bestL0 = l0;
        int it = 0;
        for (; it < o.iterations(); it++) {
            double tn2 = 0;
            for (int i = 0; i < P; i++) {
                double v = grad[i] - l0 * theta[i];
                t[i] = v;
                tn2 += v * v;
            }
            double rel = Math.sqrt(tn2) / Math.abs(l0);
            if (trace != null && it % o.traceEvery() == 0) trace.add(it, -l0, rel);
            if (l0 < 0 && rel < o.tolerance()) break;
            if (tn2 == 0) break;
            boolean accepted = false;
            double v = l0;
            for (; eta >= 1e-3 * lr0; eta *= 0.5) {
                for (int i = 0; i < P; i++) trial[i] = theta[i] - eta * t[i];
                SmallNetKernel.scaleToSphere(trial, L);
                v = k.value(trial, ws);
                if (v <= l0 - 1e-4 * eta * tn2) { accepted = true; break; }
            }
            if (!accepted) { // a kink: step across it
                if (l0 <= bestL0) { best = theta.clone(); bestL0 = l0; }
                eta = lr0;
                for (int i = 0; i < P; i++) trial[i] = theta[i] - eta * t[i];
                SmallNetKernel.scaleToSphere(trial, L);
                v = k.value(trial, ws);
            } else {
                eta *= 1.5;
            }
            System.arraycopy(trial, 0, theta, 0, P);
            l0 = v;
            k.backward(theta, grad, ws, k.gData());
        }
        if (best != null && bestL0 < l0) {
            System.arraycopy(best, 0, theta, 0, P);
            l0 = k.valueAndGradient(theta, grad, ws);
        }
        return it;
    }

    /**
     * Layer-wise generalised power method (Journée, Nesterov, Richtárik &amp; Sepulchre, JMLR 2010, applied to one
     * layer's sphere at a time). L0 is positively 1-homogeneous in each W_ℓ on its own, and an optimum on the
     * √L sphere has ‖W_ℓ‖_F = 1 for every ℓ (rebalancing the layers to equal norms multiplies L0 by
     * 1/∏‖W_ℓ‖_F ≥ 1, Lemma A.4), so the search runs on the product of unit spheres. One iteration is a sweep
     * ℓ = L, …, 1 of the power step W_ℓ ← −∇_ℓL0/‖∇_ℓL0‖, the minimiser over the unit sphere of the
     * linearisation ⟨∇_ℓL0, W⟩: the exact block minimiser for W_L (L0 is linear in it), and a descent step in
     * every block where L0 is concave (then L0(W⁺) ≤ −‖∇_ℓL0‖ ≤ ⟨∇_ℓL0, W_ℓ⟩ = L0(W_ℓ) by Euler's theorem).
     * ReLU blocks need not be concave, so a power step that does not lower L0 is replaced by the within-block
     * projected step normalise(W_ℓ − τ∇_ℓL0), τ halved until L0 falls. A fixed point has ∇_ℓL0 = −λ_ℓW_ℓ with
     * λ_ℓ = −⟨∇_ℓL0, W_ℓ⟩ = −L0 = s in every layer, i.e. ∇L0(ρ) = −sρ: an escape direction. For a deep linear
     * network this is the alternating power method for the top singular pair of −G Xᵀ.
     */
    static int power(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta, double[] grad, Options o, TraceBuilder trace) {
        final int L = k.depth();
        for (int l = 1; l <= L; l++) if (!normaliseBlock(theta, k.offset(l), k.offset(l + 1))) return 0; // a zero layer: no direction
        double[] trial = new double[theta.length];
        int it = 0;
        for (; it < o.iterations(); it++) {
            double l0 = k.valueAndGradient(theta, grad, ws);
            double res = residual(theta, grad, l0);
            if (trace != null && it % o.traceEvery() == 0) trace.add(it, -l0, res);
            if (l0 < 0 && res < o.tolerance()) break;
            boolean moved = false;
            for (int l = L; l >= 1; l--) {
                if (l < L) l0 = k.valueAndGradient(theta, grad, ws); // fresh ∇_ℓ after the blocks above moved
                int from = k.offset(l), to = k.offset(l + 1);
                double gn = 0;
                for (int i = from; i < to; i++) gn += grad[i] * grad[i];
                gn = Math.sqrt(gn);
                if (gn == 0) continue;
                System.arraycopy(theta, 0, trial, 0, theta.length);
                for (int i = from; i < to; i++) trial[i] = -grad[i] / gn;
                double v = k.value(trial, ws);
                double tau = 0.5 / gn;
                for (int bt = 0; v >= l0 && bt < 40; bt++, tau *= 0.5) {
                    for (int i = from; i < to; i++) trial[i] = theta[i] - tau * grad[i];
                    normaliseBlock(trial, from, to);
                    v = k.value(trial, ws);
                }
                if (v < l0) {
                    System.arraycopy(trial, from, theta, from, to - from);
                    moved = true;
                }
            }
            if (!moved) { k.valueAndGradient(theta, grad, ws); break; }
        }
        return it;
    }

    /** Scales θ[from, to) to unit norm; false if it is zero. */
    private static boolean normaliseBlock(double[] theta, int from, int to) {
        double n2 = 0;
        for (int i = from; i < to; i++) n2 += theta[i] * theta[i];
        if (n2 == 0) return false;
        double f = 1 / Math.sqrt(n2);
        for (int i = from; i < to; i++) theta[i] *= f;
        return true;
    }

    /**
     * Zeroes hidden units that are inactive (Z_ℓ[i,j] ≤ 0) on every sample, or whose outgoing weights are all
     * zero: their incoming row and outgoing column do not change L0. Then rescales to the sphere, which
     * multiplies s by (L/‖θ‖²)^(L/2) ≥ 1 (L-homogeneity). ReLU only. Returns the number of units removed.
     */
    public static int pruneInactive(SmallNetKernel k, SmallNetKernel.Workspace ws, double[] theta) {
        final int L = k.depth(), N = k.samples();
        final int[] w = k.widths();
        int removed = 0;
        boolean again = true;
        while (again) {
            again = false;
            k.value(theta, ws);
            for (int l = 1; l < L; l++) {
                double[] z = ws.z[l];
                int nout = w[l], nin = w[l - 1], nnext = w[l + 1];
                int o = k.offset(l), on = k.offset(l + 1);
                for (int i = 0; i < nout; i++) {
                    boolean active = false;
                    for (int j = 0; j < N && !active; j++) active = z[j * nout + i] > 0;
                    boolean outZero = true;
                    for (int r = 0; r < nnext && outZero; r++) outZero = theta[on + i * nnext + r] == 0.0;
                    boolean inZero = true;
                    for (int c = 0; c < nin && inZero; c++) inZero = theta[o + c * nout + i] == 0.0;
                    if ((!active || outZero) && !(inZero && outZero)) {
                        for (int c = 0; c < nin; c++) theta[o + c * nout + i] = 0.0;
                        for (int r = 0; r < nnext; r++) theta[on + i * nnext + r] = 0.0;
                        removed++;
                        again = true;
                    }
                }
            }
        }
        if (removed > 0) SmallNetKernel.scaleToSphere(theta, L);
        return removed;
    }

    /**
     * Merges hidden units whose incoming rows are nearly positively parallel (cosine > 1 − eps), layer by layer.
     * For ReLU, units with rows r_a = c·r_b (c > 0) compute proportional outputs, so Σ u_a σ(r_a·h) over a cluster
     * equals U σ(r̂·h) with U = Σ ‖r_a‖ u_a; one unit carrying it with balanced norms costs 2‖U‖ ≤ Σ 2‖u_a‖‖r_a‖
     * ≤ Σ (‖u_a‖² + ‖r_a‖²) of ‖θ‖², so exact merging keeps L0 and lowers ‖θ‖ (raising s after rescaling).
     * With eps > 0 the merge is approximate; the caller re-solves and keeps the result only if it is better.
     */
    static int mergeParallelUnits(SmallNetKernel k, double[] theta, double eps) {
        final int L = k.depth();
        final int[] w = k.widths();
        int merged = 0;
        for (int l = 1; l < L; l++) {
            int nout = w[l], nin = w[l - 1], nnext = w[l + 1];
            int o = k.offset(l), on = k.offset(l + 1);
            double[] rn = new double[nout];
            for (int i = 0; i < nout; i++) {
                double a = 0;
                for (int c = 0; c < nin; c++) a += theta[o + c * nout + i] * theta[o + c * nout + i];
                rn[i] = Math.sqrt(a);
            }
            // units that carry almost nothing (‖u_i‖‖r_i‖ below 1e-4 of the largest) are dropped: PGD leaves many
            // such remnants in wide nets and each adds kinks to the polish
            double[] carry = new double[nout];
            double maxCarry = 0;
            for (int i = 0; i < nout; i++) {
                double un = 0;
                for (int r = 0; r < nnext; r++) un += theta[on + i * nnext + r] * theta[on + i * nnext + r];
                carry[i] = Math.sqrt(un) * rn[i];
                maxCarry = Math.max(maxCarry, carry[i]);
            }
            for (int i = 0; i < nout; i++) {
                if (rn[i] == 0 || carry[i] >= 1e-4 * maxCarry) continue;
                for (int c = 0; c < nin; c++) theta[o + c * nout + i] = 0;
                for (int r = 0; r < nnext; r++) theta[on + i * nnext + r] = 0;
                rn[i] = 0;
                merged++;
            }
            for (int i = 0; i < nout; i++) {
                if (rn[i] == 0) continue;
                double[] u = new double[nnext];
                for (int r = 0; r < nnext; r++) u[r] = theta[on + i * nnext + r] * rn[i];
                boolean any = false;
                for (int j = i + 1; j < nout; j++) {
                    if (rn[j] == 0) continue;
                    double d = 0;
                    for (int c = 0; c < nin; c++) d += theta[o + c * nout + i] * theta[o + c * nout + j];
                    if (d / (rn[i] * rn[j]) <= 1 - eps) continue;
                    for (int r = 0; r < nnext; r++) { u[r] += theta[on + j * nnext + r] * rn[j]; theta[on + j * nnext + r] = 0; }
                    for (int c = 0; c < nin; c++) theta[o + c * nout + j] = 0;
                    rn[j] = 0;
                    any = true;
                    merged++;
                }
                if (!any) continue;
                double un = Math.sqrt(norm2(u));
                double a = Math.sqrt(un); // balanced: ‖incoming‖ = ‖outgoing‖ = sqrt(‖U‖)
                for (int c = 0; c < nin; c++) theta[o + c * nout + i] *= a / rn[i];
                for (int r = 0; r < nnext; r++) theta[on + i * nnext + r] = un == 0 ? 0 : u[r] / a;
                rn[i] = a;
            }
        }
        return merged;
    }

    private static double norm2(double[] v) { return SmallNetKernel.norm2(v); }

    /** Restarts 0..count-1 on a fixed pool of threads; results in index order. */
    public static List<Result> restarts(SmallNetKernel k, int count, RandomStreams streams, Options o, int threads, ProgressListener progress) {
        Result[] out = new Result[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int nt = Math.max(1, Math.min(threads, count));
        ExecutorService pool = Executors.newFixedThreadPool(nt, r -> { Thread th = new Thread(r, "escape-search"); th.setDaemon(true); return th; });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < nt; t++) {
                fs.add(pool.submit(() -> {
                    SmallNetKernel.Workspace ws = k.workspace();
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        out[i] = solve(k, ws, randomStart(k, streams, i), o, i);
                        int d = done.incrementAndGet();
                        if (progress != null) synchronized (progress) { progress.progress(d, count, "restart " + d + "/" + count); }
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(out);
    }

    /** Best (largest s) result. */
    public static Result best(List<Result> rs) {
        Result b = null;
        for (Result r : rs) if (b == null || r.speed() > b.speed()) b = r;
        return b;
    }

    /**
     * Benchmark of the paper's projected gradient descent: runs × steps fixed-lr projected steps from the same
     * kind of starts as the PyTorch script, spread over threads. Returns projected steps per second (wall clock).
     * The final speeds are returned in speeds[run] when speeds is non-null (so the work cannot be optimised away).
     */
    public static double benchPgd(SmallNetKernel k, int runs, int steps, double lr, RandomStreams streams, int threads, double[] speeds) {
        AtomicInteger next = new AtomicInteger();
        int nt = Math.max(1, Math.min(threads, runs));
        double[] sp = speeds != null ? speeds : new double[runs];
        Thread[] ts = new Thread[nt];
        long t0 = System.nanoTime();
        for (int t = 0; t < nt; t++) {
            ts[t] = new Thread(() -> {
                SmallNetKernel.Workspace ws = k.workspace();
                double[] grad = new double[k.size()];
                int i;
                while ((i = next.getAndIncrement()) < runs) {
                    double[] theta = randomStart(k, streams, i);
                    for (int s = 0; s < steps; s++) {
                        k.valueAndGradient(theta, grad, ws);
                        projectedStep(theta, grad, lr, k.depth());
                    }
                    sp[i] = -k.value(theta, ws);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            try { t.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IllegalStateException(e); }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        return (double) runs * steps / sec;
    }

    static final class TraceBuilder {
        final List<double[]> rows = new ArrayList<>();
        int offset = 0;
        void add(int it, double s, double r) { rows.add(new double[] {it + offset, s, r}); }
        Trace build() {
            int n = rows.size();
            int[] it = new int[n];
            double[] s = new double[n], r = new double[n];
            for (int i = 0; i < n; i++) { it[i] = (int) rows.get(i)[0]; s[i] = rows.get(i)[1]; r[i] = rows.get(i)[2]; }
            return new Trace(it, s, r);
        }
    }
}
