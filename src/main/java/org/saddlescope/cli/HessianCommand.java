package org.saddlescope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.saddlescope.config.TrainConfig;
import org.saddlescope.curvature.Curvature;
import org.saddlescope.io.BadInputException;
import org.saddlescope.linalg.Blas;
import org.saddlescope.linalg.DType;
import org.saddlescope.theorycheck.SaddleHessian;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code saddlescope hessian RUN|WEIGHTS.npz}: the Hessian's spectrum at every saddle of a run (see {@link SaddleHessian}). */
@Command(name = "hessian", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Curvature of the training cost at each saddle of a run: extreme eigenvalues, negative directions, trace, density.",
        description = {"Curvature of the training cost at each saddle of a run (the weights saved nearest the middle of every " +
                "plateau), or at one weights file: extreme eigenvalues and top-k eigenpairs by Lanczos on exact " +
                "Hessian-vector products (Pearlmutter's R-operator), eigenvalues below -tol, the Rayleigh quotient along " +
                "the escape that follows, the trace (Hutchinson) and the spectral density (stochastic Lanczos quadrature). " +
                "Writes hessian.csv|md|json, hessian_eigenvalues.csv, hessian_density.csv and figures/hessian.png (into " +
                "RUN, or --out for a weights file)."})
public final class HessianCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "RUN|WEIGHTS", description = "A train run folder, or a weights .npz (then --config gives its setup).")
    Path target;

    @Option(names = "--config", paramLabel = "FILE", description = "For a weights file: the train config (a run's config.yaml) whose data and cost define the loss.")
    Path config;

    @Option(names = "--samples", defaultValue = "4096", description = "Training samples of the cost, stratified (0 = all; default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--dtype", defaultValue = "float64", description = "Arithmetic of the Hessian-vector products: float32 or float64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--lanczos-steps", defaultValue = "60", description = "Lanczos steps for the extremes and the top-k pairs (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--top-k", defaultValue = "5", description = "Eigenpairs reported at each end of the spectrum (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--trace-samples", defaultValue = "32", description = "Hutchinson samples of the trace (default: ${DEFAULT-VALUE}).")
    int traceSamples;

    @Option(names = "--density-starts", defaultValue = "4", description = "Random starts of the spectral density, 0 = none (default: ${DEFAULT-VALUE}).")
    int densityStarts;

    @Option(names = "--density-steps", defaultValue = "40", description = "Lanczos steps per start of the density (default: ${DEFAULT-VALUE}).")
    int densitySteps;

    @Option(names = "--tol", defaultValue = "1e-3", description = "Eigenvalues below -tol*max|lambda| count as negative (default: ${DEFAULT-VALUE}).")
    double tol;

    @Override
    public Integer call() {
        DType dt = switch (dtype) {
            case "float64" -> DType.F64;
            case "float32" -> DType.F32;
            default -> throw new BadInputException("--dtype must be float32 or float64, got " + dtype);
        };
        if (samples < 0 || steps < 2 || topK < 1 || traceSamples < 0 || densityStarts < 0 || densitySteps < 2 || !(tol > 0)) {
            throw new BadInputException("--samples >= 0, --lanczos-steps >= 2, --top-k >= 1, --trace-samples >= 0, --density-starts >= 0, --density-steps >= 2, --tol > 0");
        }
        SaddleHessian.Settings s = new SaddleHessian.Settings(samples, dt,
                new Curvature.Settings(steps, topK, traceSamples, densityStarts, densitySteps, tol, 400));
        Blas.init(common.threadsOrDefault());
        SaddleHessian.Outcome o;
        try (ConsoleProgress progress = new ConsoleProgress("hessian", common.quiet())) {
            if (Files.isDirectory(target)) {
                // a run's hessian files go into the run (its report links them): an --out given here would be ignored
                if (common.out != null) throw new BadInputException("--out is for a weights file; hessian on the run " + target + " writes into it");
                o = SaddleHessian.onRun(target, s, progress);
            } else {
                if (config == null) throw new BadInputException("hessian on a weights file needs --config FILE (its train config: data and cost)");
                TrainConfig cfg = TrainConfig.merge(List.of(TrainConfig.readYaml(config)), config.toString());
                o = SaddleHessian.onWeights(target, cfg, s, common.outOr("hessian"), progress);
            }
        }
        for (String line : org.saddlescope.theorycheck.SaddleHessian.lines(o.rows())) System.out.println(line);
        System.out.println("written: " + o.folder().resolve(org.saddlescope.runs.RunFiles.HESSIAN_MD));
        return CommandLine.ExitCode.OK;
    }
}
