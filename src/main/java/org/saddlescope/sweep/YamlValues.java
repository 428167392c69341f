package org.saddlescope.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;

/** Sweep values as YAML reads them, numbers as numbers, so that 1e-3 and 0.001 are the same grid point. */
public final class YamlValues {
    private YamlValues() {}

    /** YAML text of one value (a flag's right-hand side), numbers as numbers. */
    public static Object yamlValue(String text, String where) {
        try {
            return normalize(Json.YAML.readValue(text.isEmpty() ? "''" : text, Object.class));
        } catch (IOException e) {
            throw new BadInputException(where + ": not a YAML value: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[-+]?\\d+");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    /**
     * Numbers written without a decimal point in the exponent form (1e-3) are strings to YAML 1.1; a sweep value
     * is a number when it reads as one, so that 1e-3 and 0.001 are the same grid point.
     */
    @SuppressWarnings("unchecked")
    public static Object normalize(Object v) {
        if (v instanceof String s) {
            String t = s.trim();
            if (INTEGER.matcher(t).matches()) {
                long l = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
                return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
            }
            if (DECIMAL.matcher(t).matches()) return Double.parseDouble(t);
            return s;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(normalize(o));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
            return out;
        }
        return v;
    }
}
