package org.saddlescope.progress;

/**
 * How long loops below {@code experiment} report progress: they never print. {@code status} is a short
 * human-readable line (current loss, plateau, ...); implementations decide whether to show it.
 */
@FunctionalInterface
public interface ProgressListener {
    void progress(long done, long total, String status);

    /** A one-line warning about the run (e.g. from the precision monitor), shown even when progress is not. */
    default void warning(String line) { }

    /** A one-off line about what a run is about to do (sizes, paths chosen); shown unless the listener is quiet. */
    default void info(String line) { }

    ProgressListener NONE = (d, t, s) -> { };
}
