package org.saddlescope.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saddlescope.linalg.DType;
import org.saddlescope.net.Precision;

class BenchmarkTest {

    @Test
    void paperStepFlopsAndRunHoursByHand() {
        // 784·1000 + 4·1000² + 1000·10 = 4,794,000 MACs; 6 flops per MAC and sample (forward, δ, gradient).
        assertEquals(6.0 * 32 * 4_794_000, PaperNetwork.flopsPerStep(PaperNetwork.WIDTHS, 32), 0.0);
        // 1000 epochs × 1875 steps at 100 steps/s = 1,875,000 s / 3600.
        assertEquals(1_875_000 / 100.0 / 3600, Benchmark.paperRunHours(32, 100), 1e-12);
        // batch 1024: ⌊60000/1024⌋ = 58 steps an epoch (the partial batch is dropped).
        assertEquals(58_000 / 2.0 / 3600, Benchmark.paperRunHours(1024, 2), 1e-12);
    }

    @Test
    void rowsCompareAgainstTorchsFasterSetting() {
        Benchmark.Row row = new Benchmark.Row("x", 32, Precision.FLOAT32, 100, 92, 0.5, null, 2, 40.0, 64.0, 5.2);
        assertEquals(64.0, row.bestTorch(), 0.0);
        assertTrue(row.format().contains("vs torch's best 1.56x"), row.format());
        assertNull(new Benchmark.Row("x", 32, Precision.FLOAT32, 100, 92, null, null, 1, null, null, 5.2).bestTorch());
    }

    @Test
    void numpyPeakReadsBothDtypesFromThePeerScriptsOutput(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("gemm_peak.sh");
        Files.writeString(script, "echo 'numpy float32 gemm n=2048: 203.4 GFLOP/s'\necho 'numpy float64 gemm n=2048: 99.0 GFLOP/s'\n");
        List<String> log = new ArrayList<>();
        Map<DType, Double> peak = Benchmark.numpyPeak(script, "sh", log);
        assertEquals(203.4, peak.get(DType.F32), 0.0);
        assertEquals(99.0, peak.get(DType.F64), 0.0);
        assertEquals(1, log.size());
        assertTrue(Benchmark.numpyPeak(null, "sh", log).isEmpty());
    }
}
