package org.saddlescope.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.saddlescope.runs.Checkpoints;

/** checkpoints/state.json, as {@code train --resume} reads it (the files it names exist, so parsing goes deep). */
class CheckpointFuzzTest {
    static {
        FuzzSupport.write("ckpt-0000000100.npz", new byte[] {'P', 'K'});
        FuzzSupport.write("ckpt-0000000100.state.npz", new byte[] {'P', 'K'});
    }

    @FuzzTest(maxDuration = "10s")
    void stateJson(byte[] bytes) {
        Path f = FuzzSupport.DIR.resolve("state.json");
        FuzzSupport.expectResultOrBadInput(f, () -> Checkpoints.parse(bytes, f, FuzzSupport.DIR));
    }
}
