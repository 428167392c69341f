package org.saddlescope.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import org.saddlescope.config.Configs;
import org.saddlescope.config.FlowConfig;
import org.saddlescope.config.TrainConfig;

/** YAML config files (--config, a run's config.yaml): read, merged onto the defaults and validated. */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void yaml(byte[] bytes) {
        Path f = FuzzSupport.write("c.yaml", bytes);
        FuzzSupport.expectResultOrBadInput(f, () -> TrainConfig.merge(List.of(TrainConfig.readYaml(f)), f.toString()));
        FuzzSupport.expectResultOrBadInput(f, () -> Configs.merge(List.of(Configs.readYaml(f)), FlowConfig.class, f.toString()));
    }
}
