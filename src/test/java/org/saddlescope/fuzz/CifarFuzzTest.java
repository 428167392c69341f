package org.saddlescope.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import org.saddlescope.data.Cifar10;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.DType;

/** CIFAR-10 binary batches (3073-byte records), grey and RGB. */
class CifarFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void batch(byte[] bytes) {
        Path f = FuzzSupport.write("data_batch_1.bin", bytes);
        for (boolean rgb : new boolean[] {false, true}) {
            FuzzSupport.expectResultOrBadInput(f, () -> {
                Dataset d = Cifar10.load(List.of(f), rgb, "fuzz", DType.F32);
                d.x().close();
                d.targets().close();
            });
        }
    }
}
