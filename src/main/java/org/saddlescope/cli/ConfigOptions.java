package org.saddlescope.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One option per public field of a config class (as {@link TrainCommand} does for TrainConfig), so that flags,
 * --config files and the run's config.yaml use the same names: field a_b is flag --a-b and YAML key a_b.
 */
final class ConfigOptions {
    private ConfigOptions() {}

    static void add(CommandSpec s, Class<?> cls, Map<String, String> help, Set<String> skip) {
        for (Field f : cls.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || skip.contains(f.getName())) continue;
            OptionSpec.Builder b = OptionSpec.builder("--" + f.getName().replace('_', '-'))
                    .description(help.getOrDefault(f.getName(), ""))
                    .paramLabel(f.getName().toUpperCase(Locale.ROOT));
            if (f.getType() == List.class) {
                Class<?> elem = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                b.type(List.class).auxiliaryTypes(elem).splitRegex(",");
            } else {
                b.type(box(f.getType()));
                if (f.getType() == boolean.class) b.arity("0..1"); // --flag or --flag false
            }
            s.addOption(b.build());
        }
    }

    /** The field options given on the command line, by field name. */
    static Map<String, Object> matched(CommandSpec spec, Class<?> cls, Set<String> skip) {
        Map<String, Object> flags = new LinkedHashMap<>();
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (OptionSpec o : spec.options()) {
            String name = o.longestName().substring(2).replace('-', '_');
            if (pr.hasMatchedOption(o) && !skip.contains(name) && isField(cls, name)) flags.put(name, o.getValue());
        }
        return flags;
    }

    private static boolean isField(Class<?> cls, String name) {
        try {
            return !Modifier.isStatic(cls.getField(name).getModifiers());
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static Class<?> box(Class<?> c) {
        if (c == int.class) return Integer.class;
        if (c == long.class) return Long.class;
        if (c == double.class) return Double.class;
        if (c == boolean.class) return Boolean.class;
        return c;
    }
}
