package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.function.Supplier;
import org.saddlescope.train.optim.Optimizer;
import org.saddlescope.train.optim.Optimizers;

/**
 * The optimiser of a run as config.yaml names it ({@code sgd}, {@code momentum:mu=0.9}, {@code adam:...}), parsed
 * once where it is read ({@link #parse}); {@link #create} gives each run its own optimiser (they keep state) without
 * reading the text again. Written back as given, so a config.yaml re-serialises byte for byte; two specs are equal
 * when their texts are.
 */
public final class OptimizerSpec {
    public static final OptimizerSpec SGD = parse("sgd");

    private final String text;
    private final Supplier<Optimizer> factory;

    private OptimizerSpec(String text, Supplier<Optimizer> factory) {
        this.text = text;
        this.factory = factory;
    }

    /** A spec that {@link Optimizers} accepts, or an IllegalArgumentException saying what is wrong. */
    @JsonCreator
    public static OptimizerSpec parse(String text) {
        return new OptimizerSpec(text, Optimizers.factory(text));
    }

    /** A fresh optimiser in its initial state. */
    public Optimizer create() {
        return factory.get();
    }

    @JsonValue
    public String text() { return text; }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptimizerSpec other && text.equals(other.text);
    }

    @Override
    public int hashCode() { return text.hashCode(); }

    @Override
    public String toString() { return text; }
}
