package org.saddlescope.spectra;

/**
 * What "the escape" means, in one place (issue 20): the detector ({@link PlateauDetector}) decides whether a fall of
 * the loss is an escape (a sharp fall after a plateau, with a singular value rising across it where spectra were
 * taken); its time is its <em>onset</em>, the first step at which the loss is {@link #ONSET_DROP} below the level of
 * the plateau it leaves (for the first escape, the loss at the origin C(0)); its <em>middle</em> is where half of its
 * fall in log-loss is done. The theory addon saves θ at the onset of the first escape, check-theory compares that
 * onset with the theory's predictions, and the prediction predicts it.
 */
public final class EscapeDefinition {
    private EscapeDefinition() {}

    /** The onset: the loss has fallen by this fraction of the plateau's level. */
    public static final double ONSET_DROP = 0.01;

    /** Whether a loss is past the onset of an escape from a plateau at {@code level}. */
    public static boolean reached(double loss, double level) {
        return loss <= (1 - ONSET_DROP) * level;
    }

    /** The first step of a series whose loss is past the onset from {@code level}; NaN when none is. */
    public static double onset(double[] step, double[] loss, double level) {
        for (int i = 0; i < step.length; i++) if (Double.isFinite(loss[i]) && reached(loss[i], level)) return step[i];
        return Double.NaN;
    }
}
