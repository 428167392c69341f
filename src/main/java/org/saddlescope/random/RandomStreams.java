package org.saddlescope.random;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Named random substreams of one run seed, so that data, initialisation, shuffling and every search restart
 * draw from streams that are independent of each other and of the order in which they are asked for (in the
 * spirit of JAX's key splitting). A stream is identified by (run seed, name, index); its generator is a
 * {@link SplittableRandom} started at a 64-bit state derived from all three by SplitMix64 mixing.
 *
 * <p>Why a hash and not {@code new SplittableRandom(seed)}: two generators started from the same seed give the
 * same numbers, which made the "random" initialisation a copy of the synthetic data when both used seed 0.
 * Two SplittableRandom states a and b produce overlapping sequences only if (b − a)·γ⁻¹ mod 2⁶⁴ is small
 * (γ is the generator's fixed increment); {@link #drawsApart} measures that. States are 64-bit hashes, so
 * distinctness is checked (RandomStreamsTest: every name in use, 256 indices, ≥ 2³⁰ draws apart), not proven.
 *
 * <p>Names in use (one place to see them all): {@code data} (synthetic inputs of the training split),
 * {@code data-test} (those of the test split), {@code teacher} (a synthetic teacher's weights or modes),
 * {@code subset} (index 0 = training split, 1 = test split), {@code init} (θ0), {@code shuffle} (index = epoch),
 * {@code restart} (index = restart of an escape search), {@code sketch} (index = layer, randomised SVD),
 * {@code bench} (benchmark inputs), {@code search-subset} and {@code plateau-subset} (the samples a prediction's
 * search and plateau flow see), {@code unit-search} (index 0 = single-unit starts, 2 = new-unit test starts), {@code permutation-test}
 * (Monte Carlo orders of the depth-trend test, from seed 0: the p-value is a function of the data). Children made by {@link #split}: {@code width} (index = hidden width, the
 * Example 1 sweep), {@code depth} (index = L, the depth sweep), {@code compare} (the solver comparison).
 *
 * <p>A synthetic data set's streams come from its own data seed (the {@code seed} key of a dataset spec), θ0's
 * and the shuffles' from the run seed: with both at 0 they are still different streams ({@code data} vs
 * {@code init}), so θ0 is never a copy of the inputs.
 */
public final class RandomStreams {
    /** SplittableRandom's increment for a generator made by its public constructor (GOLDEN_GAMMA). */
    static final long GAMMA = 0x9e3779b97f4a7c15L;

    private final long seed;

    private RandomStreams(long seed) {
        this.seed = seed;
    }

    /** The streams of a run whose seed is {@code seed}. */
    public static RandomStreams of(long seed) {
        return new RandomStreams(seed);
    }

    public long seed() {
        return seed;
    }

    /** The stream {@code name} (index 0). */
    public SplittableRandom stream(String name) {
        return stream(name, 0);
    }

    /** The stream {@code name} with an index, e.g. ("shuffle", epoch) or ("restart", i). */
    public SplittableRandom stream(String name, long index) {
        return new SplittableRandom(stateOf(name, index));
    }

    /**
     * A child family of streams, for an experiment that runs several sub-experiments each with its own restarts
     * (one per width, one per depth): {@code split(name, i).stream("restart", j)} is another stream for every
     * (i, j). Its seed is the state of stream (name, index) of this family.
     */
    public RandomStreams split(String name, long index) {
        return new RandomStreams(stateOf(name, index));
    }

    /** The starting state of a stream (what its SplittableRandom is constructed with). */
    public long stateOf(String name, long index) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a stream needs a name");
        long h = mix64(seed ^ 0x243f6a8885a308d3L);
        h = mix64(h ^ fnv1a64(name));
        h = mix64(h ^ mix64(index + 0x13198a2e03707344L));
        return h;
    }

    /**
     * How many draws apart two SplittableRandom starting states are along the generator's state sequence
     * (s, s+γ, s+2γ, ...): the smaller of the forward and backward distance, as an unsigned count. Two
     * streams whose states are k draws apart repeat each other's numbers after k draws.
     */
    public static long drawsApart(long stateA, long stateB) {
        long k = (stateB - stateA) * GAMMA_INVERSE;
        long back = -k;
        return Long.compareUnsigned(k, back) <= 0 ? k : back;
    }

    /** γ⁻¹ mod 2⁶⁴ (γ is odd, so it has one), by Newton's iteration x ← x(2 − γx). */
    static final long GAMMA_INVERSE;

    static {
        long x = GAMMA; // correct to 3 bits for odd γ
        for (int i = 0; i < 6; i++) x *= 2 - GAMMA * x;
        GAMMA_INVERSE = x;
    }

    /** SplitMix64's finaliser (Stafford's variant 13), the mixer SplittableRandom itself uses. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
