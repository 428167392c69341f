package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.config.Configs;
import org.saddlescope.config.Help;
import org.saddlescope.config.InitSpec;
import org.saddlescope.config.NetworkSpec;
import org.saddlescope.config.Presets;
import org.saddlescope.config.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** One config: the spec's fields are one option each, with one description, on every command; YAML through picocli. */
class ConfigTest {

    /** A teacher-demo config.yaml as runs wrote it before the spec (spectra_k, not top_k; null init_file). */
    static final String OLD_TEACHER_DEMO = String.join("\n", "preset: teacher-demo", "dataset: \"teacher:n=256,d=16,out=4,rank=1\"",
            "subset: 0", "test_subset: 0", "standardize: auto", "hidden:", "- 32", "- 32", "- 32", "activation: relu", "cost: mse",
            "init: gaussian", "init_scale: 0.001", "epsilon: 0.01", "small_layers: []", "init_norm: 0.0", "init_file: null",
            "batch: 0", "lr: 0.02", "lr_power: 2.0", "steps: 3000", "epochs: 0", "loss_target: 0.0", "log_every: 10",
            "eval_every: 10", "checkpoint_every: 0", "eval_samples: 10000", "seed: 0", "dtype: float64", "spectra_k: 10",
            "spectra_every: log", "");

    @Test
    void everySpecFieldIsOneOptionWithOneDescriptionOnEveryCommand() {
        CommandLine cl = Main.commandLine();
        List<String> commands = List.of("train", "flow", "sweep", "escape");
        for (Field f : Configs.fields(InitSpec.class)) {
            Help h = f.getAnnotation(Help.class);
            assertNotNull(h, f.getName() + " has no @Help");
            boolean network = f.getDeclaringClass() == NetworkSpec.class;
            for (String c : commands) {
                if (!network && c.equals("escape")) continue; // escape draws no θ0: no init options
                OptionSpec o = cl.getSubcommands().get(c).getCommandSpec().findOption(ConfigOptions.option(f.getName()));
                assertNotNull(o, c + " lacks --" + f.getName());
                assertTrue(String.join(" ", o.description()).startsWith(h.value()), c + " --" + f.getName() + ": " + String.join(" ", o.description()));
            }
        }
    }

    @Test
    void helpListsTheDefaultsOfEachKind() {
        String train = usage("train"), flow = usage("flow");
        assertTrue(train.contains("(default: 50,50,50)"), train);
        assertTrue(flow.contains("(default: 8,8,8,8)"), flow);
        assertTrue(flow.contains("(default: tanh)"), flow);
        assertTrue(train.contains("--batch-size"), "the PyTorch name is accepted");
        assertTrue(train.contains("--loss"), "the PyTorch name is accepted");
    }

    @Test
    void anExistingRunsConfigLoadsAndEqualsItsPreset(@TempDir Path tmp) throws Exception {
        Path yaml = tmp.resolve("config.yaml");
        Files.writeString(yaml, OLD_TEACHER_DEMO);
        TrainConfig fromFile = parseTrain("--config", yaml.toString());
        TrainConfig fromPreset = parseTrain("--preset", "teacher-demo");
        assertEquals(fromPreset.toMap(), fromFile.toMap());
        assertEquals(Presets.get("teacher-demo").get("hidden"), fromFile.hidden);
        assertEquals(10, fromFile.top_k);
    }

    @Test
    void precedenceIsDefaultsPresetFileFlags(@TempDir Path tmp) throws Exception {
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, "lr: 0.5\nsteps: 7\nactivation: \"leaky_relu:0.2\"\n");
        TrainConfig c = parseTrain("--preset", "teacher-demo", "--config", yaml.toString(), "--steps", "9", "--batch-size", "4", "--loss", "cross_entropy");
        assertEquals(List.of(32, 32, 32), c.hidden); // preset
        assertEquals(0.5, c.lr);                     // file over preset
        assertEquals(9, c.steps);                    // flag over file
        assertEquals("leaky_relu:0.2", c.activation.name()); // through the Activation converter
        assertEquals(4, c.batch);
        assertEquals("cross_entropy", c.cost);
        assertEquals("teacher-demo", c.preset);
        assertEquals(0.001, c.init_scale);           // preset over defaults
        assertEquals(new TrainConfig().eval_samples, c.eval_samples); // default
    }

    @Test
    void configFileErrorsNameTheFileAndTheKey(@TempDir Path tmp) throws Exception {
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, "steps: 3\nactivation: cube\n");
        CommandLineTest.Run r = CommandLineTest.run("train", "--config", yaml.toString(), "--out", tmp.resolve("x").toString());
        CommandLineTest.assertOneLineBadInput(r, "c.yaml: 'activation' (--activation)");
        assertTrue(r.err().contains("unknown activation 'cube'"), r.err());
        Files.writeString(yaml, "max_time: 3\nhiddn: [4]\n");
        CommandLineTest.assertOneLineBadInput(CommandLineTest.run("flow", "--config", yaml.toString(), "--out", tmp.resolve("y").toString()),
                "unknown key 'hiddn'");
        assertTrue(Files.notExists(tmp.resolve("x")) && Files.notExists(tmp.resolve("y")), "nothing written");
    }

    @Test
    void earlierEscapeAndExample1ConfigsLoad(@TempDir Path tmp) throws Exception {
        // config.yaml as escape and reproduce example1 wrote them before the spec: option names with dashes, the
        // --depth/--width shorthand, a dtype the search never honoured.
        Path esc = tmp.resolve("escape.yaml");
        Files.writeString(esc, String.join("\n", "seed: 3", "dtype: float64", "dataset: example1", "subset: 0", "cost: auto",
                "depth: 2", "width: 4", "activation: relu", "restarts: 2", "solver: rgd", "iterations: 50", "lr: 0.05",
                "tolerance: 1.0E-10", "prune: true", "polish: true", "path: auto", "extend-to: 0", "top-k: 3", ""));
        Path out = tmp.resolve("e");
        assertEquals(0, Main.execute("escape", "--config", esc.toString(), "--out", out.toString(), "-q"));
        var cfg = Configs.merge(List.of(Configs.readYaml(out.resolve("config.yaml"))), org.saddlescope.config.EscapeConfig.class, "test");
        assertEquals(List.of(4), cfg.hidden);
        assertEquals(3, cfg.seed);
        assertEquals(3, cfg.top_k);
        Path ex = tmp.resolve("example1.yaml");
        Files.writeString(ex, String.join("\n", "widths: [4]", "runs: 2", "steps: 20", "lr: 0.05", "curve-points: 8", "compare-width: 4",
                "compare-runs: 0", "compare-iterations: 10", "bench: false", "bench-runs: 10", "python: /usr/bin/python3", ""));
        assertEquals(0, Main.execute("reproduce", "example1", "--config", ex.toString(), "--out", tmp.resolve("x").toString(), "-q"));
    }

    static TrainConfig parseTrain(String... args) {
        CommandLine root = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        root.parseArgs(all);
        CommandLine cl = root.getSubcommands().get("train");
        if (cl.getDefaultValueProvider() instanceof ConfigDefaults d) d.check();
        Map<String, Object> values = ConfigOptions.values(cl.getCommandSpec(), TrainConfig.class, java.util.Set.of());
        return TrainConfig.merge(List.of(values), "test");
    }

    static String usage(String command) {
        // help wraps lines: compare with single spaces
        return Main.commandLine().getSubcommands().get(command).getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    }
}
