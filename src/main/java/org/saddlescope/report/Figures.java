package org.saddlescope.report;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;

/**
 * Figures for every command, as PNG (at twice the nominal size, for print and high-density screens), SVG and PDF,
 * from plain {@code double[]} arrays (callers never touch the plotting library).
 *
 * <pre>
 *   Panel p = Figures.panel("loss", "step", "loss").logY()
 *       .line("train", steps, loss).vline(1200, "E1").shade(0, 900, "P0");
 *   Figures.save(p, run.figures(), "loss");                    // figures/loss.png, loss.svg, loss.pdf
 *   Figures.grid("singular values", panels, 3, dir, "spectra"); // one image, panels in rows of 3
 * </pre>
 *
 * Drawn by JFreeChart ({@link PanelChart}), with JFreeSVG and JFreePDF painting the same Graphics2D calls into
 * vector files ({@link FigureFiles}: text stays text in SVG; in PDF it is drawn as outlines so that Greek letters
 * need no embedded font). The axes are {@link Ticks}': decades and minor ticks on log axes, 1-2-5 steps with the
 * decimals they need on linear ones, whole numbers only on an axis whose values are all whole (depth, layer,
 * index), labels that never touch. Math in titles, labels and legends is written as in TeX ({@code W_ℓ},
 * {@code Σ_{i≥2} s_i²}) and drawn with real sub- and superscripts ({@link MathText}). Every panel with several
 * named series has a legend: right of a single plot, below each panel of a grid, or once for a whole grid whose
 * panels share their series (one colour per singular-value index, say). Marker labels (escapes) and band labels
 * (plateaus) are staggered so that they do not overlap. A grid is at most {@link FigureStyle#MAX_WIDTH} wide, so the report
 * shows it, and its fonts, at 100%.
 *
 * Non-finite points are dropped, and so are non-positive ones on a log axis (a log axis cannot show them: the
 * series' legend entry says how many).
 */
public final class Figures {
    private Figures() {}

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** The paths written by a save. */
    public record Saved(Path png, Path svg, Path pdf) {}

    /** Colour of the i-th singular value (1-based) or i-th run: the same in every panel and every figure. */
    public static Color indexColor(int i) { return FigureStyle.indexColor(i); }

    public static Panel panel(String title, String xLabel, String yLabel) {
        return new Panel(title, xLabel, yLabel);
    }

    /** Saves one panel at the default size as dir/base.png, .svg and .pdf. */
    public static Saved save(Panel p, Path dir, String base) {
        return save(p, dir, base, FigureStyle.WIDTH, FigureStyle.HEIGHT);
    }

    public static Saved save(Panel p, Path dir, String base, int width, int height) {
        return write(null, List.of(p), 1, width, height, dir, base, false);
    }

    /**
     * Several panels in one image, {@code columns} per row (e.g. one panel per layer in 2 × 3), with an overall
     * title (may be null). Panels with {@code legend(false)} share one legend at the right of the figure.
     */
    public static Saved grid(String title, List<Panel> panels, int columns, Path dir, String base) {
        return write(title, panels, columns, FigureStyle.PANEL_WIDTH, FigureStyle.PANEL_HEIGHT, dir, base, true);
    }

    private static Saved write(String title, List<Panel> panels, int columns, int pw, int ph, Path dir, String base, boolean grid) {
        if (panels.isEmpty()) throw new IllegalArgumentException("a figure needs at least one panel");
        if (columns < 1) throw new IllegalArgumentException("columns must be positive");
        if (base.isEmpty() || base.contains("/")) throw new IllegalArgumentException("bad figure name '" + base + "'");
        Saved saved = new Saved(dir.resolve(base + ".png"), dir.resolve(base + ".svg"), dir.resolve(base + ".pdf"));
        FigureFiles.write(FigureFiles.layout(title, panels, columns, pw, ph, grid), saved.png(), saved.svg(), saved.pdf());
        return saved;
    }
}
