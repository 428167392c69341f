package org.saddlescope.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import org.saddlescope.net.Activation;
import org.saddlescope.datasets.DataSource;

/**
 * The data, architecture, cost and seed that every kind of run shares (train, flow, sweep, escape): each field is
 * declared once here, with its description; a kind of run extends this (or {@link InitSpec}) and may change a
 * default in its constructor. n_0 and n_L come from the data, so the architecture is the hidden widths.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class NetworkSpec {
    @Help("Dataset spec: " + DataSource.SPECS)
    @JsonAlias("data")
    public String dataset = "teacher";

    @Help("Training samples to use (0 = all).")
    @Bounds(min = 0)
    public int subset = 0;

    @Help("Hidden widths n_1..n_{L-1}, comma-separated (n_0 and n_L come from the data).")
    @JsonAlias("widths")
    @Bounds(min = 1)
    public List<Integer> hidden = new ArrayList<>(List.of(50, 50, 50));

    @Help("Activation σ: " + Activation.NAMES + ".")
    public Activation activation = Activation.RELU;

    @Help("Cost C: mse or cross_entropy; flow also takes localized (L0 = Tr[GᵀY] with the G of the mse), escape auto "
            + "(the data set's own G, else cross_entropy for labels, mse otherwise).")
    @JsonAlias("loss")
    public String cost = "mse";

    @Help(SEED_HELP)
    public long seed = 0;

    /** The seed's description, shared with commands that take a seed but no spec. */
    public static final String SEED_HELP = "Run seed: θ0, shuffles, subsets and search restarts draw from its named streams "
            + "(synthetic data have their own seed key in the dataset spec).";
}
