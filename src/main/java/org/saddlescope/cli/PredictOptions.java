package org.saddlescope.cli;

import java.util.List;
import org.saddlescope.io.BadInputException;
import org.saddlescope.theorycheck.Prediction;
import picocli.CommandLine.Option;

/** How {@code predict} and {@code check-theory} search for the escape direction and integrate the plateau. */
public final class PredictOptions {
    @Option(names = "--search-width", defaultValue = "32", description = "Hidden width of the restarts (default: ${DEFAULT-VALUE}).")
    public int searchWidth;

    @Option(names = "--restarts", defaultValue = "4", description = "Random restarts at that width (default: ${DEFAULT-VALUE}).")
    public int restarts;

    @Option(names = "--search-subset", defaultValue = "10000", description = "Stratified samples seen by the restarts, 0 = all (default: ${DEFAULT-VALUE}).")
    public int searchSubset;

    @Option(names = "--iterations", defaultValue = "300", description = "Iterations per restart (default: ${DEFAULT-VALUE}).")
    public int iterations;

    @Option(names = "--refine-iterations", defaultValue = "40", description = "Iterations of the best direction on all samples (default: ${DEFAULT-VALUE}).")
    public int refineIterations;

    @Option(names = "--plateau-subset", defaultValue = "1000", description = "Stratified samples of the plateau models from theta0 (the reduced model and the simulation); 0 = all, -1 = skip them (default: ${DEFAULT-VALUE}).")
    public int plateauSubset;

    @Option(names = "--plateau-tolerance", defaultValue = "1e-4", description = "Local error tolerance of the simulation of the run's flow (default: ${DEFAULT-VALUE}).")
    public double plateauTolerance;

    @Option(names = "--max-q", defaultValue = "1e12", description = "Horizon of the plateau models in normalised time q (default: ${DEFAULT-VALUE}).")
    public double maxQ;

    @Option(names = "--reduced-angle", defaultValue = "2e-3", description = "Largest turn of theta (radians) per Euler step of the reduced model (default: ${DEFAULT-VALUE}).")
    public double reducedAngle;

    @Option(names = "--simulate", defaultValue = "auto", description = "Simulate the run's own gradient flow from theta0 too: auto (when parameters x samples <= 5e8), on, off (default: ${DEFAULT-VALUE}).")
    public String simulate;

    @Option(names = "--max-evaluations", defaultValue = "20000", description = "Gradient evaluations allowed to each plateau model (default: ${DEFAULT-VALUE}).")
    public int maxEvaluations;

    @Option(names = "--saddles", defaultValue = "0", description = "Saddles of the staircase after the origin (escape of the residual's localized loss, then the fit of the active units); 0 = none (default: ${DEFAULT-VALUE}).")
    public int saddles;

    @Option(names = "--fit-iterations", defaultValue = "20000", description = "Gradient-descent iterations of each staircase fit (default: ${DEFAULT-VALUE}).")
    public int fitIterations;

    @Option(names = "--loss-drops", split = ",", defaultValue = "0.001,0.01,0.1", description = "The plateau ends when the loss has fallen by these fractions of C(0) (default: ${DEFAULT-VALUE}).")
    public List<Double> lossDrops;

    /** The settings, checked (bad values are bad input). */
    public Prediction.Settings settings() {
        if (searchWidth < 1 || restarts < 0 || iterations < 0 || refineIterations < 0) {
            throw new BadInputException("--search-width >= 1, --restarts, --iterations, --refine-iterations >= 0");
        }
        if (!(plateauTolerance > 0) || !(maxQ > 0) || !(reducedAngle > 0)) throw new BadInputException("--plateau-tolerance, --max-q and --reduced-angle must be positive");
        if (!List.of("auto", "on", "off").contains(simulate)) throw new BadInputException("--simulate must be auto, on or off, got " + simulate);
        if (saddles < 0 || fitIterations < 1 || maxEvaluations < 1) throw new BadInputException("--saddles >= 0, --fit-iterations and --max-evaluations >= 1");
        double[] drops = lossDrops.stream().mapToDouble(Double::doubleValue).toArray();
        for (double f : drops) if (!(f > 0 && f < 1)) throw new BadInputException("--loss-drops must lie in (0, 1), got " + f);
        return new Prediction.Settings(searchWidth, restarts, searchSubset, iterations, refineIterations, 16,
                plateauSubset, plateauTolerance, maxQ, drops, 10, reducedAngle, simulate, maxEvaluations, saddles, fitIterations);
    }
}
