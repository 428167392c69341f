package org.saddlescope.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Config objects made of public fields: YAML layers merged in order (defaults &lt; file &lt; flags), one-line errors. */
public final class Configs {
    private Configs() {}

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
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Map<String, Object> m : layers) if (m != null) merged.putAll(m);
        try {
            return RunFolder.YAML.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).convertValue(merged, type);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof UnrecognizedPropertyException u) {
                List<String> known = new ArrayList<>();
                for (var f : type.getFields()) if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) known.add(f.getName());
                throw new BadInputException(where + ": unknown field '" + u.getPropertyName() + "' (known: " + String.join(", ", known) + ")");
            }
            if (c instanceof JsonMappingException j && !j.getPath().isEmpty()) {
                throw new BadInputException(where + ": bad value for '" + j.getPath().get(0).getFieldName() + "': " + firstLine(j.getOriginalMessage()));
            }
            throw new BadInputException(where + ": " + firstLine(c.getMessage()));
        }
    }

    static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
