package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.Npz;
import org.saddlescope.linalg.DType;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.Version;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.io.Json;

/** A run's weights file explains itself: a provenance text entry beside W1..WL that NumPy reads and our readers skip. */
class ProvenanceTest {

    @Test
    void trainWeightsCarryConfigSeedVersionAndData(@TempDir Path tmp) throws Exception {
        TrainConfig c = TrainConfig.merge(List.of(Map.of("dataset", "teacher:n=16,d=3,out=2,seed=4", "hidden", List.of(5),
                "steps", 3, "seed", 7, "activation", "leaky_relu:0.1")), "test");
        Path out = tmp.resolve("run");
        TrainRun.start(c, out, 1, ProgressListener.NONE, List.of());
        for (String f : List.of("initial.npz", "final.npz")) {
            Path file = out.resolve("weights").resolve(f);
            JsonNode p = Json.JSON.readTree(Npz.readTexts(file).get(Weights.PROVENANCE));
            assertEquals("train", p.path("command").asText());
            assertEquals(7, p.path("seed").asLong());
            assertEquals(Version.VERSION, p.path("saddlescope").asText());
            assertEquals("leaky_relu:0.1", p.path("config").path("activation").asText());
            assertEquals(List.of(5), Json.JSON.convertValue(p.path("config").path("hidden"), List.class));
            assertEquals("teacher:n=16,d=3,out=2,seed=4", p.path("data").path("spec").asText());
            // the readers of weights see W1, W2 only: the file still loads into the network
            Network net = Weights.loadNew(file, c.activation, DType.F64);
            assertEquals(2, net.depth());
        }
    }

    @Test
    void textEntryIsANumpyZeroDimensionalUnicodeArray() {
        String text = "{\"θ\": \"ρ/‖ρ‖\", \"n\": 1}"; // characters beyond Latin-1 are one code point each
        byte[] npy = Npz.encodeText(text);
        String header = new String(npy, 10, npy.length - 10, StandardCharsets.ISO_8859_1);
        int cps = (int) text.codePoints().count();
        assertTrue(header.startsWith("{'descr': '<U" + cps + "', 'fortran_order': False, 'shape': (), }"), header);
        int data = 10 + ((npy[8] & 0xff) | (npy[9] & 0xff) << 8);
        assertEquals(0, data % 64, "data aligned to 64 bytes");
        assertEquals(data + 4 * cps, npy.length);
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(npy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals('{', le.getInt(data));          // UTF-32LE, one int per code point
        assertEquals('θ', le.getInt(data + 4 * 2));  // after '{' and '"'
    }

    @Test
    void numpyReadsTheProvenance(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(numpy(), "no /usr/bin/python3 with NumPy here");
        Network net = new Network(new int[] {2, 3, 1}, org.saddlescope.net.Activation.RELU, DType.F64);
        Path file = tmp.resolve("w.npz");
        Weights.save(net, file, Weights.provenance("test", 3, Map.of("hidden", List.of(3)), Map.of("spec", "example1")));
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import json, sys, numpy as np; d = np.load(sys.argv[1]); "
                + "p = json.loads(str(d['provenance'])); print(p['command'], p['seed'], p['config']['hidden'][0], d['W1'].shape)",
                file.toString()).redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), outText);
        assertEquals("test 3 3 (3, 2)", outText);
    }

    private static boolean numpy() {
        try {
            return Files.isExecutable(Path.of("/usr/bin/python3"))
                    && new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
