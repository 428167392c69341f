package org.saddlescope.spectra;

import java.util.ArrayList;
import java.util.List;
import org.saddlescope.theory.RankMeasures;

/**
 * The saddles of a run with the rank structure of every layer on each (issue 4, items 3 and 6): plateaus and
 * escapes from {@link PlateauDetector}, each plateau read off the spectral snapshot nearest its geometric middle
 * (settled on the saddle, the next direction still small), and the paper's claim (section 3.3, Theorem 3.1)
 * checked as a table: after the first escape every layer is close to rank one, and more so the deeper it is.
 */
public final class SaddleAnalysis {
    /** Default relative threshold of the numerical rank: σ_i counts when σ_i ≥ 0.1·σ_1. */
    public static final double DEFAULT_RANK_THRESHOLD = 0.1;

    /** Rank measures of W_ℓ in one snapshot. */
    public record LayerRank(int layer, int numericalRank, double tailRatio, double effectiveRank, double sigma1, double sigma2) { }

    /** A plateau with its snapshot and per-layer ranks; bottleneckRank is the rank most layers share. */
    public record PlateauRanks(PlateauDetector.Plateau plateau, long snapshotStep, List<LayerRank> layers, int bottleneckRank) { }

    /**
     * Tail ratio of every layer at a snapshot, and whether it falls with depth: the Spearman correlation ρ of
     * (ℓ, tail ratio) with its exact one-sided permutation p-value ({@link LowRankByDepth}); fallsWithDepth when
     * p &lt; {@link #TREND_ALPHA}. These are ratios of W_ℓ itself, initial weights included: on a short run they can
     * follow the share of the untrained θ0 in each layer (which depends on its shape) rather than what was learned;
     * the learned part W_ℓ − W_ℓ(0) is measured by the theory addon. {@code nearRankOne} counts layers with tail
     * ratio ≤ 0.1.
     */
    public record DepthProfile(String label, long step, List<LayerRank> layers, double spearman, boolean fallsWithDepth,
                               int nearRankOne, LowRankByDepth.Trend trend) { }

    /** Level of the one-sided permutation test behind {@link DepthProfile#fallsWithDepth}. */
    public static final double TREND_ALPHA = 0.05;

    private final PlateauDetector.Result detection;
    private final List<PlateauRanks> plateaus = new ArrayList<>();
    private final DepthProfile afterFirstEscape;
    private final DepthProfile atEnd;

    public SaddleAnalysis(PlateauDetector.Result detection, List<SpectrumSnapshot> snapshots, double rankThreshold) {
        this.detection = detection;
        for (PlateauDetector.Plateau p : detection.plateaus()) {
            SpectrumSnapshot s = snapshotWithin(snapshots, p.startStep(), p.endStep(), p.middleStep());
            if (s == null) continue;
            List<LayerRank> ranks = layerRanks(s, rankThreshold);
            int[] r = ranks.stream().mapToInt(LayerRank::numericalRank).toArray();
            plateaus.add(new PlateauRanks(p, s.step(), ranks, RankMeasures.bottleneckRank(r)));
        }
        DepthProfile first = null;
        if (!detection.escapes().isEmpty() && !snapshots.isEmpty()) {
            PlateauDetector.Escape e = detection.escapes().get(0);
            SpectrumSnapshot s = null;
            if (e.toPlateau() >= 0) {
                PlateauDetector.Plateau p = detection.plateaus().get(e.toPlateau());
                s = snapshotWithin(snapshots, p.startStep(), p.endStep(), p.middleStep());
            }
            if (s == null) s = firstAtOrAfter(snapshots, e.endStep());
            if (s != null) first = profile("after first escape", s, rankThreshold);
        }
        afterFirstEscape = first;
        atEnd = snapshots.isEmpty() ? null : profile("end of training", snapshots.get(snapshots.size() - 1), rankThreshold);
    }

    public PlateauDetector.Result detection() { return detection; }
    public List<PlateauRanks> plateaus() { return plateaus; }
    /** Null when the run has no escape (or no snapshot after it). */
    public DepthProfile afterFirstEscape() { return afterFirstEscape; }
    public DepthProfile atEnd() { return atEnd; }

    public static List<LayerRank> layerRanks(SpectrumSnapshot s, double threshold) {
        List<LayerRank> out = new ArrayList<>();
        for (int l = 1; l <= s.depth(); l++) {
            double[] v = s.layer(l);
            out.add(new LayerRank(l, s.numericalRank(l, threshold), s.tailRatio(l), s.effectiveRank(l),
                    v.length > 0 ? v[0] : 0, v.length > 1 ? v[1] : 0));
        }
        return out;
    }

    static DepthProfile profile(String label, SpectrumSnapshot s, double threshold) {
        List<LayerRank> ranks = layerRanks(s, threshold);
        double[] depth = new double[ranks.size()], tail = new double[ranks.size()];
        int near = 0;
        for (int i = 0; i < ranks.size(); i++) {
            depth[i] = ranks.get(i).layer();
            tail[i] = ranks.get(i).tailRatio();
            if (tail[i] <= 0.1) near++;
        }
        LowRankByDepth.Trend t = LowRankByDepth.trend(tail);
        return new DepthProfile(label, s.step(), ranks, t.rho(), t.pFalls() < TREND_ALPHA, near, t);
    }


    /** The snapshot in [from, to] nearest (in log-step) to {@code target}; null if none lies in the range. */
    static SpectrumSnapshot snapshotWithin(List<SpectrumSnapshot> list, double from, double to, double target) {
        SpectrumSnapshot best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (SpectrumSnapshot s : list) {
            if (s.step() < from || s.step() > to) continue;
            double d = Math.abs(Math.log(Math.max(1, s.step())) - Math.log(Math.max(1, target)));
            if (d < bestD) { bestD = d; best = s; }
        }
        return best;
    }

    static SpectrumSnapshot firstAtOrAfter(List<SpectrumSnapshot> list, double step) {
        for (SpectrumSnapshot s : list) if (s.step() >= step) return s;
        return null;
    }
}
