package org.saddlescope;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.saddlescope.data.Catalog;
import org.saddlescope.datasets.DataStore;

/**
 * Real data sets for the tests that need them, found where {@code --dataset NAME} finds them (the data folder, else
 * the system folder). Missing data skips the test, except where {@value #REQUIRE} names the set (CI sets it after
 * installing the data in .ci/run): there it fails, so a CI run cannot pass without having run the real-data tests.
 */
public final class RealData {
    private RealData() {}

    /** Comma-separated set names (or "all") whose absence fails the tests instead of skipping them. */
    public static final String REQUIRE = "SADDLESCOPE_REQUIRE_REAL_DATA";

    /** The folder holding the set's files, or a skip (a failure where the set is required). */
    public static Path folder(Catalog.Spec s) {
        DataStore.Location l = DataStore.standard().locate(s);
        if (l != null) return l.dir();
        missing(s.name(), s.title() + " not found in the data folder " + DataStore.standard().folder(s) + " nor in "
                + DataStore.systemFolder(s) + " (saddlescope data import " + s.name() + " PATH, or data fetch " + s.name() + ")");
        return null;
    }

    /** Skips, or fails where {@value #REQUIRE} names {@code name}. */
    public static void missing(String name, String why) {
        if (required(name)) fail(why + "; required here: " + REQUIRE + "=" + System.getenv(REQUIRE));
        Assumptions.abort(why);
    }

    public static boolean required(String name) {
        String v = System.getenv(REQUIRE);
        if (v == null || v.isBlank()) return false;
        return Arrays.stream(v.toLowerCase(Locale.ROOT).split(",")).map(String::trim).anyMatch(x -> x.equals("all") || x.equals(name));
    }
}
