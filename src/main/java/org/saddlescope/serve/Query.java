package org.saddlescope.serve;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of a request's query string, percent-decoded once; the first of repeated names wins. */
record Query(Map<String, String> values) {
    static Query parse(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq)), v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (k != null && v != null) m.putIfAbsent(k, v);
            }
        }
        return new Query(m);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // a malformed escape: the parameter is left out
        }
    }

    String get(String name) { return values.get(name); }

    String get(String name, String otherwise) { return values.getOrDefault(name, otherwise); }

    /** A number parameter; {@code otherwise} when absent or not a number. */
    double number(String name, double otherwise) {
        String v = values.get(name);
        if (v == null || v.isBlank()) return otherwise;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
