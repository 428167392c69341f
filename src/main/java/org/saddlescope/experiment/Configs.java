package org.saddlescope.experiment;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
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
import org.saddlescope.net.Activation;

/**
 * Config objects made of public fields ({@link NetworkSpec} and its kinds): YAML layers merged in order
 * (defaults &lt; preset &lt; file &lt; flags), one-line errors, the field list in declaration order.
 */
public final class Configs {
    private Configs() {}

    /** Activation fields are written as their spec string ("relu", "leaky_relu:0.1") and read back by Activation.parse. */
    static final SimpleModule TYPES = new SimpleModule("saddlescope-config-types")
            .addSerializer(Activation.class, new StdScalarSerializer<Activation>(Activation.class) {
                @Override
                public void serialize(Activation a, JsonGenerator g, SerializerProvider p) throws IOException {
                    g.writeString(a.name());
                }
            })
            .addDeserializer(Activation.class, new StdScalarDeserializer<Activation>(Activation.class) {
                @Override
                public Activation deserialize(JsonParser p, DeserializationContext c) throws IOException {
                    try {
                        return Activation.parse(p.getValueAsString());
                    } catch (IllegalArgumentException e) {
                        throw c.weirdStringException(p.getValueAsString(), Activation.class, e.getMessage());
                    }
                }
            });

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readYaml(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException("config file " + file + " does not exist");
        try {
            Object o = RunFolder.YAML.readValue(file.toFile(), Object.class);
            if (o == null) return new LinkedHashMap<>();
            if (!(o instanceof Map)) throw new BadInputException(file + ": expected a mapping of field: value");
            return (Map<String, Object>) o;
        } catch (IOException e) {
            throw new BadInputException(file + ": " + firstLine(e.getMessage()));
        }
    }

    public static <T> T merge(List<Map<String, Object>> layers, Class<T> type, String where) {
        Map<String, String> canonical = aliases(type);
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Map<String, Object> m : layers) {
            if (m == null) continue;
            m.forEach((k, v) -> merged.put(canonical.getOrDefault(k, k), v));
        }
        try {
            return RunFolder.YAML.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).convertValue(merged, type);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof UnrecognizedPropertyException u) {
                List<String> known = new ArrayList<>();
                for (Field f : fields(type)) known.add(f.getName());
                throw new BadInputException(where + ": unknown field '" + u.getPropertyName() + "' (known: " + String.join(", ", known) + ")");
            }
            if (c instanceof JsonMappingException j && !j.getPath().isEmpty()) {
                throw new BadInputException(where + ": bad value for '" + j.getPath().get(0).getFieldName() + "': " + firstLine(j.getOriginalMessage()));
            }
            throw new BadInputException(where + ": " + firstLine(c.getMessage()));
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

    static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
