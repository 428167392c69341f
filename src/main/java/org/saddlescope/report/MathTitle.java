package org.saddlescope.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Rectangle2D;
import java.text.AttributedString;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;

/** A chart title with math ({@link MathText}) in it, centred: JFreeChart's own titles draw plain strings only. */
final class MathTitle extends Title {
    private static final long serialVersionUID = 1L;
    private final String text;
    private final Font font;

    MathTitle(String text, Font font) {
        this.text = text;
        this.font = font;
        setPadding(new RectangleInsets(2, 2, 4, 2));
    }

    private TextLayout layout(Graphics2D g) {
        AttributedString a = MathText.attributed(text, font);
        FontRenderContext frc = g.getFontRenderContext();
        return new TextLayout(a.getIterator(), frc);
    }

    @Override
    public Size2D arrange(Graphics2D g2, RectangleConstraint constraint) {
        TextLayout t = layout(g2);
        double w = t.getAdvance() + getPadding().getLeft() + getPadding().getRight();
        double h = t.getAscent() + t.getDescent() + getPadding().getTop() + getPadding().getBottom();
        return constraint.calculateConstrainedSize(new Size2D(w, h));
    }

    @Override
    public void draw(Graphics2D g2, Rectangle2D area) {
        TextLayout t = layout(g2);
        g2.setPaint(Color.BLACK);
        float x = (float) (area.getCenterX() - t.getAdvance() / 2);
        float y = (float) (area.getY() + getPadding().getTop() + t.getAscent());
        g2.drawString(MathText.attributed(text, font).getIterator(), x, y);
    }

    @Override
    public Object draw(Graphics2D g2, Rectangle2D area, Object params) {
        draw(g2, area);
        return null;
    }
}
