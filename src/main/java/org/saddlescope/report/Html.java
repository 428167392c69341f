package org.saddlescope.report;

import java.util.Locale;

/** Text as a page shows it: escaped for HTML, numbers rounded for reading (the files keep every digit). */
public final class Html {
    private Html() {}

    /** HTML escape for text and attribute values. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    /** 4 significant digits, plain between 10⁻³ and 10⁶, scientific (1.234e-05) outside; trailing zeros dropped. */
    static String round(double v) {
        if (!Double.isFinite(v)) return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            int decimals = Math.max(0, 3 - (int) Math.floor(Math.log10(a)));
            String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
        String s = String.format(Locale.ROOT, "%.3e", v);
        int e = s.indexOf('e');
        return s.substring(0, e).replaceAll("0+$", "").replaceAll("\\.$", "") + s.substring(e);
    }
}
