package org.saddlescope.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.saddlescope.io.BadInputException;

/**
 * Named training configurations (the paper's experiments of appendices B and C, and quick demos), kept as data
 * in presets.yaml beside this class: each preset's {@code fields} block is a config.yaml.
 */
public final class Presets {
    private Presets() {}

    private record Preset(String description, Map<String, Object> fields) { }

    private static final Map<String, Preset> PRESETS = load();

    @SuppressWarnings("unchecked")
    private static Map<String, Preset> load() {
        try (InputStream in = Presets.class.getResourceAsStream("presets.yaml")) {
            if (in == null) throw new IllegalStateException("presets.yaml missing from the jar");
            Map<String, Object> all = new Yaml(new LoaderOptions()).load(in);
            Map<String, Preset> out = new LinkedHashMap<>();
            all.forEach((name, v) -> {
                Map<String, Object> p = (Map<String, Object>) v;
                Map<String, Object> fields = new LinkedHashMap<>((Map<String, Object>) p.get("fields"));
                fields.put("preset", name);
                out.put(name, new Preset((String) p.get("description"), fields));
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fields of a preset (a fresh copy), with {@code preset} set to its name. */
    public static Map<String, Object> get(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) throw new BadInputException("unknown preset '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        return new LinkedHashMap<>(p.fields());
    }

    public static Map<String, String> descriptions() {
        Map<String, String> d = new LinkedHashMap<>();
        PRESETS.forEach((k, v) -> d.put(k, v.description()));
        return d;
    }
}
