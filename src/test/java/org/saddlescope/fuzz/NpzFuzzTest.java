package org.saddlescope.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Map;
import org.saddlescope.data.Npz;
import org.saddlescope.linalg.Matrix;

/** NumPy .npz archives (weights, --init-file, checkpoints). */
class NpzFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void archive(byte[] bytes) {
        Path f = Path.of("fuzz.npz");
        FuzzSupport.expectResultOrBadInput(f, () -> {
            Map<String, Matrix> m = Npz.decode(bytes, f, null);
            for (Matrix x : m.values()) x.close();
        });
    }
}
