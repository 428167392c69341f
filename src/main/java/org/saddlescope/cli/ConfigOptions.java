package org.saddlescope.cli;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.saddlescope.config.Configs;
import org.saddlescope.config.Help;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One option per field of a config class ({@code NetworkSpec} and its kinds), so that flags, --config files and the
 * run's config.yaml use the same names: field a_b is flag --a-b and YAML key a_b; a field's {@link JsonAlias} names
 * are accepted too (--batch-size for batch). The description is the field's {@link Help} line with the default of
 * that kind of run.
 */
final class ConfigOptions {
    private ConfigOptions() {}

    static void add(CommandSpec s, Class<?> cls, Set<String> skip) {
        Object defaults = newInstance(cls);
        for (Field f : Configs.fields(cls)) {
            if (skip.contains(f.getName())) continue;
            List<String> names = new ArrayList<>();
            names.add(option(f.getName()));
            JsonAlias alias = f.getAnnotation(JsonAlias.class);
            if (alias != null) for (String a : alias.value()) names.add(option(a));
            Help help = f.getAnnotation(Help.class);
            if (help == null) throw new IllegalStateException(cls.getSimpleName() + "." + f.getName() + " has no @Help line");
            OptionSpec.Builder b = OptionSpec.builder(names.toArray(new String[0]))
                    .description(help.value() + defaultText(f, defaults))
                    .paramLabel(f.getName().toUpperCase(Locale.ROOT));
            if (f.getType() == List.class) {
                Class<?> elem = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                b.type(List.class).auxiliaryTypes(elem).splitRegex(",");
            } else {
                b.type(optionType(f.getType()));
                if (f.getType() == boolean.class) b.arity("0..1"); // --flag or --flag false
            }
            s.addOption(b.build());
        }
    }

    /** The field options that have a value (given on the command line, or by --config/--preset), by field name. */
    static Map<String, Object> values(CommandSpec spec, Class<?> cls, Set<String> skip) {
        Map<String, Object> flags = new LinkedHashMap<>();
        Set<String> fields = Configs.fields(cls).stream().map(Field::getName).collect(Collectors.toSet());
        for (OptionSpec o : spec.options()) {
            String name = field(o);
            if (fields.contains(name) && !skip.contains(name) && o.getValue() != null) flags.put(name, o.getValue());
        }
        return flags;
    }

    /** The field options given on the command line, by field name. */
    static Map<String, Object> matched(CommandSpec spec, Class<?> cls, Set<String> skip) {
        Map<String, Object> flags = new LinkedHashMap<>();
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        Set<String> fields = Configs.fields(cls).stream().map(Field::getName).collect(Collectors.toSet());
        for (OptionSpec o : spec.options()) {
            String name = field(o);
            if (pr.hasMatchedOption(o) && fields.contains(name) && !skip.contains(name)) flags.put(name, o.getValue());
        }
        return flags;
    }

    /** The config field an option stands for: its first (canonical) long name. */
    static String field(OptionSpec o) {
        return o.names()[0].replaceFirst("^--?", "").replace('-', '_');
    }

    static String option(String field) {
        return "--" + field.replace('_', '-');
    }

    private static String defaultText(Field f, Object defaults) {
        try {
            Object v = f.get(defaults);
            if (v == null) return "";
            String s = v instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(v);
            return s.isEmpty() ? " (default: none)" : " (default: " + s + ")";
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object newInstance(Class<?> cls) {
        try {
            return cls.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(cls + " needs a public no-argument constructor", e);
        }
    }

    /**
     * Numbers and flags as picocli converts them; a typed field (dtype, init, optimizer, activation, ...) as its text,
     * which the config's reader parses once, with the field's name in its message.
     */
    private static Class<?> optionType(Class<?> c) {
        Class<?> b = box(c);
        return b.getName().startsWith("java.") ? b : String.class;
    }

    private static Class<?> box(Class<?> c) {
        if (c == int.class) return Integer.class;
        if (c == long.class) return Long.class;
        if (c == double.class) return Double.class;
        if (c == boolean.class) return Boolean.class;
        return c;
    }
}
