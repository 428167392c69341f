package org.saddlescope.runs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.saddlescope.linalg.Blas;

/** What a manifest records about the machine: enough to know whether two timings are comparable. */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        m.put("cpu", cpuModel());
        try {
            m.put("blas", Blas.config());
            m.put("blas_threads", Blas.threads());
        } catch (Throwable t) {
            m.put("blas", "unavailable: " + t.getMessage());
        }
        return m;
    }

    static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (Exception ignored) {
            // not Linux: leave it unknown
        }
        return "unknown";
    }
}
