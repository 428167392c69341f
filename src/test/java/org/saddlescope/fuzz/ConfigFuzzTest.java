package org.saddlescope.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import org.saddlescope.experiment.Configs;
import org.saddlescope.experiment.FlowConfig;
import org.saddlescope.experiment.TrainConfig;

/** YAML config files (--config, a run's config.yaml): read, merged onto the defaults and validated. */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void yaml(byte[] bytes) {
        Path f = FuzzSupport.write("c.yaml", bytes);
        FuzzSupport.expectResultOrBadInput(f, () -> TrainConfig.merge(List.of(TrainConfig.readYaml(f)), f.toString()));
        FuzzSupport.expectResultOrBadInput(f, () -> Configs.merge(List.of(Configs.readYaml(f)), FlowConfig.class, f.toString()));
    }
}
