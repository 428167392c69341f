package org.saddlescope.theorycheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.data.Dataset;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.linalg.Svd;
import org.saddlescope.net.Network;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.spectra.Cadence;
import org.saddlescope.runs.RunFiles;

/**
 * The singular values of the network's outputs Y_θ(X_probe) on a fixed probe set (the first {@link #SAMPLES} training
 * samples in the trainer's order) at 20 log-spaced steps per decade, into outputs.csv (step, index, singular_value).
 * What the function has learned, read without the loss curve or the weights: the criterion that labels real runs'
 * escapes for the detector's benchmark (escape k raises σ_k(Y) out of the initial scale). Rows stay in memory, are
 * carried in checkpoints, and the file is written whole at the end (or when the run stops), so a resumed run
 * writes the same bytes.
 */
final class OutputProbe {
    static final int SAMPLES = 1000;
    static final Cadence CADENCE = Cadence.parse("log:20");
    static final String FILE = RunFiles.OUTPUTS;

    private final TrainConfig cfg;
    private final List<double[]> rows = new ArrayList<>(); // step, σ_1..σ_k
    private Matrix probe;

    OutputProbe(TrainConfig cfg) {
        this.cfg = cfg;
    }

    /** Rows saved in a checkpoint (those at or before its step). */
    void restore(JsonNode saved, long upTo) {
        if (saved == null) return;
        for (JsonNode r : saved) {
            double[] row = new double[r.size()];
            for (int i = 0; i < row.length; i++) row[i] = r.get(i).asDouble();
            if (row[0] <= upTo) rows.add(row);
        }
    }

    List<double[]> rows() { return rows; }

    void onStart(Network net, long step) {
        if (rows.isEmpty() && step == 0) record(net, 0);
    }

    void afterStep(Network net, long step, long epoch, boolean epochEnd) {
        if (CADENCE.due(step, epoch, epochEnd)) record(net, step);
    }

    private void record(Network net, long step) {
        if (!rows.isEmpty() && rows.get(rows.size() - 1)[0] >= step) return;
        if (probe == null) {
            Dataset d = RunData.train(cfg, net.dtype());
            probe = d.x().columns(0, Math.min(SAMPLES, d.size())).copy();
        }
        try (Matrix y = net.outputs(probe)) {
            double[] s = Svd.singularValues(y);
            double[] row = new double[s.length + 1];
            row[0] = step;
            System.arraycopy(s, 0, row, 1, s.length);
            rows.add(row);
        }
    }

    void write(RunFolder folder) {
        if (rows.isEmpty()) return;
        try (CsvWriter w = new CsvWriter(folder.path(FILE), new String[] {"step", "index", "singular_value"}, false)) {
            for (double[] r : rows) for (int i = 1; i < r.length; i++) w.row((long) r[0], i, r[i]);
        }
    }
}
