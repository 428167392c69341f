package org.saddlescope.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.saddlescope.io.BadInputException;

/**
 * The cluster executor: one {@code sbatch} job array per submission, array task i running the points of chunk i
 * (points i·chunk .. i·chunk + chunk − 1) in one worker process with {@code cpus_per_task} threads. Only chunks that
 * still hold points to run are submitted, so submitting again after a stop (or an {@code scancel}) skips what is done
 * and resumes what was interrupted. Jobs are recorded in slurm/jobs.csv for {@code sweep status}.
 */
public final class SlurmExecutor {
    private SlurmExecutor() {}

    /** A recorded submission. */
    public record Job(String id, String array, int chunk, String submitted) { }

    /** Array tasks per sweep when the spec gives no chunk size (Slurm's default MaxArraySize is 1001). */
    static final int DEFAULT_MAX_TASKS = 1000;

    /** Points per array task: the spec's chunk, else 1 up to 1000 points and then as many as keep it to 1000 tasks. */
    public static int chunkSize(SweepSpec.Slurm s, int points) {
        if (s.chunk() > 0) return s.chunk();
        return Math.max(1, (points + DEFAULT_MAX_TASKS - 1) / DEFAULT_MAX_TASKS);
    }

    /** CPUs (= threads) per array task: the spec's threads, else cpus_per_task, else 1. */
    public static int cpus(SweepSpec spec) {
        if (spec.threads > 0) return spec.threads;
        return spec.slurm.cpusPerTask() > 0 ? spec.slurm.cpusPerTask() : 1;
    }

    /** Chunks that hold a point that is pending or interrupted (not done, failed or running). */
    public static List<Integer> chunksToRun(List<SweepFolder.Entry> entries, int chunk) {
        List<Integer> out = new ArrayList<>();
        for (SweepFolder.Entry e : entries) {
            if (e.status() != SweepFolder.Status.PENDING && e.status() != SweepFolder.Status.INTERRUPTED) continue;
            int c = e.point().index() / chunk;
            if (out.isEmpty() || out.get(out.size() - 1) != c) out.add(c);
        }
        return out;
    }

    /** Slurm's --array syntax for sorted indices: 0-3,7,9-12, then %max_parallel when given. */
    public static String arraySpec(List<Integer> indices, int maxParallel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < indices.size(); ) {
            int j = i;
            while (j + 1 < indices.size() && indices.get(j + 1) == indices.get(j) + 1) j++;
            if (b.length() > 0) b.append(',');
            b.append(indices.get(i));
            if (j > i) b.append('-').append(indices.get(j));
            i = j + 1;
        }
        if (maxParallel > 0) b.append('%').append(maxParallel);
        return b.toString();
    }

    /** The batch script (what {@code --dry-run} prints). */
    public static String script(Path root, SweepSpec spec, Launch launch, int chunk, int points, List<Integer> chunks) {
        SweepSpec.Slurm s = spec.slurm;
        Path dir = root.toAbsolutePath();
        StringBuilder b = new StringBuilder("#!/bin/bash\n");
        b.append("#SBATCH --job-name=").append(jobName(spec.name)).append('\n');
        b.append("#SBATCH --array=").append(arraySpec(chunks, s.maxParallel())).append('\n');
        b.append("#SBATCH --ntasks=1\n");
        b.append("#SBATCH --cpus-per-task=").append(launch.threads()).append('\n');
        if (s.time() != null) b.append("#SBATCH --time=").append(s.time()).append('\n');
        if (s.mem() != null) b.append("#SBATCH --mem=").append(s.mem()).append('\n');
        if (s.partition() != null) b.append("#SBATCH --partition=").append(s.partition()).append('\n');
        if (s.account() != null) b.append("#SBATCH --account=").append(s.account()).append('\n');
        if (s.qos() != null) b.append("#SBATCH --qos=").append(s.qos()).append('\n');
        if (s.constraint() != null) b.append("#SBATCH --constraint=").append(s.constraint()).append('\n');
        for (String o : s.options()) b.append("#SBATCH ").append(o).append('\n');
        b.append("#SBATCH --output=").append(dir.resolve("slurm")).append("/%A_%a.out\n");
        b.append("#SBATCH --open-mode=append\n");
        b.append("# saddlescope sweep ").append(dir).append(": ").append(points).append(" points (kind ").append(spec.kind)
                .append("), array task i runs points i*").append(chunk).append(" .. i*").append(chunk).append("+").append(chunk - 1)
                .append(" with ").append(launch.threads()).append(" thread(s) each; done points are skipped, interrupted ones resumed.\n");
        b.append("set -e\n");
        for (String line : s.setup()) b.append(line).append('\n');
        for (Map.Entry<String, String> e : launch.environment().entrySet()) b.append("export ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        List<String> cmd = launch.command(dir, List.of("--chunk-size", Integer.toString(chunk), "--chunk", "__TASK__"));
        StringBuilder line = new StringBuilder("exec");
        for (String a : cmd) line.append(' ').append(a.equals("__TASK__") ? "\"$SLURM_ARRAY_TASK_ID\"" : quote(a));
        b.append(line).append('\n');
        return b.toString();
    }

    /** Submits the script (sbatch --parsable) and records the job; returns it. */
    public static Job submit(SweepFolder f, String script, String array, int chunk, Map<String, String> env) {
        try {
            Files.createDirectories(f.slurmDir());
            int n;
            try (var s = Files.list(f.slurmDir())) {
                n = (int) s.filter(p -> p.getFileName().toString().startsWith("submit-")).count();
            }
            Path file = f.slurmDir().resolve(String.format(Locale.ROOT, "submit-%03d.sh", n + 1));
            Files.writeString(file, script);
            Result r = exec(List.of("sbatch", "--parsable", file.toString()), env, 120);
            if (r.code != 0) throw new IllegalStateException("sbatch failed (exit " + r.code + "): " + r.output.strip());
            String id = r.output.strip().lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
            if (!id.matches("\\d+")) throw new IllegalStateException("sbatch printed no job id: " + r.output.strip());
            Job job = new Job(id, array, chunk, Instant.now().toString());
            Path jobs = f.slurmDir().resolve("jobs.csv");
            if (!Files.exists(jobs)) Files.writeString(jobs, "job_id,array,chunk,submitted\n");
            Files.writeString(jobs, job.id() + "," + job.array().replace(',', ';') + "," + chunk + "," + job.submitted() + "\n",
                    StandardOpenOption.APPEND);
            return job;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jobs this sweep submitted, oldest first. */
    public static List<Job> jobs(SweepFolder f) {
        Path jobs = f.slurmDir().resolve("jobs.csv");
        List<Job> out = new ArrayList<>();
        if (!Files.exists(jobs)) return out;
        try {
            List<String> lines = Files.readAllLines(jobs);
            for (String l : lines.subList(1, lines.size())) {
                String[] c = l.split(",");
                if (c.length >= 4) out.add(new Job(c[0], c[1].replace(';', ','), Integer.parseInt(c[2]), c[3]));
            }
        } catch (IOException | NumberFormatException e) {
            throw new BadInputException("unreadable " + jobs + ": " + e.getMessage());
        }
        return out;
    }

    /** Slurm's view of the sweep's array tasks still in the queue: task id (JOB_INDEX) → state and reason. */
    public static Map<String, String> queue(List<Job> jobs, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        if (jobs.isEmpty()) return out;
        Result r = exec(List.of("squeue", "-h", "-r", "-j", ids(jobs), "-o", "%i|%T|%R"), env, 60);
        if (r.code != 0) {
            // squeue refuses ids that have left the queue altogether ("Invalid job id specified")
            if (r.output.contains("Invalid job id")) return out;
            throw new IllegalStateException("squeue failed (exit " + r.code + "): " + r.output.strip());
        }
        for (String line : r.output.split("\n")) {
            String[] c = line.strip().split("\\|", 3);
            if (c.length < 3) continue;
            String reason = c[2].strip().replaceAll("^\\((.*)\\)$", "$1"); // pending tasks show (Resources), running ones a node
            out.put(c[0], c[1] + (reason.isEmpty() || reason.equals("None") ? "" : " (" + reason + ")"));
        }
        return out;
    }

    /** sacct's lines for the sweep's jobs (JobID|State|ExitCode|Elapsed|NodeList), or why there are none. */
    public static List<String> accounting(List<Job> jobs, Map<String, String> env) {
        if (jobs.isEmpty()) return List.of();
        Result r = exec(List.of("sacct", "-n", "-P", "-X", "-j", ids(jobs), "-o", "JobID,State,ExitCode,Elapsed,NodeList"), env, 60);
        if (r.code != 0) return List.of("sacct unavailable: " + r.output.strip().lines().findFirst().orElse("exit " + r.code));
        return r.output.strip().isEmpty() ? List.of() : List.of(r.output.strip().split("\n"));
    }

    /** Whether any of the jobs still has tasks in the queue. */
    public static boolean queued(List<Job> jobs, Map<String, String> env) {
        return !queue(jobs, env).isEmpty();
    }

    public static void cancel(List<Job> jobs, Map<String, String> env) {
        if (jobs.isEmpty()) return;
        Result r = exec(cancelCommand(jobs), env, 60);
        if (r.code != 0) throw new IllegalStateException("scancel failed: " + r.output.strip());
    }

    private static List<String> cancelCommand(List<Job> jobs) {
        List<String> c = new ArrayList<>(List.of("scancel"));
        for (Job j : jobs) c.add(j.id());
        return c;
    }

    /** Points of chunk {@code c}: indices c·chunk .. c·chunk + chunk − 1. */
    public static List<Point> chunk(List<Point> points, int chunk, int c) {
        int from = Math.min(points.size(), c * chunk), to = Math.min(points.size(), from + chunk);
        return points.subList(from, to);
    }

    private static String ids(List<Job> jobs) {
        StringBuilder b = new StringBuilder();
        for (Job j : jobs) b.append(b.length() > 0 ? "," : "").append(j.id());
        return b.toString();
    }

    /** Slurm job names: letters, digits, - _ . only, short. */
    static String jobName(String name) {
        String n = "saddlescope-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
        return n.length() > 60 ? n.substring(0, 60) : n;
    }

    /** Single-quotes an argument for bash unless it is plainly safe. */
    static String quote(String a) {
        if (a.matches("[A-Za-z0-9_./:=%+,@-]+")) return a;
        return "'" + a.replace("'", "'\\''") + "'";
    }

    record Result(int code, String output) { }

    static Result exec(List<String> cmd, Map<String, String> env, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, cmd.get(0) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, cmd.get(0) + " interrupted");
        }
    }
}
