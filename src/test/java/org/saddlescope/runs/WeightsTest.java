package org.saddlescope.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.data.DataFileException;
import org.saddlescope.linalg.DType;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;

class WeightsTest {
    @TempDir Path dir;

    @Test
    void saveLoadRoundTripAndShapeChecks() throws java.io.IOException {
        Network net = new Network(new int[] {5, 4, 3, 2}, Activation.RELU, DType.F32);
        Init.heNormal(net, RandomStreams.of(3).stream("init"));
        Path f = dir.resolve("w.npz");
        Weights.save(net, f);
        // readable by others (createTempFile alone would leave 0600)
        assertTrue(java.nio.file.Files.getPosixFilePermissions(f).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
        Network back = new Network(new int[] {5, 4, 3, 2}, Activation.RELU, DType.F32);
        Weights.load(f, back);
        for (int l = 1; l <= 3; l++) assertArrayEquals(net.weight(l).toFloatArray(), back.weight(l).toFloatArray());
        Network fromFile = Weights.loadNew(f, Activation.RELU, DType.F64);
        assertArrayEquals(new int[] {5, 4, 3, 2}, fromFile.widths());
        assertEquals(net.normSquared(), fromFile.normSquared(), 1e-5 * net.normSquared()); // F32 sums vs F64 sums

        Network other = new Network(new int[] {5, 6, 3, 2}, Activation.RELU, DType.F32);
        DataFileException e = assertThrows(DataFileException.class, () -> Weights.load(f, other));
        assertTrue(e.getMessage().contains("W1 has shape (4, 5) but the network's W1 is (6, 5)"), e.getMessage());
        Network deeper = new Network(new int[] {5, 4, 3, 2, 2}, Activation.RELU, DType.F32);
        e = assertThrows(DataFileException.class, () -> Weights.load(f, deeper));
        assertTrue(e.getMessage().contains("has 3 layers"), e.getMessage());

        RunFolder run = RunFolder.create(dir.resolve("run"), "test");
        Map<String, Matrix> odd = new LinkedHashMap<>(Weights.arrays(net));
        odd.put("b1", Matrix.zeros(DType.F32, 4, 1));
        run.writeNpz("weights/odd.npz", odd);
        e = assertThrows(DataFileException.class, () -> Weights.load(run.path("weights/odd.npz"), back));
        assertTrue(e.getMessage().contains("other than W1..W3: b1"), e.getMessage());
        Map<String, Matrix> gap = new LinkedHashMap<>();
        gap.put("W2", net.weight(2));
        run.writeNpz("weights/gap.npz", gap);
        e = assertThrows(DataFileException.class, () -> Weights.loadNew(run.path("weights/gap.npz"), Activation.RELU, DType.F32));
        assertTrue(e.getMessage().contains("no array W1"), e.getMessage());
    }
}
