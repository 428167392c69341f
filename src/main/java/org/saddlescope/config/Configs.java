package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import org.saddlescope.io.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saddlescope.io.BadInputException;

/**
 * Config objects made of public fields ({@link NetworkSpec} and its kinds): YAML layers merged in order
 * (defaults &lt; preset &lt; file &lt; flags), one-line errors, the field list in declaration order.
 */
public final class Configs {
    private Configs() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readYaml(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException("config file " + file + " does not exist");
        try {
            Object o = Mappers.READER.readValue(file.toFile(), Object.class);
            if (o == null) return new LinkedHashMap<>();
            if (!(o instanceof Map)) throw new BadInputException(file + ": expected a mapping of field: value");
            return (Map<String, Object>) o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String key = null;
            try {
                if (e.getProcessor() instanceof JsonParser jp) key = jp.currentName();
            } catch (IOException | RuntimeException ignored) {
                // no key to name
            }
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new BadInputException(file + (line > 0 ? ", line " + line : "") + (key != null ? ", " + name(key) : "") + ": "
                    + BadInputException.firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadInputException(file + ": " + BadInputException.firstLine(e.getMessage()));
        }
    }

    /** The strict mappers. */
    private static final class Mappers {
        /** YAML as a user writes it: a key given twice is an error, not "the last one wins". */
        static final ObjectMapper READER = Json.YAML.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

        /** Field values as declared: no 2.5 → 2, no null for a number, no unknown key. */
        static final ObjectMapper STRICT = Json.YAML.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /**
     * Merges the layers in order (later wins) onto the defaults of {@code type}, then checks every field
     * ({@link #check}) and the config's own cross-field rules ({@link Validated}): a config that comes out of
     * here is one a run can start from.
     */
    public static <T> T merge(List<Map<String, Object>> layers, Class<T> type, String where) {
        Map<String, String> canonical = aliases(type);
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Map<String, Object> m : layers) {
            if (m == null) continue;
            m.forEach((k, v) -> merged.put(canonical.getOrDefault(k, k), v));
        }
        T cfg = convert(merged, type, where);
        check(cfg, where);
        if (cfg instanceof Validated v) v.validate(where);
        return cfg;
    }

    private static <T> T convert(Map<String, Object> merged, Class<T> type, String where) {
        try {
            return Mappers.STRICT.convertValue(merged, type);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof UnrecognizedPropertyException u) {
                List<String> known = new ArrayList<>();
                for (Field f : fields(type)) known.add(f.getName());
                throw new BadInputException(where + ": unknown field '" + u.getPropertyName() + "' (known: " + String.join(", ", known) + ")");
            }
            if (c instanceof JsonMappingException j && !j.getPath().isEmpty()) {
                String field = j.getPath().get(0).getFieldName();
                if (j.getCause() instanceof IllegalArgumentException parse && parse.getMessage() != null) {
                    // a typed field's own parser (dtype, init, optimizer, ...): its message names the value and the choices
                    throw new BadInputException(where + ": " + name(field) + ": " + parse.getMessage());
                }
                String expected = field == null ? null : expectedType(type, field);
                throw new BadInputException(where + ": bad value for " + name(field) + ": "
                        + (expected != null ? "expected " + expected + ", got " + merged.get(field) : BadInputException.firstLine(j.getOriginalMessage())));
            }
            throw new BadInputException(where + ": " + BadInputException.firstLine(c.getMessage()));
        }
    }

    /** The config fields of a class (public, not static), the base class's first, each in declaration order. */
    public static List<Field> fields(Class<?> type) {
        Deque<Class<?>> chain = new ArrayDeque<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) chain.push(c);
        List<Field> out = new ArrayList<>();
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isPublic(m) && !Modifier.isStatic(m)) out.add(f);
            }
        }
        return out;
    }

    /** Alias → field name, from the fields' {@link JsonAlias} (old names that config.yaml files of earlier runs use). */
    static Map<String, String> aliases(Class<?> type) {
        Map<String, String> a = new LinkedHashMap<>();
        for (Field f : fields(type)) {
            JsonAlias al = f.getAnnotation(JsonAlias.class);
            if (al != null) for (String s : al.value()) a.put(s, f.getName());
        }
        return a;
    }

    /**
     * Per-field checks of a config object: every double finite, no null element in a list, and the field's
     * {@link Bounds} (on the value, or on every element of a list).
     */
    public static void check(Object cfg, String where) {
        for (Field f : fields(cfg.getClass())) {
            Object v;
            try {
                v = f.get(cfg);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            Bounds b = f.getAnnotation(Bounds.class);
            if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Object x = list.get(i);
                    if (x == null) throw new BadInputException(where + ": " + name(f.getName()) + " has an empty element (item " + (i + 1) + ")");
                    checkValue(name(f.getName()) + " item " + (i + 1), x, b, where);
                }
            } else if (v != null) {
                checkValue(name(f.getName()), v, b, where);
            }
        }
    }

    private static void checkValue(String what, Object v, Bounds b, String where) {
        if (!(v instanceof Number n)) return;
        double x = n.doubleValue();
        if (!Double.isFinite(x)) throw new BadInputException(where + ": " + what + " must be a finite number, got " + v);
        if (b == null) return;
        boolean low = b.minExclusive() ? x <= b.min() : x < b.min();
        if (low || x > b.max()) throw new BadInputException(where + ": " + what + " must be " + range(b) + ", got " + v);
    }

    static String range(Bounds b) {
        String lo = b.min() == Double.NEGATIVE_INFINITY ? null : (b.minExclusive() ? "> " : "≥ ") + num(b.min());
        String hi = b.max() == Double.POSITIVE_INFINITY ? null : "≤ " + num(b.max());
        if (lo != null && hi != null) return lo + " and " + hi;
        return lo != null ? lo : hi != null ? hi : "finite";
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** The value of a config field by name (for checks that go over several fields). */
    static Object value(Object cfg, String field) {
        try {
            return cfg.getClass().getField(field).get(cfg);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A field as the user knows it: YAML key and flag. */
    public static String name(String field) {
        return field == null ? "a field" : "'" + field + "' (--" + field.replace('_', '-') + ")";
    }

    private static String expectedType(Class<?> type, String field) {
        try {
            Class<?> t = type.getField(field).getType();
            if (t.isEnum() || !t.getName().startsWith("java.") && !t.isPrimitive()) return null;
            if (t == int.class || t == long.class || t == Integer.class || t == Long.class) return "an integer";
            if (t == double.class || t == Double.class) return "a number";
            if (t == boolean.class || t == Boolean.class) return "true or false";
            if (t == List.class) return "a list";
            if (t == String.class) return "a text";
            return null;
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
