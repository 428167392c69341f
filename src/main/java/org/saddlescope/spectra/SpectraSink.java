package org.saddlescope.spectra;

/** Receives each snapshot as it is taken (the experiment layer writes them to spectra.csv). */
@FunctionalInterface
public interface SpectraSink {
    void accept(SpectrumSnapshot snapshot);

    SpectraSink NONE = s -> { };
}
