package org.saddlescope.train.optim;

import java.util.Map;
import org.saddlescope.linalg.Matrix;
import org.saddlescope.net.Network;

/**
 * How a training step turns backpropagated gradients into new weights: the seam where optimisers differ. The
 * step owns the backward pass, so plain gradient descent can update each W_ℓ as soon as δ_ℓ is known, without
 * materialising the gradient ({@link Sgd}, the fast path), while {@link Momentum} and {@link Adam} form it and
 * keep state. A checkpoint saves {@link #state()} generically, as named arrays, and a resumed run calls
 * {@link #restore} before its first step, so that it continues bit for bit.
 */
public interface Optimizer {
    /** The spec that recreates this optimiser, e.g. "sgd" or "adam:beta1=0.9,beta2=0.999,eps=1e-08". */
    String spec();

    /**
     * One step after {@code net.forward(x, ws)}: backpropagates dY = ∂C/∂Y and updates the weights in place with
     * learning rate lr. Returns ‖θ‖² after the step given ‖θ‖² before it (tracked without a pass over the weights
     * where that is cheap; exact in exact arithmetic). Fills {@code record}.
     */
    double step(Network net, Network.Workspace ws, Matrix dY, double lr, double normSquaredBefore, StepRecord record);

    /**
     * Arrays besides the weights that the next step depends on, by name (live; empty for plain SGD). Scalars are
     * 1×1 float64 arrays, exact up to 2⁵³.
     */
    Map<String, Matrix> state();

    /** Sets the state from a checkpoint's arrays (as {@link #state} named them); an empty map is the initial state. */
    void restore(Network net, Map<String, Matrix> arrays);

    /** True when the update is −lr·∇ exactly, so the imbalance identity of gradient descent applies. */
    default boolean gradientDescent() { return false; }
}
