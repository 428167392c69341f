package org.saddlescope.sweep;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a worker process is started, the same way by both executors so that a point's bits do not depend on where it
 * ran: this JVM's java and classpath (or the spec's, for a cluster whose nodes see them elsewhere), a fixed heap, and
 * {@code threads} everywhere a thread count hides: the JVM's processor count (parallel loops, GC), OpenBLAS and OpenMP.
 * OpenBLAS threads spin while they wait, so two processes with more threads than cores slow each other down by far
 * more than the cores they share.
 */
public record Launch(String java, String classpath, String heap, int threads) {
    public static final String MAIN = "org.saddlescope.cli.Main";

    /** This JVM's java binary and classpath. */
    public static Launch current(String heap, int threads) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // absolute entries: a worker may start in another directory (a Slurm job's, on another node)
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            cp.append(cp.length() > 0 ? File.pathSeparator : "").append(Path.of(e).toAbsolutePath());
        }
        return new Launch(java, cp.toString(), heap, threads);
    }

    public Launch withJava(String j) { return j == null ? this : new Launch(j, classpath, heap, threads); }
    public Launch withClasspath(String c) { return c == null ? this : new Launch(java, c, heap, threads); }

    /** The command line of a worker for the sweep in {@code dir}, with extra worker arguments. */
    public List<String> command(Path dir, List<String> workerArgs) {
        List<String> c = new ArrayList<>(List.of(java));
        // heap: a size, or a share of the memory the process may use (a Slurm job's cgroup limit, else the machine's)
        c.add(heap.endsWith("%") ? "-XX:MaxRAMPercentage=" + heap.substring(0, heap.length() - 1) : "-Xmx" + heap);
        c.addAll(List.of("-XX:ActiveProcessorCount=" + threads, "-XX:+UseParallelGC", "-XX:ParallelGCThreads=" + threads,
                "-Djava.awt.headless=true", "-cp", classpath, MAIN, "sweep", "worker", dir.toAbsolutePath().toString(),
                "--threads", Integer.toString(threads)));
        c.addAll(workerArgs);
        return c;
    }

    /** Environment a worker needs on top of its parent's. */
    public Map<String, String> environment() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        e.put("OMP_NUM_THREADS", Integer.toString(threads));
        return e;
    }

    /** Threads per point when the spec leaves it open: the cores shared out between the workers, at least one. */
    public static int threadsPerWorker(int cores, int workers) {
        return Math.max(1, cores / Math.max(1, workers));
    }
}
