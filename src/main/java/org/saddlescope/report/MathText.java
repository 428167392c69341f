package org.saddlescope.report;

import java.awt.Font;
import java.awt.font.TextAttribute;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Math in figure text, written as in TeX but without the dollars: {@code W_ℓ}, {@code s_i²}, {@code W_{ℓ+1}},
 * {@code Σ_{i≥2} s_i^2}, {@code 10^{-3}}, {@code s_unit} (a mark takes a braced group, else the word after it). Drawn two ways: with Unicode sub- and superscript characters where every
 * character of a group has one ({@code W_{ℓ+1}} → Wₗ₊₁), which any text, legend or SVG shows as it is; and as an
 * {@link AttributedString} with true sub- and superscripts (axis labels and titles), for groups such as
 * {@code _{i≥2}} or {@code _F} that Unicode cannot write. A reader never sees raw markup.
 */
final class MathText {
    private MathText() {}

    private static final String SUB_FROM = "0123456789+-−=()aeoxhklℓmnpstijruvβγρφχ";
    private static final String SUB_TO = "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₒₓₕₖₗₗₘₙₚₛₜᵢⱼᵣᵤᵥᵦᵧᵨᵩᵪ";
    private static final String SUP_FROM = "0123456789+-−=()niTLpk";
    private static final String SUP_TO = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᴸᵖᵏ";

    /** A stretch of text: plain, subscript or superscript. */
    record Run(String text, int shift) {}

    static boolean hasMarkup(String s) {
        return s != null && parse(s).stream().anyMatch(r -> r.shift() != 0);
    }

    /** The text in runs: {@code _x} and {@code _{...}} subscripts (shift −1), {@code ^x} and {@code ^{...}} superscripts (+1). */
    static List<Run> parse(String s) {
        List<Run> out = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean mark = (c == '_' || c == '^') && i + 1 < s.length() && i > 0 && !Character.isWhitespace(s.charAt(i + 1))
                    && !Character.isWhitespace(s.charAt(i - 1));
            if (!mark) { plain.append(c); continue; }
            int end;
            String group;
            if (s.charAt(i + 1) == '{') {
                end = s.indexOf('}', i + 2);
                if (end < 0) { plain.append(c); continue; }
                group = s.substring(i + 2, end);
            } else {
                // a whole word: s_unit, W_12, W_ℓ; else the one character after the mark
                end = i + 1;
                while (end + 1 < s.length() && Character.isLetterOrDigit(s.charAt(end)) && Character.isLetterOrDigit(s.charAt(end + 1))) end++;
                group = s.substring(i + 1, end + 1);
            }
            if (plain.length() > 0) out.add(new Run(plain.toString(), 0));
            plain.setLength(0);
            out.add(new Run(group, c == '_' ? -1 : 1));
            i = end;
        }
        if (plain.length() > 0) out.add(new Run(plain.toString(), 0));
        return out;
    }

    /**
     * Whether {@link #plain} writes every sub- and superscript of {@code s} in Unicode characters (then the text can
     * stay text: searchable in an SVG); otherwise it needs {@link #attributed}.
     */
    static boolean unicodeOnly(String s) {
        for (Run r : parse(s)) {
            if (r.shift() != 0 && map(r.text(), r.shift() < 0 ? SUB_FROM : SUP_FROM, r.shift() < 0 ? SUB_TO : SUP_TO) == null) return false;
        }
        return true;
    }

    /** Unicode sub- and superscripts where a whole group has them; other groups in parentheses after a thin space. */
    static String plain(String s) {
        if (s == null) return null;
        StringBuilder b = new StringBuilder();
        for (Run r : parse(s)) {
            if (r.shift() == 0) { b.append(r.text()); continue; }
            String mapped = map(r.text(), r.shift() < 0 ? SUB_FROM : SUP_FROM, r.shift() < 0 ? SUB_TO : SUP_TO);
            b.append(mapped != null ? mapped : (r.shift() < 0 ? "" : "^") + (r.text().length() == 1 ? r.text() : "(" + r.text() + ")"));
        }
        return b.toString();
    }

    private static String map(String text, String from, String to) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            int k = from.indexOf(text.charAt(i));
            if (k < 0) return null;
            b.append(to.charAt(k));
        }
        return b.toString();
    }

    /** The text with true sub- and superscripts in {@code font} (groups Unicode can write use its characters). */
    static AttributedString attributed(String s, Font font) {
        StringBuilder text = new StringBuilder();
        List<int[]> spans = new ArrayList<>(); // start, end, shift
        for (Run r : parse(s)) {
            String mapped = r.shift() == 0 ? r.text() : map(r.text(), r.shift() < 0 ? SUB_FROM : SUP_FROM, r.shift() < 0 ? SUB_TO : SUP_TO);
            int start = text.length();
            text.append(mapped != null ? mapped : r.text());
            if (mapped == null) spans.add(new int[] {start, text.length(), r.shift()});
        }
        AttributedString a = new AttributedString(text.toString());
        if (text.length() == 0) return a;
        a.addAttributes(Map.of(TextAttribute.FAMILY, font.getFamily(), TextAttribute.SIZE, (float) font.getSize2D(),
                TextAttribute.WEIGHT, font.isBold() ? TextAttribute.WEIGHT_BOLD : TextAttribute.WEIGHT_REGULAR), 0, text.length());
        for (int[] sp : spans) {
            a.addAttribute(TextAttribute.SUPERSCRIPT, sp[2] < 0 ? TextAttribute.SUPERSCRIPT_SUB : TextAttribute.SUPERSCRIPT_SUPER, sp[0], sp[1]);
        }
        return a;
    }
}
