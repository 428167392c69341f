package org.saddlescope.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the sweep knows about one attempt at a point (state/NAME.json, written atomically): running while a worker holds
 * the point's lock, then done or failed with the command's exit code and its one-line error. Timing fields are the
 * sweep's bookkeeping; the point's own folder carries the run's manifest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PointState(
        @JsonProperty("status") String status,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("exit_code") Integer exitCode,
        @JsonProperty("error") String error,
        @JsonProperty("resumed_from_step") Long resumedFromStep,
        @JsonProperty("threads") int threads,
        @JsonProperty("host") String host,
        @JsonProperty("pid") long pid,
        @JsonProperty("executor") String executor,
        @JsonProperty("slurm_job") String slurmJob,
        @JsonProperty("started") String started,
        @JsonProperty("ended") String ended,
        @JsonProperty("seconds") Double seconds) {

    /** Cleared for a retry: runs again, as attempt n + 1. */
    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    /** Stopped by a signal (scancel, SIGTERM, Ctrl-C) after writing its checkpoint: resumed when the sweep runs again. */
    public static final String INTERRUPTED = "interrupted";

    /** The exit statuses of a run stopped by SIGINT (130) or SIGTERM (143): its checkpoint is on disk. */
    static boolean interrupted(int exit) {
        return exit == 130 || exit == 143;
    }

    PointState pending() {
        return new PointState(PENDING, attempt, null, null, null, threads, host, pid, executor, slurmJob, null, null, null);
    }

    PointState finished(int exit, String err, String endedAt, double secs) {
        return new PointState(exit == 0 ? DONE : interrupted(exit) ? INTERRUPTED : FAILED, attempt, exit, exit == 0 ? null : err, resumedFromStep, threads, host, pid,
                executor, slurmJob, started, endedAt, secs);
    }
}
