package org.saddlescope.trainrun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.linalg.DType;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.io.BadInputException;
import org.saddlescope.runs.Weights;

/** init=npz reproduces the file; init=aligned gives θ0 = α ρ/‖ρ‖. */
class InitFromFileTest {

    @Test
    void npzAndAlignedInitialisations(@TempDir Path tmp) {
        TrainConfig c = new TrainConfig();
        c.dataset = "teacher:n=32,d=6,out=2";
        c.hidden = new ArrayList<>(List.of(5, 4));
        c.init = org.saddlescope.config.InitScheme.HE;
        c.seed = 3;
        RunSetup setup = RunSetup.of(c);
        Network rho = setup.buildNetwork(c);
        Path file = tmp.resolve("rho.npz");
        Weights.save(rho, file);

        c.init = org.saddlescope.config.InitScheme.NPZ;
        c.init_file = file.toString();
        Network same = setup.buildNetwork(c);
        for (int l = 1; l <= 3; l++) assertArrayEquals(rho.weight(l).toDoubleArray(), same.weight(l).toDoubleArray(), 0.0);

        c.init = org.saddlescope.config.InitScheme.ALIGNED;
        c.init_norm = 1e-3;
        Network aligned = setup.buildNetwork(c);
        assertEquals(1e-3, aligned.norm(), 1e-15); // one rescale: rounding of a few ulps
        double ratio = rho.norm() / aligned.norm();
        for (int l = 1; l <= 3; l++) {
            double[] a = aligned.weight(l).toDoubleArray(), r = rho.weight(l).toDoubleArray();
            for (int k = 0; k < a.length; k++) assertEquals(r[k], a[k] * ratio, 1e-12 * Math.abs(r[k]) + 1e-300);
        }

        c.init_norm = 0;
        assertThrows(BadInputException.class, () -> setup.buildNetwork(c));
        c.init_norm = 1;
        c.hidden = new ArrayList<>(List.of(7, 4));
        RunSetup other = RunSetup.of(c);
        assertThrows(RuntimeException.class, () -> other.buildNetwork(c)); // shapes in the file disagree
        assertEquals(DType.F64, setup.dtype());
        assertEquals(Activation.RELU, setup.activation());
    }
}
