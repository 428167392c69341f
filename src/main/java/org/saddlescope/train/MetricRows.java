package org.saddlescope.train;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The metrics rows of a run, handed to the sink in step order, where a row's evaluation (the forward passes over the
 * probe samples and the test set: ≈ 10% of the appendix-B run's time on one core) may run on a second core while
 * training goes on. The evaluation reads a snapshot of the weights taken at its step, so its numbers are the same
 * bits as the training thread's own would be (the same BLAS calls on one thread each; nothing here is shared with
 * the step). Rows go to the sink only from the training thread, in order: a row waits for its evaluation, later rows
 * wait for it; {@link #drain} before a checkpoint and at the end makes metrics.csv whole up to that step.
 */
final class MetricRows implements AutoCloseable {
    private final TrainingSink sink;
    private final ExecutorService background; // null: evaluations run on the training thread
    private final ArrayDeque<Object[]> pending = new ArrayDeque<>(); // {row, Future or null}

    /** {@code background}: evaluate on a second thread (a run on one BLAS thread with a second core free). */
    MetricRows(TrainingSink sink, boolean background) {
        this.sink = sink;
        this.background = background ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "saddlescope-evaluation");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    boolean background() { return background != null; }

    /** A row whose evaluation {@code fill} completes (in place); null: the row is complete. */
    void add(double[] row, Runnable fill) {
        if (fill == null && pending.isEmpty()) {
            sink.metrics(row);
            return;
        }
        if (background == null) {
            fill.run();
            sink.metrics(row);
            return;
        }
        pending.add(new Object[] {row, fill == null ? null : background.submit(fill)});
        flushReady();
    }

    /** Whether an evaluation is still running (its snapshot must not be overwritten). */
    boolean evaluating() {
        for (Object[] p : pending) if (p[1] != null && !((Future<?>) p[1]).isDone()) return true;
        return false;
    }

    /** Hands the rows whose evaluations finished to the sink, in order. */
    void flushReady() {
        while (!pending.isEmpty()) {
            Future<?> f = (Future<?>) pending.peek()[1];
            if (f != null && !f.isDone()) return;
            write(pending.poll());
        }
    }

    /** Waits for every evaluation and hands all rows to the sink. */
    void drain() {
        while (!pending.isEmpty()) write(pending.poll());
    }

    private void write(Object[] p) {
        Future<?> f = (Future<?>) p[1];
        if (f != null) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an evaluation", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error er) throw er;
                throw new IllegalStateException(c);
            }
        }
        sink.metrics((double[]) p[0]);
    }

    @Override
    public void close() {
        if (background != null) background.shutdownNow();
    }
}
