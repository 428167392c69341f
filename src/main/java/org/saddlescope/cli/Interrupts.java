package org.saddlescope.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * SIGTERM and SIGINT during a run: the JVM starts its shutdown and runs this hook, which asks the run to stop
 * after its current step ({@link #stopRequested}) and waits until the run has written its checkpoint and said
 * where it is ({@link #done}); then the JVM exits 143 (SIGTERM) or 130 (SIGINT), as shells expect. A run that
 * ends by itself calls {@link #done} before the JVM exits, so the hook then returns at once.
 *
 * <p>A shutdown hook rather than a signal handler: the JVM installs the handlers and picks the exit status, and
 * no internal API is needed. One consequence: a second Ctrl-C does not force an exit while the checkpoint is
 * being written (SIGKILL still does).
 */
final class Interrupts implements BooleanSupplier, AutoCloseable {
    /** Exit code of a run stopped by SIGINT without the JVM's shutdown (tests); a signal itself exits 130 or 143. */
    static final int EXIT_CODE = 130;

    /** Longest wait for the current step and the checkpoint: past it the JVM exits without them. */
    static final long WAIT_MINUTES = 10;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean stop;

    private Interrupts(PrintStream err) {
        hook = new Thread(() -> {
            if (finished.getCount() == 0) return;
            stop = true;
            err.println("saddlescope: stopping after the current step to write a checkpoint ...");
            try {
                finished.await(WAIT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "saddlescope-stop");
    }

    /** Installs the hook for one run. */
    static Interrupts install() {
        Interrupts i = new Interrupts(System.err);
        Runtime.getRuntime().addShutdownHook(i.hook);
        return i;
    }

    /** Whether a signal asked the run to stop. */
    @Override
    public boolean getAsBoolean() {
        return stop;
    }

    /** The run has ended and printed its last line: the hook may let the JVM exit. */
    void done() {
        finished.countDown();
    }

    /** Ends the hook's wait; removes it when the JVM is not already shutting down. */
    @Override
    public void close() {
        done();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running or has run, and returns now that the run is done
        }
    }
}
