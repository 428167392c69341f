package org.saddlescope.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one seam between sweeps and the experiments they repeat: how a point of kind {@link #name} is made from the
 * spec, checked, run (as an ordinary {@code saddlescope} command on the point's config file) and read back. A point's
 * folder is the ordinary run folder of that command, so any point can be rerun or resumed alone by hand.
 */
public interface Kind {
    /** The name a spec gives ({@code kind: example1}). */
    String name();

    /** Fields every point of this kind starts from, under the spec's base (example1: the paper's PGD settings). */
    default Map<String, Object> defaults() {
        return Map.of();
    }

    /**
     * The config of one point: {@code base} with the axis values put over it (a kind may translate shorthand fields such
     * as depth and width into its own). Null leaves the point out of the grid (a combination the kind cannot run, such as
     * more small layers than layers); {@link #skipReason} says why.
     */
    default Map<String, Object> pointConfig(Map<String, Object> base, Map<String, Object> axes) {
        Map<String, Object> c = new java.util.LinkedHashMap<>(base);
        c.putAll(axes);
        return c;
    }

    /** Why {@link #pointConfig} leaves points out, for the plan's summary. */
    default String skipReason() {
        return "";
    }

    /** Refuses a config the kind's command would refuse (unknown field, wrong type) with a BadInputException. */
    void validate(Map<String, Object> config, String where);

    /** Arguments of {@code saddlescope} that run the point from {@code config} into {@code folder}, or resume it there. */
    List<String> arguments(Path config, Path folder, int threads, boolean resume);

    /** Whether an interrupted point's folder can be continued (a checkpointed training run) instead of started over. */
    default boolean resumable(Path folder) {
        return false;
    }

    /** The step a resumable folder would continue from (for the record of an attempt), or -1. */
    default long resumeStep(Path folder) {
        return -1;
    }

    /** The scalar results of a finished point, by column of {@code sweep collect}'s results.csv, in column order. */
    Map<String, Object> results(Path folder);
}
