package org.saddlescope.datasets;

import org.saddlescope.data.Dataset;
import org.saddlescope.io.BadInputException;
import org.saddlescope.loss.Cost;
import org.saddlescope.loss.CrossEntropy;

/**
 * Whether a cost fits a data set's targets. Softmax cross-entropy takes class labels (one-hot targets); on a
 * regression set (a teacher's real-valued outputs, Example 1's ±1) it would train a classification loss on numbers
 * that are no classes, silently. That is refused before anything runs, naming the cost that fits.
 */
public final class CostFit {
    private CostFit() {}

    /** Bad input unless {@code cost} fits {@code data}'s targets; {@code dataset} is the spec as the user wrote it. */
    public static Cost check(Cost cost, Dataset data, String dataset) {
        if (cost instanceof CrossEntropy && !data.hasLabels()) {
            throw new BadInputException("--cost cross_entropy needs class labels, but dataset '" + dataset
                    + "' has real-valued targets (a regression set): use --cost mse");
        }
        if (cost instanceof CrossEntropy && data.outputDim() < 2) {
            throw new BadInputException("--cost cross_entropy needs at least two classes, but dataset '" + dataset + "' has one output");
        }
        return cost;
    }
}
