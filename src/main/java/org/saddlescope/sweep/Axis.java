package org.saddlescope.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.saddlescope.io.BadInputException;

/**
 * One axis of a sweep grid: a config field and its values, or several fields zipped (varied together, value i of
 * each). Written in a spec as
 * <pre>
 *   width: [4, 16]                                    # a list (a scalar is a list of one)
 *   seed: {from: 0, to: 99}                           # integers from..to, step 1 (or step: k)
 *   lr: {from: 0.01, to: 0.05, step: 0.01}            # from, from+step, ... up to to
 *   epsilon: {from: 1e-3, to: 1e-1, num: 5, scale: log}  # num points, evenly spaced (scale: log: in log)
 *   arch: {zip: {depth: [3, 4], lr: [0.1, 0.05]}}     # zipped: depth 3 with lr 0.1, depth 4 with lr 0.05
 * </pre>
 * and on the command line as {@code --axis width=4,16}, {@code --axis seed=0..99} or any of the YAML forms
 * ({@code --axis 'epsilon={from: 1e-3, to: 1e-1, num: 5, scale: log}'}).
 */
public record Axis(List<String> names, List<List<Object>> values) {
    public Axis {
        names = List.copyOf(names);
        List<List<Object>> v = new ArrayList<>();
        for (List<Object> l : values) v.add(java.util.Collections.unmodifiableList(new ArrayList<>(l)));
        values = List.copyOf(v);
    }

    /** Number of values (every zipped field has this many). */
    public int size() {
        return values.get(0).size();
    }

    /** The i-th combination of values, by field name. */
    public Map<String, Object> at(int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) m.put(names.get(k), values.get(k).get(i));
        return m;
    }

    /** Step ranges accept values up to this relative distance past {@code to} (so 0.1 + 0.1 + 0.1 ≤ 0.3 counts). */
    static final double RANGE_SLACK = 1e-9;
    /** A range longer than this is a typo, not a sweep. */
    static final int MAX_VALUES = 1_000_000;

    private static final Pattern INT_RANGE = Pattern.compile("^\\s*(-?\\d+)\\s*\\.\\.\\s*(-?\\d+)\\s*$");

    /** Parses the value of axis {@code key} in a spec; {@code where} names the file for error messages. */
    @SuppressWarnings("unchecked")
    public static Axis parse(String key, Object spec, String where) {
        String at = where + ": axis '" + key + "'";
        if (spec instanceof Map<?, ?> m) {
            if (m.containsKey("zip")) {
                if (m.size() != 1) throw new BadInputException(at + ": a zipped axis has only the key 'zip'");
                if (!(m.get("zip") instanceof Map<?, ?> z) || z.isEmpty()) {
                    throw new BadInputException(at + ": zip takes a mapping of field: [values]");
                }
                List<String> names = new ArrayList<>();
                List<List<Object>> values = new ArrayList<>();
                for (Map.Entry<?, ?> e : z.entrySet()) {
                    names.add(String.valueOf(e.getKey()));
                    values.add(parse(String.valueOf(e.getKey()), e.getValue(), where).values().get(0));
                }
                for (int k = 1; k < values.size(); k++) {
                    if (values.get(k).size() != values.get(0).size()) {
                        throw new BadInputException(at + ": zipped fields need equal lengths, " + names.get(0) + " has "
                                + values.get(0).size() + " values and " + names.get(k) + " has " + values.get(k).size());
                    }
                }
                return new Axis(names, values);
            }
            return new Axis(List.of(key), List.of(range((Map<String, Object>) m, at)));
        }
        if (spec instanceof List<?> l) {
            if (l.isEmpty()) throw new BadInputException(at + ": no values");
            List<Object> v = new ArrayList<>();
            for (Object o : l) v.add(YamlValues.normalize(o));
            return new Axis(List.of(key), List.of(v));
        }
        if (spec == null) throw new BadInputException(at + ": no values");
        return new Axis(List.of(key), List.of(List.of(YamlValues.normalize(spec))));
    }

    /**
     * {@code name=VALUES} from the command line as the (name, value) a spec's axes would hold: a,b,c is a list,
     * from..to an integer range, anything else a YAML value (a list, a range mapping, {zip: ...}).
     */
    public static Map.Entry<String, Object> parseFlag(String flag) {
        int eq = flag.indexOf('=');
        if (eq <= 0) throw new BadInputException("--axis " + flag + ": expected name=values (width=4,16 or seed=0..99)");
        String key = flag.substring(0, eq).trim();
        String text = flag.substring(eq + 1).trim();
        Matcher r = INT_RANGE.matcher(text);
        if (r.matches()) return Map.entry(key, Map.of("from", Long.parseLong(r.group(1)), "to", Long.parseLong(r.group(2))));
        Object v = YamlValues.yamlValue(text, "--axis " + flag);
        if (v instanceof String s && s.contains(",")) {
            List<Object> l = new ArrayList<>();
            for (String part : s.split(",")) l.add(YamlValues.yamlValue(part.trim(), "--axis " + flag));
            v = l;
        }
        parse(key, v, "--axis " + flag); // checked now, so the error names the flag
        return Map.entry(key, v);
    }

    private static List<Object> range(Map<String, Object> m, String at) {
        for (String k : m.keySet()) {
            if (!List.of("from", "to", "step", "num", "scale").contains(k)) {
                throw new BadInputException(at + ": unknown key '" + k + "' (a range has from, to, and step or num, and scale: linear|log)");
            }
        }
        if (!m.containsKey("from") || !m.containsKey("to")) throw new BadInputException(at + ": a range needs from and to");
        Number from = number(m.get("from"), at + ".from"), to = number(m.get("to"), at + ".to");
        String scale = String.valueOf(m.getOrDefault("scale", "linear"));
        if (!scale.equals("linear") && !scale.equals("log")) throw new BadInputException(at + ": scale must be linear or log, got " + scale);
        List<Object> out = new ArrayList<>();
        if (m.containsKey("num")) {
            if (m.containsKey("step")) throw new BadInputException(at + ": give step or num, not both");
            long n = number(m.get("num"), at + ".num").longValue();
            if (n < 1 || n > MAX_VALUES) throw new BadInputException(at + ": num must be in 1.." + MAX_VALUES + ", got " + n);
            double a = from.doubleValue(), b = to.doubleValue();
            if (scale.equals("log") && !(a > 0 && b > 0)) throw new BadInputException(at + ": a log range needs from, to > 0");
            for (long i = 0; i < n; i++) {
                double f = n == 1 ? 0 : (double) i / (n - 1);
                double v = scale.equals("log") ? Math.exp(Math.log(a) + f * (Math.log(b) - Math.log(a))) : a + f * (b - a);
                if (i == n - 1) v = b; // the end point exactly as written
                out.add(round(v));
            }
            return out;
        }
        if (scale.equals("log")) throw new BadInputException(at + ": a log range needs num");
        boolean ints = isInteger(from) && isInteger(to) && (!m.containsKey("step") || isInteger(number(m.get("step"), at)));
        if (ints) {
            long a = from.longValue(), b = to.longValue(), s = m.containsKey("step") ? number(m.get("step"), at).longValue() : 1;
            if (s <= 0) throw new BadInputException(at + ": step must be positive, got " + s);
            if ((b - a) / s + 1 > MAX_VALUES) throw new BadInputException(at + ": more than " + MAX_VALUES + " values");
            for (long v = a; v <= b; v += s) out.add(v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v);
        } else {
            double a = from.doubleValue(), b = to.doubleValue();
            if (!m.containsKey("step")) throw new BadInputException(at + ": a range of non-integers needs step or num");
            double s = number(m.get("step"), at).doubleValue();
            if (!(s > 0)) throw new BadInputException(at + ": step must be positive, got " + s);
            if ((b - a) / s + 1 > MAX_VALUES) throw new BadInputException(at + ": more than " + MAX_VALUES + " values");
            for (long i = 0; a + i * s <= b + RANGE_SLACK * Math.max(Math.abs(b), s); i++) out.add(round(a + i * s));
        }
        if (out.isEmpty()) throw new BadInputException(at + ": empty range (from > to)");
        return out;
    }

    /** 0.1 + 2·0.1 prints as 0.30000000000000004; a grid value should print as the 0.3 the user meant. */
    static double round(double v) {
        return new BigDecimal(v).round(new java.math.MathContext(12)).doubleValue();
    }

    private static boolean isInteger(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof java.math.BigInteger;
    }

    private static Number number(Object o, String at) {
        if (o instanceof Number n) return n;
        if (o instanceof String s) {
            try {
                if (s.matches("-?\\d+")) return Long.parseLong(s);
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new BadInputException(at + ": expected a number, got '" + o + "'");
    }
}
