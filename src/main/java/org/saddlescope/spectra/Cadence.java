package org.saddlescope.spectra;

import java.util.Locale;

/**
 * When a probe fires: every n steps ({@code "steps:N"} or just {@code "N"}), every n epochs ({@code "epoch"},
 * {@code "epoch:N"}), or at log-spaced steps ({@code "log:P"}, P points per decade, {@code "log"} = 20: step t fires when
 * ⌊P·log10 t⌋ &gt; ⌊P·log10 (t−1)⌋, so early steps are dense and late ones sparse, as a log-time axis wants).
 */
public sealed interface Cadence {
    /** Whether the probe fires after step {@code step} (1-based); {@code epochEnd} marks an epoch's last step. */
    default boolean due(long step, long epoch, boolean epochEnd) {
        return crossed(step - 1, step, epochEnd ? epoch - 1 : epoch, epoch);
    }

    /**
     * Whether the probe fires for an update that moved the run from step {@code from} to {@code to} (and from epoch
     * {@code fromEpoch} to {@code toEpoch}): when any step in (from, to] would have fired. One step of a
     * fast-forward stands for many.
     */
    boolean crossed(long from, long to, long fromEpoch, long toEpoch);

    String spec();

    record EverySteps(long n) implements Cadence {
        public EverySteps {
            if (n <= 0) throw new IllegalArgumentException("cadence steps must be positive, got " + n);
        }
        public boolean crossed(long from, long to, long fromEpoch, long toEpoch) { return Math.floorDiv(to, n) > Math.floorDiv(from, n); }
        public String spec() { return "steps:" + n; }
    }

    record EveryEpochs(long n) implements Cadence {
        public EveryEpochs {
            if (n <= 0) throw new IllegalArgumentException("cadence epochs must be positive, got " + n);
        }
        /** On an epoch's last step the trainer reports {@code epoch} = epochs completed (1, 2, …). */
        public boolean crossed(long from, long to, long fromEpoch, long toEpoch) { return Math.floorDiv(toEpoch, n) > Math.floorDiv(fromEpoch, n); }
        public String spec() { return n == 1 ? "epoch" : "epoch:" + n; }
    }

    record LogSpaced(int perDecade) implements Cadence {
        public LogSpaced {
            if (perDecade <= 0) throw new IllegalArgumentException("cadence points per decade must be positive, got " + perDecade);
        }
        public boolean crossed(long from, long to, long fromEpoch, long toEpoch) {
            if (from < 1) return to >= 1;
            return bin(to) > bin(from);
        }
        private long bin(long t) { return (long) Math.floor(perDecade * Math.log10(t) + 1e-9); }
        public String spec() { return "log:" + perDecade; }
    }

    /** Fires when any of its parts fires (spec {@code "log+steps:500"}: dense early, regular later). */
    record Any(java.util.List<Cadence> parts) implements Cadence {
        public boolean crossed(long from, long to, long fromEpoch, long toEpoch) {
            for (Cadence c : parts) if (c.crossed(from, to, fromEpoch, toEpoch)) return true;
            return false;
        }
        public String spec() {
            return String.join("+", parts.stream().map(Cadence::spec).toList());
        }
    }

    String FORMS = "N, steps:N, epoch, epoch:N, log, log:P, or several joined by '+'";

    /** Points per decade of {@code "log"}. */
    int DEFAULT_PER_DECADE = 20;

    static Cadence parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty cadence (use " + FORMS + ")");
        if (spec.contains("+")) {
            java.util.List<Cadence> parts = new java.util.ArrayList<>();
            for (String part : spec.split("\\+")) parts.add(parse(part));
            return new Any(java.util.List.copyOf(parts));
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("epoch")) return new EveryEpochs(1);
            if (s.startsWith("epoch:")) return new EveryEpochs(Long.parseLong(s.substring(6).trim()));
            if (s.startsWith("steps:")) return new EverySteps(Long.parseLong(s.substring(6).trim()));
            if (s.equals("log")) return new LogSpaced(DEFAULT_PER_DECADE);
            if (s.startsWith("log:")) return new LogSpaced(Integer.parseInt(s.substring(4).trim()));
            return new EverySteps(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad cadence '" + spec + "' (use " + FORMS + ")");
        }
    }
}
