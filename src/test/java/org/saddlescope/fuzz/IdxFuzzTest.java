package org.saddlescope.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.saddlescope.data.Dataset;
import org.saddlescope.data.Idx;
import org.saddlescope.linalg.DType;

/** IDX images and labels (plain or gzip), as {@code --dataset mnist:DIR} reads them. */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void imagesAndLabels(FuzzedDataProvider in) {
        byte[] images = in.consumeBytes(in.consumeInt(0, 4096));
        byte[] labels = in.consumeRemainingAsBytes();
        Path im = FuzzSupport.write("train-images-idx3-ubyte", images);
        Path lb = FuzzSupport.write("train-labels-idx1-ubyte", labels);
        FuzzSupport.expectResultOrBadInput(im, () -> Idx.readImages(im));
        FuzzSupport.expectResultOrBadInput(lb, () -> Idx.readLabels(lb, 10));
        try {
            Dataset d = Idx.load(im, lb, "fuzz", DType.F32);
            d.x().close();
            d.targets().close();
        } catch (org.saddlescope.data.DataFileException e) {
            if (e.getMessage().contains("\n")) throw new AssertionError(e.getMessage(), e);
        }
    }
}
