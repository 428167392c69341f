package org.saddlescope.config;

import java.util.List;
import java.util.Set;
import org.saddlescope.data.Dataset;
import org.saddlescope.net.Init;
import org.saddlescope.net.Network;
import org.saddlescope.random.RandomStreams;
import org.saddlescope.io.BadInputException;

/** What every run does to get its network: widths from the data and the hidden list, then θ0 by name. */
public final class NetworkBuilder {
    private NetworkBuilder() {}

    /** n_0 = the data's inputs, hidden widths n_1..n_{L-1}, n_L = its outputs. */
    public static int[] widths(Dataset data, List<Integer> hidden) {
        if (hidden == null || hidden.isEmpty()) throw new BadInputException("hidden: give at least one hidden width");
        int[] widths = new int[hidden.size() + 2];
        widths[0] = data.inputDim();
        for (int i = 0; i < hidden.size(); i++) {
            if (hidden.get(i) <= 0) throw new BadInputException("hidden: widths must be positive, got " + hidden);
            widths[i + 1] = hidden.get(i);
        }
        widths[widths.length - 1] = data.outputDim();
        return widths;
    }

    /**
     * θ0 drawn from the run's stream "init": gaussian (N(0, initScale²)), he (He-normal), he_scaled (He-normal with the layers in
     * smallLayers multiplied by epsilon). Returns false for the schemes read from a file ({@link InitScheme#fromFile}),
     * which the caller handles.
     */
    public static boolean draw(Network net, InitScheme init, double initScale, Set<Integer> smallLayers, double epsilon, RandomStreams streams) {
        switch (init) {
            case GAUSSIAN: Init.gaussian(net, initScale, streams.stream("init")); return true;
            case HE: Init.heNormal(net, streams.stream("init")); return true;
            case PYTORCH: Init.pytorchDefault(net, streams.stream("init")); return true;
            case HE_SCALED:
                for (int l : smallLayers) {
                    if (l < 1 || l > net.depth()) throw new BadInputException("small layer " + l + " is not in 1.." + net.depth());
                }
                Init.heNormalScaled(net, smallLayers, epsilon, streams.stream("init"));
                return true;
            default: return false;
        }
    }
}
