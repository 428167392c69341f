package org.saddlescope.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.datasets.Standardization;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.Json;
import org.saddlescope.net.Precision;

/**
 * Issue 22, item 3: dtype, optimizer, init and standardize are typed, parsed once where a config is read, and a
 * config.yaml written when they were strings still loads and is written back byte for byte.
 */
class TypedConfigTest {
    /** config.yaml files as the string-typed code wrote them: a real MNIST run's, and one with every typed field off its default. */
    static final List<String> OLD = List.of("mnist-paper-w250.config.yaml", "other-values.config.yaml");

    static String resource(String name) throws Exception {
        try (var in = TypedConfigTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static TrainConfig read(Path dir, String yaml) throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), yaml);
        return TrainConfig.merge(List.of(TrainConfig.readYaml(f)), f.getFileName().toString());
    }

    static String written(TrainConfig cfg) throws Exception {
        return new String(Json.YAML.writeValueAsBytes(cfg.toMap()), StandardCharsets.UTF_8);
    }

    @Test
    void oldConfigYamlLoadsAndIsWrittenBackByteForByte(@TempDir Path tmp) throws Exception {
        for (String name : OLD) {
            String old = resource(name);
            assertEquals(old, written(read(tmp, old)), name);
        }
        TrainConfig paper = read(tmp, resource(OLD.get(0)));
        assertEquals(Precision.MIXED, paper.dtype);
        assertEquals(InitScheme.GAUSSIAN, paper.init);
        assertEquals(Standardization.AUTO, paper.standardize);
        assertEquals("sgd", paper.optimizer.text());
        assertEquals(OptimizerSpec.SGD, paper.optimizer); // equal as their texts are
        TrainConfig other = read(tmp, resource(OLD.get(1)));
        assertEquals(Precision.FLOAT32, other.dtype);
        assertEquals(InitScheme.ALIGNED, other.init);
        assertEquals(Standardization.FEATURE, other.standardize);
        assertEquals("adam:beta1=0.8,eps=1e-7", other.optimizer.text());
        assertEquals("adam:beta1=0.8,beta2=0.999,eps=1.0E-7", other.optimizer.create().spec());
    }

    @Test
    void defaultsAreWrittenAsTheStringsTheyWere() throws Exception {
        Map<String, Object> m = new TrainConfig().toMap();
        assertEquals("float64", m.get("dtype"));
        assertEquals("sgd", m.get("optimizer"));
        assertEquals("gaussian", m.get("init"));
        assertEquals("auto", m.get("standardize"));
        assertEquals("relu", m.get("activation"));
        assertEquals("he_scaled", Json.YAML.convertValue(new FlowConfig(), Map.class).get("init"));
    }

    @Test
    void otherSpellingsLoadAndAreWrittenInTheirOneName(@TempDir Path tmp) throws Exception {
        String base = resource(OLD.get(0));
        TrainConfig c = read(tmp, base.replace("dtype: mixed", "dtype: F32").replace("standardize: auto", "standardize: per-feature")
                .replace("init: gaussian", "init: HE"));
        assertEquals(Precision.FLOAT32, c.dtype);
        assertEquals(Standardization.FEATURE, c.standardize);
        assertEquals(InitScheme.HE, c.init);
        String out = written(c);
        assertTrue(out.contains("\ndtype: float32\n") && out.contains("\nstandardize: feature\n") && out.contains("\ninit: he\n"), out);
    }

    /** spectra_every is read once (a Cadence) and written as the user wrote it, not in Cadence's canonical form. */
    @Test
    void aCadenceIsReadOnceAndWrittenAsGiven(@TempDir Path tmp) throws Exception {
        String base = resource(OLD.get(0));
        assertTrue(base.contains("\nspectra_every: log+epoch\n"), "the old file names its cadence");
        TrainConfig c = read(tmp, base.replace("\nspectra_every: log+epoch\n", "\nspectra_every: LOG+steps:500\n"));
        assertEquals(new org.saddlescope.spectra.Cadence.Any(java.util.List.of(new org.saddlescope.spectra.Cadence.LogSpaced(org.saddlescope.spectra.Cadence.DEFAULT_PER_DECADE),
                new org.saddlescope.spectra.Cadence.EverySteps(500))), c.spectra_every.cadence());
        assertTrue(written(c).contains("\nspectra_every: LOG+steps:500\n"), written(c));
        BadInputException e = assertThrows(BadInputException.class, () -> read(tmp, base.replace("\nspectra_every: log+epoch\n", "\nspectra_every: log:x\n")));
        assertTrue(e.getMessage().startsWith("c.yaml: 'spectra_every' (--spectra-every): bad cadence 'log:x'"), e.getMessage());
    }

    @Test
    void aBadTypedValueIsOneLineNamingFileFieldAndValue(@TempDir Path tmp) throws Exception {
        String base = resource(OLD.get(0));
        String[][] cases = {
                {"dtype: mixed", "dtype: float16", "c.yaml: 'dtype' (--dtype): unknown dtype 'float16' (use float32, mixed or float64)"},
                {"init: gaussian", "init: zeros", "c.yaml: 'init' (--init): unknown init 'zeros' (use gaussian, he, he_scaled, pytorch, npz, aligned)"},
                {"optimizer: sgd", "optimizer: rmsprop", "c.yaml: 'optimizer' (--optimizer): unknown optimizer 'rmsprop'"},
                {"optimizer: sgd", "optimizer: adam:beta3=1", "c.yaml: 'optimizer' (--optimizer): optimizer 'adam:beta3=1': unknown key 'beta3'"},
                {"standardize: auto", "standardize: sometimes", "c.yaml: 'standardize' (--standardize): unknown standardize 'sometimes'"},
                {"activation: relu", "activation: cube", "c.yaml: 'activation' (--activation): unknown activation 'cube'"},
                {"dtype: mixed", "dtype: null", "c.yaml: 'dtype' (--dtype) is empty"},
                {"init: gaussian", "init: npz", "c.yaml: init=npz needs init_file (--init-file)"}};
        for (String[] k : cases) {
            assertTrue(base.contains(k[0]), k[0]);
            BadInputException e = assertThrows(BadInputException.class, () -> read(tmp, base.replace(k[0], k[1])), k[1]);
            assertTrue(e.getMessage().startsWith(k[2]), k[1] + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** A null list field (found by ConfigFuzzTest: "small_layers: null" threw a NullPointerException) is bad input. */
    @Test
    void aNullListIsBadInputNotACrash() {
        for (String f : new String[] {"small_layers", "hidden"}) {
            java.util.Map<String, Object> m = new java.util.HashMap<>();
            m.put(f, null);
            m.put("steps", 3);
            org.saddlescope.io.BadInputException e = assertThrows(org.saddlescope.io.BadInputException.class,
                    () -> TrainConfig.merge(List.of(m), "x.yaml"));
            assertTrue(e.getMessage().contains(f), e.getMessage());
        }
    }
}
