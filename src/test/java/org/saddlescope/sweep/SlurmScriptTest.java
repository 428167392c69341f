package org.saddlescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Slurm executor's pieces that need no cluster: array syntax, which chunks to submit, the batch script. */
class SlurmScriptTest {
    @Test
    void arraySpecCompressesRuns() {
        assertEquals("0-3,7,9-12", SlurmExecutor.arraySpec(List.of(0, 1, 2, 3, 7, 9, 10, 11, 12), 0));
        assertEquals("5%4", SlurmExecutor.arraySpec(List.of(5), 4));
    }

    @Test
    void onlyChunksWithPointsToRunAreSubmitted() {
        List<SweepFolder.Entry> e = new ArrayList<>();
        SweepFolder.Status[] st = {SweepFolder.Status.DONE, SweepFolder.Status.DONE, SweepFolder.Status.FAILED, SweepFolder.Status.INTERRUPTED,
            SweepFolder.Status.RUNNING, SweepFolder.Status.DONE, SweepFolder.Status.PENDING};
        for (int i = 0; i < st.length; i++) e.add(new SweepFolder.Entry(new Point(i, "p" + i, Map.of(), Map.of()), st[i], null));
        // chunks of 2: {0,1} done, {2 failed, 3 interrupted}, {4 running, 5 done}, {6 pending}
        assertEquals(List.of(1, 3), SlurmExecutor.chunksToRun(e, 2));
        assertEquals(List.of(3, 6), SlurmExecutor.chunksToRun(e, 1));
        List<Point> points = new ArrayList<>();
        for (SweepFolder.Entry x : e) points.add(x.point());
        assertEquals(List.of(points.get(6)), SlurmExecutor.chunk(points, 2, 3));
    }

    @Test
    void chunkSizeKeepsArraysUnderSlurmsDefaultLimit() {
        SweepSpec.Slurm none = SweepSpecTest.parse("{kind: any}").slurm;
        assertEquals(1, SlurmExecutor.chunkSize(none, 1000));
        assertEquals(2, SlurmExecutor.chunkSize(none, 1001));
        assertEquals(7, SlurmExecutor.chunkSize(SweepSpecTest.parse("{kind: any, slurm: {chunk: 7}}").slurm, 10));
    }

    @Test
    void batchScriptCarriesTheResources() {
        SweepSpec s = SweepSpecTest.parse("{kind: any, name: fig 2, threads: 2, slurm: {partition: short, time: '00:10:00', mem: 2G, "
                + "max_parallel: 8, options: ['--exclusive'], setup: ['module load java/17']}}");
        Launch l = new Launch("/opt/java/bin/java", "/shared/saddlescope.jar", "75%", SlurmExecutor.cpus(s));
        String script = SlurmExecutor.script(Path.of("/shared/runs/my sweep"), s, l, 5, 23, List.of(0, 1, 4));
        for (String line : List.of("#SBATCH --array=0-1,4%8", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --time=00:10:00",
                "#SBATCH --mem=2G", "#SBATCH --exclusive", "#SBATCH --job-name=saddlescope-fig_2",
                "#SBATCH --output='/shared/runs/my sweep/slurm'/%A_%a.out".replace("'", ""), "module load java/17", "export OPENBLAS_NUM_THREADS=2")) {
            assertTrue(script.contains(line + "\n"), line + " in\n" + script);
        }
        assertTrue(script.contains("exec /opt/java/bin/java -XX:MaxRAMPercentage=75 -XX:ActiveProcessorCount=2"), script);
        assertTrue(script.contains("-cp /shared/saddlescope.jar org.saddlescope.cli.Main sweep worker '/shared/runs/my sweep' --threads 2 "
                + "--chunk-size 5 --chunk \"$SLURM_ARRAY_TASK_ID\"\n"), script);
    }
}
