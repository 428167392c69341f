package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Configs;
import org.saddlescope.config.Presets;

/**
 * A sweep as written in SPEC.yaml ({@code saddlescope sweep SPEC.yaml}): which kind of run every point is, the base
 * config they share and the axes they vary, where they run and with what resources.
 * <pre>
 *   kind: example1                  # train | flow | escape | example1
 *   axes: {width: [4, 16], seed: [0, 1, 2]}
 *   # optional:
 *   name: figure2
 *   base: {iterations: 2000}        # fields of the kind's config.yaml, shared by every point
 *   base_config: run.yaml           # a config file under base (relative to the spec)
 *   preset: teacher-demo            # train: a preset under base_config
 *   seeds: 100                      # shorthand for a last axis seed: base seed .. base seed + 99
 *   executor: local                 # or slurm
 *   workers: 2                      # local: worker processes (default: cores / threads)
 *   threads: 1                      # threads of each point (default: cores / workers; Slurm: cpus_per_task)
 *   heap: 2g                        # Java heap of each worker process
 *   slurm: {partition: ..., time: "01:00:00", cpus_per_task: 1, mem: 2G, chunk: 10, max_parallel: 50,
 *           account: ..., qos: ..., constraint: ..., options: [...], setup: [...], java: ..., classpath: ...}
 *   collect: {escape: loss, confidence: 0.95}
 * </pre>
 */
public final class SweepSpec {
    public static final Set<String> KEYS = Set.of("kind", "name", "base", "base_config", "preset", "axes", "seeds", "executor",
            "workers", "threads", "heap", "slurm", "collect");

    /** Slurm resources and how a compute node starts a worker. Null fields are left to the cluster's defaults. */
    public record Slurm(String partition, String time, int cpusPerTask, String mem, int chunk, int maxParallel, String account,
                        String qos, String constraint, List<String> options, List<String> setup, String java, String classpath) {
        static final Set<String> KEYS = Set.of("partition", "time", "cpus_per_task", "mem", "chunk", "max_parallel", "account", "qos",
                "constraint", "options", "setup", "java", "classpath");
    }

    /** How {@code sweep collect} summarises: confidence of every interval; which escape time flow fits use. */
    public record CollectOptions(double confidence, String escape) {
        static final Set<String> KEYS = Set.of("confidence", "escape");
    }

    public final String kind;
    public final String name;
    /** The spec as it will be stored in the sweep folder (base_config and preset resolved into base). */
    public final Map<String, Object> stored;
    /** Kind defaults &lt; preset &lt; base_config &lt; base. */
    public final Map<String, Object> base;
    public final List<Axis> axes;
    public final String executor;
    public final int workers;
    public final int threads;
    public final String heap;
    public final Slurm slurm;
    public final CollectOptions collect;

    private SweepSpec(String kind, String name, Map<String, Object> stored, Map<String, Object> base, List<Axis> axes, String executor,
                      int workers, int threads, String heap, Slurm slurm, CollectOptions collect) {
        this.kind = kind;
        this.name = name;
        this.stored = stored;
        this.base = base;
        this.axes = axes;
        this.executor = executor;
        this.workers = workers;
        this.threads = threads;
        this.heap = heap;
        this.slurm = slurm;
        this.collect = collect;
    }

    /** Reads SPEC.yaml; relative base_config paths are relative to it. */
    public static SweepSpec read(Path file, Kinds kinds) {
        Map<String, Object> m = Configs.readYaml(file);
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(m, dir, name, kinds, file.toString());
    }

    /**
     * Checks every key and value; {@code dir} resolves a relative base_config; {@code defaultName} names the sweep
     * when the spec does not.
     */
    @SuppressWarnings("unchecked")
    public static SweepSpec parse(Map<String, Object> spec, Path dir, String defaultName, Kinds kinds, String where) {
        for (String k : spec.keySet()) {
            if (!KEYS.contains(k)) throw new BadInputException(where + ": unknown key '" + k + "' (known: " + String.join(", ", sorted(KEYS)) + ")");
        }
        Object kindValue = spec.get("kind");
        if (kindValue == null) throw new BadInputException(where + ": no kind (one of " + String.join(", ", kinds.names()) + ")");
        Kind kind = kinds.get(String.valueOf(kindValue), where);

        Map<String, Object> stored = new LinkedHashMap<>(spec);
        Map<String, Object> base = new LinkedHashMap<>(kind.defaults());
        Map<String, Object> resolved = new LinkedHashMap<>();
        if (spec.get("preset") != null) {
            String preset = String.valueOf(spec.get("preset"));
            resolved.putAll(Presets.get(preset));
            resolved.put("preset", preset);
        }
        if (spec.get("base_config") != null) {
            Path f = Path.of(String.valueOf(spec.get("base_config")));
            if (!f.isAbsolute() && dir != null) f = dir.resolve(f);
            resolved.putAll(Configs.readYaml(f));
        }
        Object b = spec.get("base");
        if (b != null && !(b instanceof Map)) throw new BadInputException(where + ": base must be a mapping of field: value");
        if (b != null) resolved.putAll((Map<String, Object>) b);
        Map<String, Object> normalised = new LinkedHashMap<>();
        resolved.forEach((k, v) -> normalised.put(k, YamlValues.normalize(v)));
        base.putAll(normalised);
        stored.remove("preset");
        stored.remove("base_config");
        stored.put("base", normalised);

        List<Axis> axes = new ArrayList<>();
        Object a = spec.get("axes");
        if (a != null && !(a instanceof Map)) throw new BadInputException(where + ": axes must be a mapping of field: values");
        if (a != null) for (Map.Entry<String, Object> e : ((Map<String, Object>) a).entrySet()) axes.add(Axis.parse(e.getKey(), e.getValue(), where));
        if (spec.get("seeds") != null) {
            int n = integer(spec.get("seeds"), where + ": seeds");
            if (n < 1) throw new BadInputException(where + ": seeds must be at least 1, got " + n);
            for (Axis x : axes) if (x.names().contains("seed")) throw new BadInputException(where + ": give seeds or an axis seed, not both");
            long first = base.get("seed") == null ? 0 : wholeNumber(base.get("seed"), where + ": base seed");
            axes.add(Axis.parse("seed", Map.of("from", first, "to", first + n - 1), where));
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Axis x : axes) for (String n : x.names()) if (!seen.add(n)) throw new BadInputException(where + ": field '" + n + "' is on two axes");

        String executor = String.valueOf(spec.getOrDefault("executor", "local")).toLowerCase(Locale.ROOT);
        if (!executor.equals("local") && !executor.equals("slurm")) throw new BadInputException(where + ": executor must be local or slurm, got " + executor);
        int workers = spec.get("workers") == null ? 0 : integer(spec.get("workers"), where + ": workers");
        int threads = spec.get("threads") == null ? 0 : integer(spec.get("threads"), where + ": threads");
        if (workers < 0 || threads < 0) throw new BadInputException(where + ": workers and threads must be ≥ 0 (0 = automatic)");
        String heap = spec.get("heap") == null ? null : String.valueOf(spec.get("heap"));
        if (heap != null && !heap.matches("\\d+[kKmMgG]?")) throw new BadInputException(where + ": heap must look like 2g or 1536m, got " + heap);
        String name = spec.get("name") == null ? defaultName : String.valueOf(spec.get("name"));
        return new SweepSpec(kind.name(), name, stored, base, axes, executor, workers, threads, heap,
                slurm(spec.get("slurm"), where), collect(spec.get("collect"), where));
    }

    @SuppressWarnings("unchecked")
    private static Slurm slurm(Object o, String where) {
        Map<String, Object> m = o == null ? Map.of() : map(o, where + ": slurm");
        for (String k : m.keySet()) {
            if (!Slurm.KEYS.contains(k)) throw new BadInputException(where + ": unknown key slurm." + k + " (known: " + String.join(", ", sorted(Slurm.KEYS)) + ")");
        }
        int cpus = m.get("cpus_per_task") == null ? 0 : integer(m.get("cpus_per_task"), where + ": slurm.cpus_per_task");
        int chunk = m.get("chunk") == null ? 0 : integer(m.get("chunk"), where + ": slurm.chunk");
        int maxParallel = m.get("max_parallel") == null ? 0 : integer(m.get("max_parallel"), where + ": slurm.max_parallel");
        if (cpus < 0 || chunk < 0 || maxParallel < 0) throw new BadInputException(where + ": slurm.cpus_per_task, chunk, max_parallel must be ≥ 0");
        return new Slurm(str(m, "partition"), str(m, "time"), cpus, str(m, "mem"), chunk, maxParallel, str(m, "account"), str(m, "qos"),
                str(m, "constraint"), strings(m.get("options"), where + ": slurm.options"), strings(m.get("setup"), where + ": slurm.setup"),
                str(m, "java"), str(m, "classpath"));
    }

    private static CollectOptions collect(Object o, String where) {
        Map<String, Object> m = o == null ? Map.of() : map(o, where + ": collect");
        for (String k : m.keySet()) {
            if (!CollectOptions.KEYS.contains(k)) throw new BadInputException(where + ": unknown key collect." + k + " (known: confidence, escape)");
        }
        double c = m.get("confidence") == null ? 0.95 : number(m.get("confidence"), where + ": collect.confidence");
        if (!(c > 0 && c < 1)) throw new BadInputException(where + ": collect.confidence must be in (0, 1), got " + c);
        String escape = String.valueOf(m.getOrDefault("escape", "loss"));
        if (!escape.equals("loss") && !escape.equals("output")) throw new BadInputException(where + ": collect.escape must be loss or output");
        return new CollectOptions(c, escape);
    }

    /**
     * A spec from the command line ({@code --kind}, {@code --set FIELD=VALUE}, {@code --preset}, {@code --axis
     * NAME=VALUES}), as a spec file would give it.
     */
    public static Map<String, Object> fromFlags(String kind, List<String> sets, String preset, List<String> axes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        Map<String, Object> base = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new BadInputException("--set " + s + ": expected field=value");
            base.put(s.substring(0, eq).trim(), YamlValues.yamlValue(s.substring(eq + 1).trim(), "--set " + s));
        }
        m.put("base", base);
        if (preset != null) m.put("preset", preset);
        Map<String, Object> ax = new LinkedHashMap<>();
        for (String a : axes) {
            Map.Entry<String, Object> e = Axis.parseFlag(a);
            if (ax.put(e.getKey(), e.getValue()) != null) throw new BadInputException("--axis " + e.getKey() + " is given twice");
        }
        m.put("axes", ax);
        return m;
    }


    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String at) {
        if (!(o instanceof Map)) throw new BadInputException(at + " must be a mapping");
        return (Map<String, Object>) o;
    }

    private static String str(Map<String, Object> m, String k) {
        return m.get(k) == null ? null : String.valueOf(m.get(k));
    }

    private static List<String> strings(Object o, String at) {
        if (o == null) return List.of();
        if (o instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object x : l) out.add(String.valueOf(x));
            return out;
        }
        if (o instanceof String s) return List.of(s);
        throw new BadInputException(at + " must be a list of strings");
    }

    static int integer(Object o, String at) {
        Object n = YamlValues.normalize(o);
        if (n instanceof Integer i) return i;
        throw new BadInputException(at + " must be an integer, got '" + o + "'");
    }

    static long wholeNumber(Object o, String at) {
        Object n = YamlValues.normalize(o);
        if (n instanceof Integer || n instanceof Long) return ((Number) n).longValue();
        throw new BadInputException(at + " must be an integer, got '" + o + "'");
    }

    private static double number(Object o, String at) {
        Object n = YamlValues.normalize(o);
        if (n instanceof Number x) return x.doubleValue();
        throw new BadInputException(at + " must be a number, got '" + o + "'");
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        java.util.Collections.sort(l);
        return l;
    }
}
