package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.saddlescope.spectra.Cadence;

/**
 * A cadence as config.yaml writes it ({@code log}, {@code steps:500}, {@code log+steps:500}), parsed once where it is
 * read ({@link #parse}). The text is kept as given: {@link Cadence#spec} writes its own canonical form ("log:10" for
 * "log"), and config.yaml re-serialises byte for byte.
 */
public record CadenceSpec(String text, Cadence cadence) {
    public static final CadenceSpec LOG = parse("log");

    /** A cadence that {@link Cadence#parse} accepts, or an IllegalArgumentException saying what is wrong. */
    @JsonCreator
    public static CadenceSpec parse(String text) {
        return new CadenceSpec(text, Cadence.parse(text));
    }

    @JsonValue
    @Override
    public String text() { return text; }

    @Override
    public String toString() { return text; }
}
