package org.saddlescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.saddlescope.io.BadInputException;

/** Spec parsing, axes (lists, ranges, log ranges, zips, seeds) and the grid they make. */
class SweepSpecTest {
    /** A kind that takes any config and leaves out points whose "skip" field is true. */
    static final Kind ANY = new Kind() {
        @Override public String name() { return "any"; }
        @Override public Map<String, Object> defaults() { return Map.of("steps", 10); }

        @Override
        public Map<String, Object> pointConfig(Map<String, Object> base, Map<String, Object> axes) {
            Map<String, Object> c = new LinkedHashMap<>(base);
            c.putAll(axes);
            return Boolean.TRUE.equals(c.get("skip")) ? null : c;
        }

        @Override public String skipReason() { return "skip is true"; }

        @Override
        public void validate(Map<String, Object> config, String where) {
            if (config.containsKey("bad")) throw new BadInputException(where + ": bad field");
        }

        @Override public List<String> arguments(Path config, Path folder, int threads, boolean resume) { return List.of(); }
        @Override public Map<String, Object> results(Path folder) { return Map.of(); }
    };
    static final Kinds KINDS = new Kinds(List.of(ANY));

    static SweepSpec parse(String yaml) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) YamlValues.yamlValue(yaml, "test");
        return SweepSpec.parse(m, null, "t", KINDS, "spec.yaml");
    }

    static List<Object> values(String axisYaml) {
        return parse("{kind: any, axes: {x: " + axisYaml + "}}").axes.get(0).values().get(0);
    }

    @Test
    void listsAndScalars() {
        assertEquals(List.of(4, 16), values("[4, 16]"));
        assertEquals(List.of(0.5), values("0.5"));
        // 1e-3 is text to YAML 1.1; as a grid value it is the number 0.001
        assertEquals(List.of(0.001, 0.01), values("[1e-3, 0.01]"));
        assertEquals(List.of("relu", "tanh"), values("[relu, tanh]"));
    }

    @Test
    void ranges() {
        assertEquals(List.of(0, 1, 2, 3), values("{from: 0, to: 3}"));
        assertEquals(List.of(2, 5, 8), values("{from: 2, to: 9, step: 3}"));
        // 0.1 + 0.1 + 0.1 > 0.3 in binary: the end point still counts, and prints as written
        assertEquals(List.of(0.1, 0.2, 0.3), values("{from: 0.1, to: 0.3, step: 0.1}"));
        assertEquals(List.of(0.0, 0.25, 0.5, 0.75, 1.0), values("{from: 0, to: 1, num: 5}"));
        List<Object> log = values("{from: 1e-3, to: 1e-1, num: 5, scale: log}");
        assertEquals(5, log.size());
        assertEquals(0.001, (double) log.get(0), 0.0);
        assertEquals(0.1, (double) log.get(4), 0.0);
        // evenly spaced in log: ratio 10^(1/2) between neighbours, to the 12 digits values are rounded to
        for (int i = 1; i < 5; i++) assertEquals(Math.sqrt(10), (double) log.get(i) / (double) log.get(i - 1), 1e-10);
    }

    @Test
    void zippedAxesVaryTogether() {
        SweepSpec s = parse("{kind: any, axes: {arch: {zip: {depth: [3, 4], lr: [0.1, 0.05]}}, seed: [0, 1]}}");
        Grid.Expanded g = Grid.expand(s, ANY, "spec.yaml");
        assertEquals(4, g.points().size());
        assertEquals(Map.of("depth", 3, "lr", 0.1, "seed", 0), g.points().get(0).axes());
        assertEquals(Map.of("depth", 4, "lr", 0.05, "seed", 1), g.points().get(3).axes());
        assertEquals("depth=4_lr=0.05_seed=1", g.points().get(3).name());
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {a: {zip: {depth: [3, 4], lr: [0.1]}}}}"));
    }

    @Test
    void gridOrderNamesAndBase() {
        SweepSpec s = parse("{kind: any, base: {lr: 0.05}, axes: {width: [4, 16]}, seeds: 3}");
        Grid.Expanded g = Grid.expand(s, ANY, "spec.yaml");
        List<String> names = new ArrayList<>();
        for (Point p : g.points()) names.add(p.name());
        // first axis outermost, seeds last
        assertEquals(List.of("width=4_seed=0", "width=4_seed=1", "width=4_seed=2", "width=16_seed=0", "width=16_seed=1", "width=16_seed=2"), names);
        Map<String, Object> c = g.points().get(4).config();
        assertEquals(10, c.get("steps")); // the kind's default
        assertEquals(0.05, c.get("lr"));
        assertEquals(16, c.get("width"));
        assertEquals(1, c.get("seed"));
        for (int i = 0; i < g.points().size(); i++) assertEquals(i, g.points().get(i).index());
    }

    @Test
    void seedsStartAtTheBaseSeed() {
        SweepSpec s = parse("{kind: any, base: {seed: 100}, seeds: 2}");
        assertEquals(List.of(100, 101), s.axes.get(0).values().get(0));
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {seed: [1]}, seeds: 2}"));
    }

    @Test
    void theKindLeavesOutAndChecksPoints() {
        SweepSpec s = parse("{kind: any, axes: {skip: [false, true], x: [1, 2]}}");
        Grid.Expanded g = Grid.expand(s, ANY, "spec.yaml");
        assertEquals(2, g.points().size());
        assertEquals(2, g.skipped());
        BadInputException e = assertThrows(BadInputException.class,
                () -> Grid.expand(parse("{kind: any, axes: {bad: [1, 2]}}"), ANY, "spec.yaml"));
        assertTrue(e.getMessage().contains("point bad=1"), e.getMessage());
        assertThrows(BadInputException.class, () -> Grid.expand(parse("{kind: any, axes: {skip: [true]}}"), ANY, "spec.yaml"));
    }

    @Test
    void badSpecsNameTheProblem() {
        assertTrue(assertThrows(BadInputException.class, () -> parse("{kind: any, axess: {}}")).getMessage().contains("axess"));
        assertTrue(assertThrows(BadInputException.class, () -> parse("{axes: {x: [1]}}")).getMessage().contains("no kind"));
        assertTrue(assertThrows(BadInputException.class, () -> parse("{kind: nope}")).getMessage().contains("unknown kind 'nope'"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {x: []}}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {x: {from: 3, to: 1}}}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {x: {from: 1, to: 3, num: 2, step: 1}}}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {x: {from: 0, to: 1, num: 3, scale: log}}}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, executor: cloud}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, slurm: {cpus: 2}}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, heap: lots}"));
        assertThrows(BadInputException.class, () -> parse("{kind: any, axes: {a: {zip: {x: [1]}}, x: [2]}}"));
    }

    @Test
    void flagAxes() {
        assertEquals(Map.entry("width", List.of(4, 16)), Axis.parseFlag("width=4,16"));
        assertEquals(Map.of("from", 0L, "to", 99L), Axis.parseFlag("seed=0..99").getValue());
        assertEquals(Map.of("from", 0.001, "to", 0.1, "num", 3, "scale", "log"),
                Axis.parseFlag("epsilon={from: 1e-3, to: 0.1, num: 3, scale: log}").getValue());
        assertThrows(BadInputException.class, () -> Axis.parseFlag("width"));
    }

    @Test
    void valuesPrintAsWritten() {
        assertEquals("0.001", Grid.format(0.001));
        assertEquals("1e-05", Grid.format(1e-5));
        assertEquals("3.0", Grid.format(3.0));
        assertEquals("100x100", Grid.format(List.of(100, 100)));
        assertEquals("dataset=modes_s_2_n_8", Grid.name(Map.of("dataset", "modes:s=2,n=8")));
        assertNull(YamlValues.normalize(null));
    }
}
