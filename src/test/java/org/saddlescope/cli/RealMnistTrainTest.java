package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.RealData;
import org.saddlescope.data.Catalog;
import org.saddlescope.report.Table;

/** A short training run on real MNIST through the command line, with no data path (the data folder). */
class RealMnistTrainTest {

    /**
     * 2000 training images, 784-100-100-10 ReLU with He initialisation, SGD at lr 0.05, batch 32, 600 steps (9.6
     * epochs). Such a network reaches about 90% on MNIST's test images; 80% leaves room for the seed while any
     * misalignment of images and labels in the reader would leave it at chance (10%).
     */
    @Test
    void shortRunLearnsMnist(@TempDir Path tmp) throws Exception {
        RealData.folder(Catalog.MNIST);
        Path out = tmp.resolve("run");
        CommandLineTest.Run r = CommandLineTest.run("train", "--dataset", "mnist", "--subset", "2000", "--test-subset", "1000",
                "--hidden", "100,100", "--cost", "cross_entropy", "--init", "he", "--batch", "32", "--lr", "0.05",
                "--steps", "600", "--eval-every", "600", "--dtype", "float32", "--spectra-k", "0", "--threads", "1",
                "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, r.code(), r.err());
        double[] acc = Table.read(out.resolve("metrics.csv")).column("test_acc");
        double last = acc[acc.length - 1];
        assertTrue(last > 0.8, "test accuracy " + last);
        assertTrue(acc[0] < 0.3, "He init starts near chance: " + acc[0]);
    }
}
