package org.saddlescope.linalg;

import org.bytedeco.javacpp.Pointer;

/**
 * What JavaCPP will still allocate for {@link Matrix} storage (off the Java heap): its limit
 * ({@code -Dorg.bytedeco.javacpp.maxBytes}, by default the JVM's -Xmx) less what live matrices hold. Past it an
 * allocation throws OutOfMemoryError.
 */
public final class NativeMemory {
    private NativeMemory() {}

    /** Bytes that can still be allocated for matrices; Long.MAX_VALUE when JavaCPP has no limit. */
    public static long free() {
        long max = Pointer.maxBytes();
        return max <= 0 ? Long.MAX_VALUE : Math.max(0, max - Pointer.totalBytes());
    }

    /** JavaCPP's limit in bytes (0 = none). */
    public static long limit() {
        return Pointer.maxBytes();
    }
}
