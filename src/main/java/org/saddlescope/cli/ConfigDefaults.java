package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Configs;
import org.saddlescope.config.Presets;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE} (and {@code --preset NAME} where a command has one) as picocli's default-value provider: an
 * option not given on the command line takes the file's value, else the preset's, else its own default. So YAML
 * values go through the same type converters as flags, and precedence is defaults &lt; preset &lt; file &lt; flags.
 * Keys are option names without dashes, with '_' or '-' between words (a run's config.yaml uses '_').
 *
 * <p>picocli (≥ 4.3) asks for defaults after the command line is parsed, so --config and --preset are known here.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    /** Keys that older config.yaml files hold for options a command no longer offers because it never honoured them. */
    static final Set<String> RETIRED = Set.of("dtype");
    /** Options that are not part of a run's configuration. */
    static final Set<String> NOT_KEYS = Set.of("help", "version", "config", "out", "quiet", "verbose", "resume", "h", "V", "q");

    private Object loadedFor;
    private Map<String, Object> file = Map.of();
    private Map<String, Object> preset = Map.of();
    private String fileName;
    private final Map<ArgSpec, String> supplied = new HashMap<>();
    private RuntimeException error;

    /** Installs a provider on every command (and subcommand) that has a --config option. */
    static void install(CommandLine cl) {
        if (cl.getCommandSpec().findOption("--config") != null) cl.setDefaultValueProvider(new ConfigDefaults());
        for (CommandLine sub : cl.getSubcommands().values()) install(sub);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || o.longestName().equals("--config")) return null;
        try {
            load(arg.command());
        } catch (RuntimeException e) {
            error = e; // picocli logs and drops a provider's exceptions: Main re-raises it after parsing (see #check)
            return null;
        }
        if (o.longestName().equals("--preset")) return file.get("preset") == null ? null : String.valueOf(file.get("preset"));
        for (Map<String, Object> layer : List.of(file, preset)) {
            for (String name : o.names()) {
                String k = key(name);
                Object v = layer.get(k);
                // null and [] leave the option to the next layer (picocli cannot convert an empty list default)
                if (v != null && !(v instanceof List<?> l && l.isEmpty())) {
                    String where = layer == file ? fileName + ": key '" + k + "'" : "preset '" + preset.get("preset") + "': key '" + k + "'";
                    supplied.put(arg, where);
                    try {
                        return text(v);
                    } catch (RuntimeException e) {
                        error = new BadInputException(where + ": " + e.getMessage()); // re-raised after parsing, as above
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /** Throws what went wrong reading the config file or the preset (unknown key, bad YAML), as bad input. */
    void check() {
        if (error != null) throw error;
    }

    /** Where a default came from ("FILE: key 'k'"), for error messages; null for the command line or built-in defaults. */
    String source(ArgSpec arg) {
        return supplied.get(arg);
    }

    private void load(CommandSpec spec) {
        OptionSpec cfg = spec.findOption("--config"), pre = spec.findOption("--preset");
        Object c = cfg == null ? null : cfg.getValue();
        Object p = pre == null ? null : pre.getValue();
        List<Object> now = new ArrayList<>();
        now.add(c);
        now.add(p);
        if (now.equals(loadedFor)) return;
        loadedFor = now;
        supplied.clear();
        file = c == null ? Map.of() : normalise(Configs.readYaml((Path) c));
        fileName = String.valueOf(c);
        Object presetName = p != null ? p : (pre != null ? file.get("preset") : null);
        preset = presetName == null ? Map.of() : normalise(Presets.get(String.valueOf(presetName)));
        check(spec, file, fileName);
        check(spec, preset, "preset '" + presetName + "'");
    }

    /** Every key must name an option of the command (or be a retired one): a misspelt key is bad input, not ignored. */
    private static void check(CommandSpec spec, Map<String, Object> layer, String where) {
        Set<String> known = spec.options().stream().flatMap(o -> java.util.Arrays.stream(o.names())).map(ConfigDefaults::key)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        known.removeAll(NOT_KEYS);
        for (String k : layer.keySet()) {
            if (known.contains(k) || RETIRED.contains(k)) continue;
            throw new BadInputException(where + ": unknown key '" + k + "' for " + spec.qualifiedName()
                    + " (delete it, or rename it to one of: " + known.stream().filter(n -> n.length() > 1).collect(Collectors.joining(", ")) + ")");
        }
    }

    private static Map<String, Object> normalise(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(key(k), v));
        return out;
    }

    static String key(String name) {
        return name.replaceFirst("^--?", "").replace('-', '_');
    }

    private static String text(Object v) {
        if (v instanceof List<?> l) return l.stream().map(String::valueOf).collect(Collectors.joining(","));
        if (v instanceof Map<?, ?>) throw new BadInputException("expected a value, got a mapping: " + v);
        return String.valueOf(v);
    }
}
