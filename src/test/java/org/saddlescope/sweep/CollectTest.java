package org.saddlescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.io.Json;

/** sweep collect on hand-made point folders: the tidy CSV, the aggregates over seeds, the figures of each kind. */
class CollectTest {
    /** Results are whatever the test wrote into the point's r.json. */
    static final Kind FAKE = new Kind() {
        @Override public String name() { return "fake"; }

        @Override public void validate(Map<String, Object> config, String where) { }
        @Override public List<String> arguments(Path config, Path folder, int threads, boolean resume) { return List.of(); }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> results(Path folder) {
            try {
                return Json.JSON.readValue(folder.resolve("r.json").toFile(), LinkedHashMap.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    static SweepFolder sweep(Path dir, String yaml) {
        @SuppressWarnings("unchecked")
        SweepSpec s = SweepSpec.parse((Map<String, Object>) YamlValues.yamlValue(yaml, "t"), null, "t", new Kinds(List.of(FAKE)), "t");
        return SweepFolder.create(dir, s, Grid.expand(s, FAKE, "t").points());
    }

    static void finish(SweepFolder f, String name, String status, Map<String, Object> results) throws Exception {
        Files.createDirectories(f.pointFolder(name));
        Files.write(f.pointFolder(name).resolve("r.json"), Json.JSON.writeValueAsBytes(results));
        f.writeState(name, new PointState(status, 1, status.equals("done") ? 0 : 1, status.equals("done") ? null : "boom", null, 1, "h", 1, "local",
                null, "t0", "t1", 0.5));
    }

    @Test
    void successByWidthOverSeeds(@TempDir Path tmp) throws Exception {
        SweepFolder f = sweep(tmp.resolve("s"), "{kind: fake, axes: {width: [4, 16], seed: [0, 1, 2]}}");
        double[] speeds4 = {0.41, 0.43, 0.42};
        for (int s = 0; s < 3; s++) finish(f, "width=4_seed=" + s, "done", Map.of("success", s == 1, "speed", speeds4[s]));
        finish(f, "width=16_seed=0", "done", Map.of("success", true, "speed", 0.5));
        finish(f, "width=16_seed=1", "failed", Map.of());
        // width=16_seed=2 never ran
        SweepSpec spec = f.spec(new Kinds(List.of(FAKE)));
        Collect.Summary c = Collect.run(f, spec, FAKE);
        assertEquals(4, c.done());
        assertEquals(1, c.failed());

        List<Map<String, String>> rows = RunFiles.rows(f.root().resolve("results.csv"));
        assertEquals(6, rows.size());
        assertEquals(List.of("done", "done", "done", "done", "failed", "pending"), rows.stream().map(r -> r.get("status")).toList());
        assertEquals("0.43", rows.get(1).get("speed"));

        Map<String, Map<String, String>> agg = new LinkedHashMap<>();
        for (Map<String, String> r : RunFiles.rows(f.root().resolve("aggregates.csv"))) agg.put(r.get("width") + "/" + r.get("metric"), r);
        Aggregate.Fraction one = Aggregate.fraction(1, 3, 0.95);
        assertEquals(Double.toString(one.low()), agg.get("4/success").get("ci_low"));
        assertEquals("1", agg.get("4/success").get("successes"));
        assertEquals("wilson", agg.get("4/success").get("interval"));
        Aggregate.Mean m = Aggregate.mean(speeds4, 0.95);
        // 1e-15: the mean of three two-digit decimals, summed and divided in float64, is 0.42 within an ulp or two
        assertEquals(0.42, Double.parseDouble(agg.get("4/speed").get("mean")), 1e-15);
        assertEquals(m.high(), Double.parseDouble(agg.get("4/speed").get("ci_high")), 0.0);
        assertEquals("1", agg.get("16/success").get("n"), "only finished points count");
        assertTrue(Files.exists(f.root().resolve("figures/success_vs_width.png")));
        assertTrue(c.markdown().contains("| 4 | – | 3 | 0.333 |"), c.markdown());
    }

    @Test
    void plateausAndTailRatioByDepth(@TempDir Path tmp) throws Exception {
        SweepFolder f = sweep(tmp.resolve("d"), "{kind: fake, axes: {depth: [2, 3], seed: [0, 1]}}");
        for (int depth = 2; depth <= 3; depth++) {
            for (int s = 0; s < 2; s++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("plateaus", depth + s);
                r.put("tail_ratio_after_first_escape_mean", 0.1 * depth);
                r.put("tail_ratio_end_mean", 0.01 * depth);
                for (int l = 1; l <= depth; l++) r.put("tail_ratio_end_l" + l, 0.01 * l);
                finish(f, "depth=" + depth + "_seed=" + s, "done", r);
            }
        }
        Collect.Summary c = Collect.run(f, f.spec(new Kinds(List.of(FAKE))), FAKE);
        assertTrue(Files.exists(f.root().resolve("figures/plateaus_by_depth.png")));
        // depth 3: plateaus 3 and 4, mean 3.5, t-interval 3.5 ± 12.706·0.7071/√2 = 3.5 ± 6.353
        assertTrue(c.markdown().contains("| 3 | – | 2 | 3.50 | [-2.85, 9.85] |"), c.markdown());
    }
}
