package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.saddlescope.experiment.BadInputException;
import org.saddlescope.experiment.TrainConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE} for commands whose options are plain picocli fields: the YAML keys are the long option
 * names without dashes; flags given on the command line win over the file. {@link #snapshot} writes the same
 * map back (config.yaml of a run folder reruns it).
 */
final class YamlOptions {
    private YamlOptions() {}

    static final Set<String> SKIP = Set.of("help", "version", "config", "out", "quiet", "verbose");

    static void apply(CommandSpec spec, Path file) {
        apply(spec, TrainConfig.readYaml(file), file.toString());
    }

    /** The keys of {@code m} onto the options of a parsed {@code spec}; {@code where} names the source in errors. */
    static void apply(CommandSpec spec, Map<String, Object> m, String where) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            OptionSpec o = spec.findOption("--" + e.getKey());
            if (o == null || SKIP.contains(e.getKey())) {
                throw new BadInputException(where + ": unknown key '" + e.getKey() + "' (keys are the long option names without dashes)");
            }
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) continue;
            try {
                o.setValue(convert(o, e.getValue()));
            } catch (RuntimeException ex) {
                throw new BadInputException(where + ": key '" + e.getKey() + "': cannot use " + e.getValue() + " (" + ex.getMessage() + ")");
            }
        }
    }

    private static Object convert(OptionSpec o, Object v) {
        Class<?> t = o.type();
        if (List.class.isAssignableFrom(t)) {
            Class<?> el = o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0] : String.class;
            List<Object> out = new ArrayList<>();
            List<?> in = v instanceof List<?> l ? l : List.of(String.valueOf(v).split(","));
            for (Object x : in) out.add(scalar(el, x));
            return out;
        }
        return scalar(t, v);
    }

    private static Object scalar(Class<?> t, Object v) {
        String s = String.valueOf(v).trim();
        if (t == int.class || t == Integer.class) return Integer.parseInt(s);
        if (t == long.class || t == Long.class) return Long.parseLong(s);
        if (t == double.class || t == Double.class) return Double.parseDouble(s);
        if (t == boolean.class || t == Boolean.class) {
            if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) throw new IllegalArgumentException("not a boolean");
            return Boolean.parseBoolean(s);
        }
        if (t == Path.class) return Path.of(s);
        if (t.isEnum()) {
            for (Object c : t.getEnumConstants()) if (((Enum<?>) c).name().equalsIgnoreCase(s)) return c;
            throw new IllegalArgumentException("not one of " + java.util.Arrays.toString(t.getEnumConstants()));
        }
        return s;
    }

    /** Every option's current value by key (long name without dashes), for config.yaml. */
    static Map<String, Object> snapshot(CommandSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            String key = o.longestName().replaceFirst("^--?", "");
            if (SKIP.contains(key)) continue;
            Object v = o.getValue();
            if (v == null) continue;
            m.put(key, v instanceof Path p ? p.toString() : v);
        }
        return m;
    }
}
