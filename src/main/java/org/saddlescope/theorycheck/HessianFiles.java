package org.saddlescope.theorycheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.saddlescope.curvature.Curvature;
import org.saddlescope.curvature.Lanczos;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.report.HtmlReport;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.runs.RunFolder;

/** What {@code saddlescope hessian} writes: hessian.csv|md|json, hessian_eigenvalues.csv, hessian_density.csv, figures. */
final class HessianFiles {
    private HessianFiles() {}

    static final String[] HEADER = {"plateau", "step", "loss", "gradient_norm", "lambda_min", "lambda_min_residual", "lambda_max",
            "lambda_max_residual", "tol", "below_tol", "density_below_tol", "escape_curvature", "escape_curvature_relative_to_scale", "curvature_scale",
            "escape_distance", "trace", "trace_se", "parameters", "samples", "dtype", "products", "seconds"};

    static void write(RunFolder folder, List<HessianRow> rows, Map<String, Object> summary, int top) {
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.HESSIAN), HEADER, false)) {
            for (HessianRow row : rows) {
                Curvature.Report r = row.report();
                w.row(row.point().plateau(), row.point().step(), r.loss(), r.gradientNorm(), r.lambdaMin(), r.lambdaMinResidual(), r.lambdaMax(),
                        r.lambdaMaxResidual(), row.tol(), row.belowTolerance(), row.densityBelow(), r.escapeCurvature(),
                        row.escapeRelative(), row.scale(), row.escapeDistance(), r.trace(),
                        r.traceStandardError(), r.dimension(), r.samples(), r.dtype(), r.products(), r.seconds());
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.HESSIAN_EIGENVALUES), new String[] {"plateau", "end", "rank", "value", "residual"}, false)) {
            for (HessianRow row : rows) {
                int k = 1;
                for (Lanczos.Ritz z : row.report().top(top)) w.row(row.point().plateau(), "top", k++, z.value(), z.residual());
                k = 1;
                for (Lanczos.Ritz z : row.report().bottom(top)) w.row(row.point().plateau(), "bottom", k++, z.value(), z.residual());
            }
        }
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.HESSIAN_DENSITY), new String[] {"plateau", "lambda", "density"}, false)) {
            for (HessianRow row : rows) {
                double[] g = row.report().grid(), d = row.report().density();
                for (int i = 0; i < g.length; i++) w.row(row.point().plateau(), g[i], d[i]);
            }
        }
        folder.writeJson(RunFiles.HESSIAN_JSON, summary);
        folder.writeText(RunFiles.HESSIAN_MD, markdown(rows, summary, top));
        figures(folder, rows);
        HtmlReport html = new HtmlReport(folder.root()).title("saddlescope hessian: " + folder.root().getFileName());
        for (String l : lines(rows)) html.note(l);
        html.write();
    }

    /** One line per point: what the console prints. */
    static List<String> lines(List<HessianRow> rows) {
        List<String> out = new ArrayList<>();
        for (HessianRow row : rows) {
            Curvature.Report r = row.report();
            out.add(String.format(Locale.ROOT, "%s (step %d, loss %.5g, |grad| %.3g): lambda_max %.4g, lambda_min %.4g, trace %.4g +- %.2g; %s",
                    row.point().label(), row.point().step(), r.loss(), r.gradientNorm(), r.lambdaMax(), r.lambdaMin(), r.trace(),
                    r.traceStandardError(), row.verdict()));
        }
        return out;
    }

    static String markdown(List<HessianRow> rows, Map<String, Object> summary, int top) {
        StringBuilder sb = new StringBuilder("# Hessian of the training cost at each saddle\n\n");
        sb.append("Data: ").append(summary.get("dataset")).append(", cost ").append(summary.get("cost")).append(", ")
                .append(summary.get("samples")).append(" training samples, ").append(summary.get("dtype")).append(" passes. ")
                .append(summary.get("methods")).append(". ").append(summary.get("tolerance_rule")).append(".\n\n");
        sb.append("| point | step | loss | |grad| | lambda_min (+-res) | lambda_max | below -tol (certified / density) | tol | escape curvature (of the run's scale) | trace (+-se) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (HessianRow row : rows) {
            Curvature.Report r = row.report();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.5g | %.3g | %.4g (%.2g) | %.4g | %d / %.3g | %.3g | %.3g (%.3g) | %.4g (%.2g) |%n",
                    row.point().label(), row.point().step(), r.loss(), r.gradientNorm(), r.lambdaMin(), r.lambdaMinResidual(), r.lambdaMax(),
                    row.belowTolerance(), row.densityBelow(), row.tol(), r.escapeCurvature(), row.escapeRelative(), r.trace(), r.traceStandardError()));
        }
        sb.append('\n');
        for (HessianRow row : rows) {
            sb.append("- ").append(row.point().label()).append(": ").append(row.verdict()).append("; top eigenvalues ")
                    .append(eigenvalues(row.report().top(top))).append("; bottom ")
                    .append(eigenvalues(row.report().bottom(top))).append('\n');
        }
        return sb.toString();
    }

    /** Top-k eigenvalues as the report lists them. */
    static String eigenvalues(List<Lanczos.Ritz> rs) {
        StringBuilder sb = new StringBuilder();
        for (Lanczos.Ritz r : rs) sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", r.value()));
        return sb.toString();
    }

    /** One panel per point: the spectral density (log scale), with the extreme Ritz values marked. */
    static void figures(RunFolder folder, List<HessianRow> rows) {
        List<Panel> panels = new ArrayList<>();
        for (HessianRow row : rows) {
            Curvature.Report r = row.report();
            if (r.grid().length == 0) continue;
            double[] d = new double[r.density().length];
            for (int i = 0; i < d.length; i++) d[i] = Math.max(r.density()[i], 1e-12);
            Panel p = Figures.panel(String.format(Locale.ROOT, "%s (step %d): Hessian eigenvalue density", row.point().label(), row.point().step()),
                    "eigenvalue λ", "density (SLQ)").logY().line("density", r.grid(), d);
            p.vline(r.lambdaMax(), "λ_max", Figures.indexColor(1));
            p.vline(r.lambdaMin(), "λ_min", Figures.indexColor(2));
            if (!Double.isNaN(r.escapeCurvature())) p.vline(r.escapeCurvature(), "along the escape", Figures.indexColor(3));
            panels.add(p);
        }
        if (!panels.isEmpty()) Figures.grid("Hessian spectra at the saddles", panels, Math.min(2, panels.size()), folder.figures(), "hessian");
    }
}
