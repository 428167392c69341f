package org.saddlescope.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.io.BadInputException;
import org.saddlescope.config.Configs;
import org.saddlescope.io.FolderLock;
import org.saddlescope.io.Json;
import org.saddlescope.io.AtomicFiles;

/**
 * A sweep's folder:
 * <pre>
 *   sweep.yaml            the spec (base_config and preset resolved): {@code saddlescope sweep DIR} continues it
 *   plan.json             every point: index, name, axis values
 *   configs/NAME.yaml     the config each point runs (base + its axis values), what its command reads
 *   points/NAME/          the point's ordinary run folder (config.yaml, manifest.json, ...)
 *   state/NAME.json       the sweep's record of the point (running, done, failed; exit code, error, attempt)
 *   state/NAME.lock       locked by the worker that runs the point, so no two run it and status can tell
 *   logs/NAME.log         the point's output, every attempt appended
 *   slurm/                batch scripts, submitted job ids, Slurm's own output files
 *   results.csv, aggregates.csv, figures/   from {@code sweep collect}
 * </pre>
 */
public final class SweepFolder {
    public enum Status { PENDING, RUNNING, DONE, FAILED, INTERRUPTED }

    public record Entry(Point point, Status status, PointState state) { }

    private final Path root;

    private SweepFolder(Path root) {
        this.root = root;
    }

    public Path root() { return root; }
    public Path pointFolder(String name) { return root.resolve("points").resolve(name); }
    public Path configFile(String name) { return root.resolve("configs").resolve(name + ".yaml"); }
    public Path stateFile(String name) { return root.resolve("state").resolve(name + ".json"); }
    public Path lockFile(String name) { return root.resolve("state").resolve(name + ".lock"); }
    public Path logFile(String name) { return root.resolve("logs").resolve(name + ".log"); }
    public Path slurmDir() { return root.resolve("slurm"); }

    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve(RunFiles.SWEEP)) && Files.isRegularFile(dir.resolve("plan.json"));
    }

    /** Opens an existing sweep folder; bad input if {@code dir} is not one. */
    public static SweepFolder open(Path dir) {
        if (!isSweep(dir)) throw new BadInputException("no sweep at " + dir + " (it has no sweep.yaml and plan.json)");
        return new SweepFolder(dir);
    }

    /** The stored spec. */
    public SweepSpec spec(Kinds kinds) {
        return SweepSpec.parse(Configs.readYaml(root.resolve(RunFiles.SWEEP)), root, root.getFileName().toString(), kinds,
                root.resolve(RunFiles.SWEEP).toString());
    }

    /**
     * Checks that {@code points} can live in {@code dir} (a new folder, or one whose points of the same name were
     * planned with the same configs: a sweep can be continued or grown, not silently changed), writing nothing.
     */
    public static void checkCompatible(Path dir, List<Point> points) {
        if (Files.exists(dir) && !isSweep(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) throw new BadInputException(dir + " exists and is not a sweep folder; use another --out");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        checkPoints(dir, points);
    }

    private static void checkPoints(Path dir, List<Point> points) {
        for (Point p : points) {
            Path c = dir.resolve("configs").resolve(p.name() + ".yaml");
            if (!Files.exists(c)) continue;
            Map<String, Object> old = Configs.readYaml(c);
            if (!sameValues(old, p.config())) {
                throw new BadInputException(dir + " already has point " + p.name() + " with another config (" + difference(old, p.config())
                        + "); use another --out");
            }
        }
    }

    /**
     * The sweep folder's own lock ({@link FolderLock}), held while its plan or its collected results are written, so
     * that two commands never write them at once (the points have locks of their own, {@link #tryLock}).
     */
    public FolderLock lock(String command) {
        return FolderLock.acquire(root, command, h -> new BadInputException("sweep " + root + " is being written by " + h.describe()
                + "; wait for it to finish"));
    }

    /** Writes sweep.yaml, plan.json and configs/ (after {@link #checkCompatible}), holding the folder's lock. */
    public static SweepFolder create(Path dir, SweepSpec spec, List<Point> points) {
        checkCompatible(dir, points);
        SweepFolder f = new SweepFolder(dir);
        try {
            for (String sub : List.of("configs", "points", "state", "logs")) Files.createDirectories(dir.resolve(sub));
        } catch (IOException e) {
            throw new BadInputException("cannot create sweep folder " + dir + ": " + e.getMessage());
        }
        try (FolderLock held = f.lock("sweep")) {
            checkPoints(dir, points); // again, now that no other command can write the plan
            f.writePlan(spec, points);
        }
        return f;
    }

    private void writePlan(SweepSpec spec, List<Point> points) {
        Path dir = root;
        SweepFolder f = this;
        AtomicFiles.writeAtomically(dir.resolve(RunFiles.SWEEP), yaml(spec.stored));
        List<Map<String, Object>> plan = new ArrayList<>();
        for (Point p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.index());
            m.put("name", p.name());
            m.put("axes", p.axes());
            plan.add(m);
            Path c = f.configFile(p.name());
            if (!Files.exists(c)) AtomicFiles.writeAtomically(c, yaml(p.config()));
        }
        try {
            AtomicFiles.writeAtomically(dir.resolve("plan.json"), Json.JSON.writeValueAsBytes(plan));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The points of the plan, with the configs they run. */
    public List<Point> points() {
        try {
            List<Map<String, Object>> plan = Json.JSON.readValue(root.resolve("plan.json").toFile(), new TypeReference<>() { });
            List<Point> out = new ArrayList<>();
            for (Map<String, Object> m : plan) {
                String name = (String) m.get("name");
                @SuppressWarnings("unchecked")
                Map<String, Object> axes = (Map<String, Object>) m.get("axes");
                out.add(new Point(((Number) m.get("index")).intValue(), name, axes, Configs.readYaml(configFile(name))));
            }
            return out;
        } catch (IOException e) {
            throw new BadInputException("unreadable " + root.resolve("plan.json") + ": " + e.getMessage());
        }
    }

    public PointState state(String name) {
        Path f = stateFile(name);
        if (!Files.exists(f)) return null;
        try {
            return Json.JSON.readValue(f.toFile(), PointState.class);
        } catch (IOException e) {
            return null; // unreadable record (never half-written: atomic): treat the point as not started
        }
    }

    public void writeState(String name, PointState s) {
        try {
            AtomicFiles.writeAtomically(stateFile(name), Json.JSON.writeValueAsBytes(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes a point runnable again (retry), keeping its attempt count; its folder stays, so a resumable run continues. */
    public void retry(String name) {
        PointState s = state(name);
        if (s != null) writeState(name, s.pending());
    }

    /** Every point with its status; RUNNING only while some process holds the point's lock. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Point p : points()) {
            PointState s = state(p.name());
            Status st;
            if (s == null || PointState.PENDING.equals(s.status())) st = Status.PENDING;
            else if (PointState.DONE.equals(s.status())) st = Status.DONE;
            else if (PointState.FAILED.equals(s.status())) st = Status.FAILED;
            else st = locked(p.name()) ? Status.RUNNING : Status.INTERRUPTED;
            out.add(new Entry(p, st, s));
        }
        return out;
    }

    /** Whether some process holds the point's lock (a worker is running it); a lock held here is not probed ({@link FolderLock}). */
    public boolean locked(String name) {
        return FolderLock.liveHolderOfFile(lockFile(name)) != null;
    }

    /** The point's lock if no one holds it (no other process, no other worker thread here), else null. Close it to release. */
    public FolderLock tryLock(String name) {
        try {
            Files.createDirectories(lockFile(name).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return FolderLock.tryAcquireFile(lockFile(name), "sweep point " + name);
    }

    static byte[] yaml(Object o) {
        try {
            return Json.YAML.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Same fields with the same values, numbers compared as numbers (YAML reads 1e-3 as text, 0.001 as a number). */
    static boolean sameValues(Map<String, Object> a, Map<String, Object> b) {
        return Objects.equals(YamlValues.normalize(a), YamlValues.normalize(widen(b)));
    }

    private static Object widen(Object o) {
        return YamlValues.normalize(YamlValues.yamlValue(new String(yaml(o), java.nio.charset.StandardCharsets.UTF_8), "config"));
    }

    private static String difference(Map<String, Object> old, Map<String, Object> now) {
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) YamlValues.normalize(old), b = (Map<String, Object>) widen(now);
        for (String k : b.keySet()) if (!Objects.equals(a.get(k), b.get(k))) return k + ": " + a.get(k) + " then, " + b.get(k) + " now";
        for (String k : a.keySet()) if (!b.containsKey(k)) return k + ": " + a.get(k) + " then, absent now";
        return "same values";
    }
}
