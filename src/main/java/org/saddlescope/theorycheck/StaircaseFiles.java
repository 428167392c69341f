package org.saddlescope.theorycheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.escape.Staircase;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;
import org.saddlescope.runs.RunFiles;

/** staircase.csv and weights/staircase_K.npz, escape_K.npz of a prediction with saddles. */
final class StaircaseFiles {
    private StaircaseFiles() {}

    static List<Map<String, Object>> summary(List<Staircase.Saddle> stair) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Staircase.Saddle s : stair) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("saddle", s.index());
            m.put("loss", s.loss());
            m.put("ranks", s.ranks());
            m.put("active_widths", s.network() == null ? null : s.network().widths());
            m.put("escape_speed", Double.isNaN(s.escapeSpeed()) ? null : s.escapeSpeed());
            m.put("escape_speed_unit", Double.isNaN(s.escapeSpeedUnit()) ? null : s.escapeSpeedUnit());
            m.put("gradient_norm", Double.isNaN(s.gradientNorm()) ? null : s.gradientNorm());
            m.put("fit_iterations", s.fitIterations());
            out.add(m);
        }
        return out;
    }

    static void write(RunFolder folder, List<Staircase.Saddle> stair) {
        int L = stair.get(0).ranks().length;
        String[] header = new String[7 + L];
        String[] fixed = {"saddle", "loss", "escape_speed", "escape_speed_unit", "active_widths", "direction", "gradient_norm"};
        System.arraycopy(fixed, 0, header, 0, fixed.length);
        for (int l = 1; l <= L; l++) header[fixed.length + l - 1] = "rank_W" + l;
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.STAIRCASE), header, false)) {
            for (Staircase.Saddle s : stair) {
                Object[] row = new Object[header.length];
                row[0] = s.index();
                row[1] = s.loss();
                row[2] = Double.isNaN(s.escapeSpeed()) ? null : s.escapeSpeed();
                row[3] = Double.isNaN(s.escapeSpeedUnit()) ? null : s.escapeSpeedUnit();
                row[4] = s.network() == null ? "" : widths(s.network().widths());
                row[5] = s.escape() == null ? "" : RunFiles.WEIGHTS + "/" + RunFiles.escapeWeights(s.index());
                row[6] = Double.isNaN(s.gradientNorm()) ? null : s.gradientNorm();
                for (int l = 0; l < L; l++) row[fixed.length + l] = s.ranks()[l];
                w.row(row);
                if (s.network() != null) Weights.save(s.network(), folder.weights().resolve(RunFiles.staircaseWeights(s.index())));
                if (s.escape() != null) Weights.save(s.escape(), folder.weights().resolve(RunFiles.escapeWeights(s.index())));
            }
        }
    }

    static List<String> lines(List<Staircase.Saddle> stair) {
        List<String> out = new ArrayList<>();
        for (Staircase.Saddle s : stair) {
            out.add(String.format(Locale.ROOT, "staircase saddle %d: loss %.5g, layer ranks %s%s", s.index(), s.loss(),
                    java.util.Arrays.toString(s.ranks()), s.escape() == null ? " (the origin)"
                            : String.format(Locale.ROOT, ", reached by an escape of speed %.4g (unit sphere %.4g), active widths %s", s.escapeSpeed(),
                            s.escapeSpeedUnit(), widths(s.network().widths()))));
        }
        return out;
    }

    static String widths(int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int v : w) sb.append(sb.length() == 0 ? "" : "-").append(v);
        return sb.toString();
    }
}
