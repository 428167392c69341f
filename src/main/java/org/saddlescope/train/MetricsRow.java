package org.saddlescope.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The columns of metrics.csv and where each value goes in a row. After the step and the weights' columns, the
 * evaluation probes and the precision monitor's, the time axis of the configured law: {@code q} (normalised time,
 * section 2.1), {@code nominal_step} and {@code nominal_epoch} (the minibatch steps and epochs of the configured
 * law the run stands for: the same as {@code step} unless a fast-forward ran), {@code ff_span} (nominal steps the
 * row's last update stood for: 1 for a minibatch step) and {@code ff_error} (the fast-forward's error estimate of
 * that update, radians; empty for a minibatch step).
 */
public final class MetricsRow {
    /** Columns written as integers. */
    public static final Set<String> INTEGER = Set.of("step", "epoch", "nominal_step", "ff_span");

    private final List<String> names = new ArrayList<>();
    private final int depth, monitorAt, timeAt;

    MetricsRow(int depth, List<String> monitorColumns) {
        this.depth = depth;
        names.addAll(List.of("step", "epoch", "time_s", "lr", "loss", "norm"));
        for (int l = 1; l <= depth; l++) names.add("w_norm_" + l);
        names.addAll(List.of("train_loss", "train_acc", "test_loss", "test_acc", "speed", "speed_unit"));
        monitorAt = names.size();
        names.addAll(monitorColumns);
        timeAt = names.size();
        names.addAll(List.of("q", "nominal_step", "nominal_epoch", "ff_span", "ff_error"));
    }

    List<String> names() { return List.copyOf(names); }

    int monitorAt() { return monitorAt; }

    double[] empty() {
        double[] row = new double[names.size()];
        Arrays.fill(row, Double.NaN);
        return row;
    }

    void time(double[] row, long step, long epoch, double q, long nominal, double nominalEpoch, double elapsed, double span, double error) {
        row[0] = step;
        row[1] = epoch;
        row[2] = elapsed;
        row[timeAt] = q;
        row[timeAt + 1] = nominal;
        row[timeAt + 2] = nominalEpoch;
        row[timeAt + 3] = span;
        row[timeAt + 4] = error;
    }

    void weights(double[] row, double lr, double loss, double norm, double[] layerNormsSquared) {
        row[3] = lr;
        row[4] = loss;
        row[5] = norm;
        for (int l = 1; l <= depth; l++) row[5 + l] = Math.sqrt(layerNormsSquared[l - 1]);
    }

    void evaluation(double[] row, double trainLoss, double trainAcc, double testLoss, double testAcc, double speed, double speedUnit) {
        int c = 6 + depth;
        row[c] = trainLoss;
        row[c + 1] = trainAcc;
        row[c + 2] = testLoss;
        row[c + 3] = testAcc;
        row[c + 4] = speed;
        row[c + 5] = speedUnit;
    }
}
