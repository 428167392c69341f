package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.linalg.Blas;
import org.saddlescope.net.Network;

/**
 * train's thread count when none is named: small products take one thread unmeasured; larger ones are measured on a
 * copy, the choice never takes the setting whose median step was slower, and θ0 is left bit for bit as it was.
 * (Which count wins depends on the machine and its load: that is the point, and not asserted.)
 */
class ThreadChoiceTest {

    @Test
    void smallProductsTakeOneThreadWithoutMeasuring() {
        TrainConfig c = ResumeTest.config(10);
        RunSetup setup = RunSetup.of(c);
        ThreadChoice.Choice choice = ThreadChoice.choose(c, setup, setup.buildNetwork(c), c.batch);
        assertEquals(1, choice.threads());
        assertFalse(choice.measured());
        assertEquals(1, Blas.threads());
    }

    @Test
    void measuredChoiceIsNeverTheSlowerSettingAndLeavesTheNetworkAlone() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: nothing to choose");
        TrainConfig c = ResumeTest.config(10);
        c.dataset = "teacher:n=256,d=784,out=10,rank=2";
        c.hidden = new ArrayList<>(List.of(1000)); // 784·1000·32 multiply-adds: measured
        c.batch = 32;
        RunSetup setup = RunSetup.of(c);
        Network net = setup.buildNetwork(c);
        float[] before = net.weight(1).toFloatArray();
        ThreadChoice.Choice choice = ThreadChoice.choose(c, setup, net, c.batch);
        assertTrue(choice.measured(), choice.describe());
        assertTrue(choice.oneThread() > 0 && choice.allCores() > 0, choice.describe());
        if (choice.threads() == 1) assertTrue(choice.oneThread() <= choice.allCores() / (1 - ThreadChoice.MARGIN), choice.describe());
        else assertTrue(choice.allCores() < choice.oneThread(), choice.describe());
        assertEquals(choice.threads(), Blas.threads(), "BLAS is left at the chosen count");
        assertArrayEquals(before, net.weight(1).toFloatArray(), "measured on a copy");
        assertTrue(choice.describe().contains("ms a step"), choice.describe());
    }
}
