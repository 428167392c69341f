package org.saddlescope.io;

/** The version written into manifests. */
public final class Version {
    private Version() {}

    public static final String VERSION = "0.1.0";
}
