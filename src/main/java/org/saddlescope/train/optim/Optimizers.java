package org.saddlescope.train.optim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Optimisers by spec: {@code sgd}, {@code momentum[:mu=0.9,dampening=0,nesterov=false]},
 * {@code adam[:beta1=0.9,beta2=0.999,eps=1e-8]} (PyTorch's defaults and names).
 */
public final class Optimizers {
    private Optimizers() {}

    /** The optimiser a spec names; a bad spec is an IllegalArgumentException that says what is wrong. */
    public static Optimizer parse(String spec) {
        return factory(spec).get();
    }

    /**
     * A spec read once: each {@code get()} is a fresh optimiser in its initial state (optimisers keep state, so every
     * run needs its own). A bad spec is an IllegalArgumentException here, including the optimiser's own checks of its
     * values (momentum's mu &lt; 1, say), which run once on a first instance.
     */
    public static Supplier<Optimizer> factory(String spec) {
        String s = spec == null ? "" : spec.trim();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        Map<String, String> kv = new LinkedHashMap<>();
        if (colon >= 0 && colon + 1 < s.length()) {
            for (String part : s.substring(colon + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("optimizer '" + spec + "': expected key=value, got '" + part + "'");
                kv.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        Supplier<Optimizer> f = switch (name) {
            case "sgd" -> {
                known(spec, kv, Set.of());
                yield Sgd::new;
            }
            case "momentum" -> {
                known(spec, kv, Set.of("mu", "dampening", "nesterov"));
                double mu = num(spec, kv, "mu", 0.9), dampening = num(spec, kv, "dampening", 0);
                boolean nesterov = bool(spec, kv, "nesterov");
                yield () -> new Momentum(mu, dampening, nesterov);
            }
            case "adam" -> {
                known(spec, kv, Set.of("beta1", "beta2", "eps"));
                double beta1 = num(spec, kv, "beta1", 0.9), beta2 = num(spec, kv, "beta2", 0.999), eps = num(spec, kv, "eps", 1e-8);
                yield () -> new Adam(beta1, beta2, eps);
            }
            default -> throw new IllegalArgumentException("unknown optimizer '" + spec + "' (use sgd, momentum[:mu=0.9,dampening=0,nesterov=false]"
                    + " or adam[:beta1=0.9,beta2=0.999,eps=1e-8])");
        };
        f.get();
        return f;
    }

    private static void known(String spec, Map<String, String> kv, Set<String> keys) {
        for (String k : kv.keySet()) {
            if (!keys.contains(k)) throw new IllegalArgumentException("optimizer '" + spec + "': unknown key '" + k + "' (known: " + keys + ")");
        }
    }

    private static double num(String spec, Map<String, String> kv, String key, double def) {
        String v = kv.get(key);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("optimizer '" + spec + "': " + key + " must be a number, got '" + v + "'");
        }
    }

    private static boolean bool(String spec, Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) return false;
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("optimizer '" + spec + "': " + key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }
}
