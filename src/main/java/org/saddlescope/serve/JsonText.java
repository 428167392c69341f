package org.saddlescope.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.Json;

/** JSON for the page: numbers as the shortest text that reads back the same, NaN and infinities as null. */
final class JsonText {
    private JsonText() {}

    /** A map or list of plain values (Jackson), with non-finite doubles written as null. */
    static String of(Object value) {
        try {
            return Json.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(clean(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object clean(Object v) {
        if (v instanceof Double d) return Double.isFinite(d) ? d : null;
        if (v instanceof Float f) return Float.isFinite(f) ? f : null;
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, clean(x)));
            return out;
        }
        if (v instanceof List<?> l) return l.stream().map(JsonText::clean).toList();
        if (v instanceof double[][] cols) return new Raw(columns(cols));
        return v;
    }

    /** Already-JSON text embedded as is. */
    record Raw(String json) {
        @com.fasterxml.jackson.annotation.JsonValue
        @com.fasterxml.jackson.annotation.JsonRawValue
        public String json() { return json; }
    }

    /** [[x...],[y...],...] with null for NaN; integers without ".0". */
    static String columns(double[][] cols) {
        StringBuilder b = new StringBuilder(16 * (cols.length == 0 ? 1 : cols[0].length * cols.length + 1));
        b.append('[');
        for (int c = 0; c < cols.length; c++) {
            if (c > 0) b.append(',');
            b.append('[');
            double[] col = cols[c];
            for (int i = 0; i < col.length; i++) {
                if (i > 0) b.append(',');
                number(b, col[i]);
            }
            b.append(']');
        }
        return b.append(']').toString();
    }

    static void number(StringBuilder b, double v) {
        if (!Double.isFinite(v)) {
            b.append("null");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            b.append((long) v);
        } else {
            float f = (float) v;
            // values held as float print as floats (7 digits, not the float's binary expansion)
            b.append((double) f == v ? Float.toString(f) : Double.toString(v));
        }
    }
}
