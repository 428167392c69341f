package org.saddlescope.report;

import java.awt.Color;
import java.awt.Font;

/** How every figure looks: its sizes (figure pixels), the palette and the fonts. */
public final class FigureStyle {
    private FigureStyle() {}

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    public static final int PANEL_WIDTH = 520;
    public static final int PANEL_HEIGHT = 380;
    /** The widest a grid is laid out: report.html's column (1180 px) less its margins, so it shows at 100%. */
    public static final int MAX_WIDTH = 1140;
    /** The narrowest panel of a grid; below it a grid gets fewer columns. */
    public static final int MIN_PANEL_WIDTH = 340;
    /** PNG pixels per figure unit. */
    public static final int PNG_SCALE = 2;

    /** Tableau-10 (matplotlib's default cycle), so figures look like the ones researchers know. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    /** Colour of the i-th singular value (1-based) or i-th run: the same in every panel and every figure. */
    public static Color indexColor(int i) {
        return PALETTE[Math.floorMod(i - 1, PALETTE.length)];
    }

    // fonts: at a grid's 100% (MAX_WIDTH) no text is below 11 px
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font MARK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    /** The smallest text of any figure, in figure pixels (a test holds every font to it). */
    static final int SMALLEST_FONT = 11;
}
