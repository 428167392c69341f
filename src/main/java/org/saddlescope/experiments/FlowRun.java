package org.saddlescope.experiments;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.saddlescope.runs.RunFiles;
import org.saddlescope.data.Dataset;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.LocalizedLoss;
import org.saddlescope.loss.SquaredError;
import org.saddlescope.net.Activation;
import org.saddlescope.net.Network;
import org.saddlescope.progress.ProgressListener;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.report.Figures;
import org.saddlescope.report.Panel;
import org.saddlescope.theory.Imbalance;
import org.saddlescope.theory.ActivationClass;
import org.saddlescope.train.flow.GradientFlow;
import org.saddlescope.config.FlowConfig;
import org.saddlescope.config.InitScheme;
import org.saddlescope.config.NetworkBuilder;
import org.saddlescope.datasets.DataSource;
import org.saddlescope.io.BadInputException;
import org.saddlescope.io.CsvWriter;
import org.saddlescope.runs.RunFolder;
import org.saddlescope.runs.Weights;

/**
 * One gradient-flow run ({@code saddlescope flow}, and each point of a sweep): data from {@link DataSource},
 * θ0 from the config's initialisation, {@link GradientFlow} with probes and escape events, then metrics.csv
 * (t, q, loss, ‖θ‖, ‖Y‖, D_ℓ, dD_ℓ/dt), summary.json, figures, config.yaml, manifest.json and weights/initial.npz,
 * final.npz (θ0 and the last state: a run can be re-integrated or continued from its folder).
 */
public final class FlowRun {
    private FlowRun() {}

    /** What a run produced, for the caller's summary. */
    public record Outcome(FlowConfig config, int depth, Network initial, GradientFlow.Result result, double[] imbalance0,
                          Map<String, Object> summary) { }

    public static DataSource.Loaded loadData(FlowConfig cfg) {
        return DataSource.load(cfg.dataset, DataSource.Options.defaults(DType.F64).withSubset(cfg.subset, -1));
    }

    public static Network buildNetwork(FlowConfig cfg, Dataset data) {
        Network net = new Network(NetworkBuilder.widths(data, cfg.hidden), cfg.activation, DType.F64);
        if (cfg.init.fromFile()) {
            throw new BadInputException("init '" + cfg.init + "' reads a weights file, which flow does not take (use " + InitScheme.DRAWN + ")");
        }
        Set<Integer> small = cfg.init == InitScheme.HE_SCALED ? smallLayers(cfg, net.depth()) : Set.of();
        NetworkBuilder.draw(net, cfg.init, cfg.init_scale, small, cfg.epsilon, RandomStreams.of(cfg.seed));
        return net;
    }

    public static Set<Integer> smallLayers(FlowConfig cfg, int depth) {
        Set<Integer> s = new HashSet<>();
        if (cfg.small_layers != null && !cfg.small_layers.isEmpty()) {
            for (int l : cfg.small_layers) {
                if (l < 1 || l > depth) throw new BadInputException("small layer " + l + " is not in 1.." + depth);
                s.add(l);
            }
        } else {
            if (cfg.bottleneck < 0 || cfg.bottleneck > depth) throw new BadInputException("bottleneck r = " + cfg.bottleneck + " is not in 0.." + depth);
            for (int l = 1; l <= cfg.bottleneck; l++) s.add(l);
        }
        return s;
    }

    public static Cost cost(FlowConfig cfg, DataSource.Loaded data) {
        switch (cfg.cost) {
            case "localized":
                return data.g() != null ? new LocalizedLoss(data.g()) : LocalizedLoss.of(new SquaredError(), data.train().targets());
            default:
                try {
                    return org.saddlescope.datasets.CostFit.check(Cost.parse(cfg.cost), data.train(), cfg.dataset);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(e.getMessage() + " or localized");
                }
        }
    }

    public static GradientFlow.Options options(FlowConfig cfg, Activation act) {
        if (!(cfg.max_time > 0)) throw new BadInputException("max_time must be positive, got " + cfg.max_time);
        if (!(cfg.rtol > 0 && cfg.rtol < 1)) throw new BadInputException("rtol must be in (0, 1), got " + cfg.rtol);
        if (cfg.loss_drop < 0 || cfg.loss_drop >= 1) throw new BadInputException("loss_drop must be in [0, 1), got " + cfg.loss_drop);
        GradientFlow.Clock clock;
        switch (cfg.clock) {
            case "real": case "t": clock = GradientFlow.Clock.REAL; break;
            case "normalised": case "normalized": case "q": clock = GradientFlow.Clock.NORMALISED; break;
            default: throw new BadInputException("unknown clock '" + cfg.clock + "' (use real or normalised)");
        }
        double[] probes = new double[Math.max(0, cfg.probes)];
        double from = Math.min(cfg.probe_from, cfg.max_time);
        for (int i = 0; i < probes.length; i++) {
            probes[i] = probes.length == 1 ? cfg.max_time : from * Math.pow(cfg.max_time / from, (double) i / (probes.length - 1));
        }
        double minStep = cfg.min_step;
        // ReLU-type σ: forced RK4 steps through kinks, at most 1e-2 long (escape times of the activation table agree
        // with 1e-4 steps to 1e-4 relative); smooth σ never need them
        if (minStep == 0 && act.positivelyHomogeneous() && act != Activation.IDENTITY) minStep = Math.min(1e-8 * cfg.max_time, 1e-2);
        return GradientFlow.Options.realTime(cfg.max_time).withClock(clock).withProbes(probes)
                .withTolerances(cfg.rtol, Double.NaN)
                .withEscape(cfg.escape_output > 0 ? cfg.escape_output : Double.NaN, cfg.loss_drop > 0 ? cfg.loss_drop : Double.NaN, cfg.stop_at_escape)
                .withBlowUp(cfg.blow_up > 0 ? cfg.blow_up : Double.POSITIVE_INFINITY)
                .withMaxEvaluations(cfg.max_evaluations).withMinStep(minStep);
    }

    /** Every config check that needs the data, before anything is written (bad input changes nothing). */
    public static void validate(FlowConfig cfg, DataSource.Loaded data) {
        Network net;
        try {
            net = buildNetwork(cfg, data.train());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        cost(cfg, data);
        options(cfg, net.activation());
        if (cfg.probes < 0) throw new BadInputException("probes must be ≥ 0, got " + cfg.probes);
        if (!(cfg.probe_from > 0)) throw new BadInputException("probe_from must be positive, got " + cfg.probe_from);
    }

    /** Integrates (no files). */
    public static Outcome execute(FlowConfig cfg, DataSource.Loaded data, ProgressListener progress) {
        Network net = buildNetwork(cfg, data.train());
        Cost cost = cost(cfg, data);
        GradientFlow flow = new GradientFlow(net, data.train().x(), data.train().targets(), cost);
        GradientFlow.Result r = flow.run(options(cfg, net.activation()), progress);
        double[] d0 = Imbalance.values(net);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("depth", net.depth());
        s.put("parameters", net.parameterCount());
        s.put("activation", net.activation().name());
        ActivationClass cls = ActivationClass.of(net.activation());
        double[] tc = ActivationClass.coefficients(net.activation());
        s.put("activation_class", cls.name());
        s.put("taylor_sigma0_sigma2_sigma3", tc);
        s.put("initial_norm", net.norm());
        s.put("initial_loss", r.initialLoss());
        s.put("stop", r.stop().name());
        s.put("end_t", r.end().t());
        s.put("end_q", r.end().q());
        s.put("output_escape_t", r.outputEscape().t());
        s.put("output_escape_q", r.outputEscape().q());
        s.put("loss_escape_t", r.lossEscape().t());
        s.put("loss_escape_q", r.lossEscape().q());
        s.put("evaluations", r.evaluations());
        s.put("forced_steps", r.forcedSteps());
        double drift = 0;
        for (GradientFlow.Probe p : r.probes()) for (int l = 0; l < d0.length; l++) drift = Math.max(drift, Math.abs(p.imbalance()[l] - d0[l]));
        s.put("max_imbalance_drift", drift);
        s.put("imbalance_0", d0);
        return new Outcome(cfg, d0.length + 1, net, r, d0, s);
    }

    /** metrics.csv, summary.json, weights, figures (unless skipped), config.yaml. */
    public static void write(RunFolder folder, Outcome o, boolean figures) {
        folder.writeYaml(RunFiles.CONFIG, o.config());
        Map<String, Object> provenance = Weights.provenance("flow", o.config().seed, o.config(), Map.of("spec", o.config().dataset));
        Weights.save(o.initial(), folder.weights().resolve(RunFiles.INITIAL_WEIGHTS), provenance);
        Weights.save(o.result().finalNetwork(), folder.weights().resolve(RunFiles.FINAL_WEIGHTS), provenance);
        List<String> header = new ArrayList<>(List.of("t", "q", "loss", "norm", "output_norm"));
        for (int l = 1; l < o.depth(); l++) header.add("D_" + l);
        for (int l = 1; l < o.depth(); l++) header.add("dD_" + l + "_dt");
        try (CsvWriter w = new CsvWriter(folder.path(RunFiles.METRICS), header.toArray(new String[0]), false)) {
            for (GradientFlow.Probe p : o.result().probes()) {
                Object[] row = new Object[header.size()];
                int c = 0;
                row[c++] = p.t(); row[c++] = p.q(); row[c++] = p.loss(); row[c++] = p.norm(); row[c++] = p.outputNorm();
                for (double v : p.imbalance()) row[c++] = v;
                for (double v : p.imbalanceRate()) row[c++] = v;
                w.row(row);
            }
        }
        folder.writeJson(RunFiles.SUMMARY, o.summary());
        if (!figures || o.result().probes().isEmpty()) return;
        List<GradientFlow.Probe> ps = o.result().probes();
        double[] t = ps.stream().mapToDouble(GradientFlow.Probe::t).toArray();
        double[] loss = ps.stream().mapToDouble(GradientFlow.Probe::loss).toArray();
        double[] norm = ps.stream().mapToDouble(GradientFlow.Probe::norm).toArray();
        double[] out = ps.stream().mapToDouble(GradientFlow.Probe::outputNorm).toArray();
        boolean positiveLoss = java.util.Arrays.stream(loss).allMatch(v -> v > 0);
        Panel lp = Figures.panel("Loss along the gradient flow", "t", "loss").line("loss", t, loss).logX();
        if (positiveLoss) lp.logY();
        if (o.result().lossEscape().reached()) lp.vline(o.result().lossEscape().t(), "loss escape");
        if (o.result().outputEscape().reached()) lp.vline(o.result().outputEscape().t(), "output escape");
        Figures.save(lp, folder.figures(), "loss");
        Figures.save(Figures.panel("Norms", "t", "norm").line("‖θ‖", t, norm).line("‖Y‖ (Frobenius)", t, out).logX().logY(), folder.figures(), "norms");
        if (o.depth() > 1) {
            Panel dp = Figures.panel("Imbalance D_ℓ = ‖W_{ℓ+1}‖² − ‖W_ℓ‖²", "t", "D_ℓ").logX();
            for (int l = 0; l < o.depth() - 1; l++) {
                final int ll = l;
                dp.line("D_" + (l + 1), t, ps.stream().mapToDouble(p -> p.imbalance()[ll]).toArray());
            }
            Figures.save(dp, folder.figures(), "imbalance");
        }
    }

    /** The whole {@code saddlescope flow} command below the CLI. */
    public static Outcome start(FlowConfig cfg, Path out, int threads, ProgressListener progress) {
        Instant start = Instant.now();
        Blas.init(threads);
        DataSource.Loaded data = loadData(cfg);
        validate(cfg, data);
        // Written whole or not at all: the integration runs while the locked staging folder waits (a second
        // writer of this --out is refused, naming this pid), then the folder is written and published.
        try (RunFolder folder = RunFolder.create(out, "flow")) {
            Outcome o = execute(cfg, data, progress);
            folder.writeYaml(RunFiles.CONFIG, cfg);
            write(folder, o, true);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("dataset", data.info());
            extra.put("summary", o.summary());
            folder.writeManifest("flow", cfg.seed, start, Instant.now(), extra);
            folder.publish();
            return o;
        }
    }
}
