package org.saddlescope.train;

import org.saddlescope.data.Dataset;
import org.saddlescope.data.Subsets;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.random.RandomStreams;

/**
 * The order in which a run reads its training samples: epoch e is the permutation drawn from the run's
 * ("shuffle", e) substream, read in batches of B (a trailing partial batch dropped, as PyTorch's drop_last), so
 * nominal step n reads batch n mod S of epoch ⌊n/S⌋ (S = steps per epoch). The position is a function of the
 * nominal step alone, which is what lets a fast-forwarded run hand back to minibatch SGD on exactly the batches
 * the unaccelerated run reads at that step.
 */
final class DataStream {
    private final Dataset train;
    private final int batch;
    private final long stepsPerEpoch;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cached;

    DataStream(Dataset train, int batch, long seed) {
        this.train = train;
        this.batch = batch;
        this.stepsPerEpoch = train.size() / batch;
        this.seed = seed;
    }

    long stepsPerEpoch() { return stepsPerEpoch; }

    /** Permutation of the training indices for an epoch (the last one asked for is kept). */
    int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            cached = Subsets.permutation(train.size(), RandomStreams.of(seed).stream("shuffle", epoch));
            cachedEpoch = epoch;
        }
        return cached;
    }

    /**
     * x(:, k), t(:, k) := the k-th sample read from nominal step {@code nominalStep} on, for k &lt; x.cols(),
     * across epoch boundaries: the samples of the next x.cols()/B minibatches in the run's order.
     */
    void gather(long nominalStep, Matrix x, Matrix t) {
        int need = x.cols();
        long epoch = nominalStep / stepsPerEpoch;
        long pos = (nominalStep % stepsPerEpoch) * batch; // sample offset in the epoch's permutation
        long usable = stepsPerEpoch * batch;
        int done = 0;
        while (done < need) {
            int take = (int) Math.min(need - done, usable - pos);
            int[] perm = permutation(epoch);
            try (Matrix xv = x.columns(done, take); Matrix tv = t.columns(done, take)) {
                xv.gatherColumns(train.x(), perm, (int) pos);
                tv.gatherColumns(train.targets(), perm, (int) pos);
            }
            done += take;
            epoch++;
            pos = 0;
        }
    }
}
