package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.train.optim.Optimizers;

/**
 * The optimiser of a run as config.yaml names it ({@code sgd}, {@code momentum:mu=0.9}, {@code adam:...}), checked
 * once where it is read ({@link #parse}); {@link #create} gives each run its own optimiser (they keep state).
 * Written back as given, so a config.yaml re-serialises byte for byte.
 */
public record OptimizerSpec(String text) {
    public static final OptimizerSpec SGD = new OptimizerSpec("sgd");

    /** A spec that {@link Optimizers} accepts, or an IllegalArgumentException saying what is wrong. */
    @JsonCreator
    public static OptimizerSpec parse(String text) {
        Optimizers.parse(text);
        return new OptimizerSpec(text);
    }

    /** A fresh optimiser in its initial state (the spec was checked when it was read). */
    public Optimizer create() {
        return Optimizers.parse(text);
    }

    @JsonValue
    @Override
    public String text() { return text; }

    @Override
    public String toString() { return text; }
}
