package org.saddlescope.linalg;

import org.bytedeco.openblas.global.openblas_full;

/**
 * The OpenBLAS bundled by the JavaCPP presets, loaded once before the first native call: by {@link Blas}, by
 * {@link Matrix}'s own level-1 arithmetic and by the LAPACK callers ({@link Svd}, {@link SymmetricEigen}).
 */
final class OpenBlas {
    private OpenBlas() {}

    private static volatile boolean loaded;

    static void ensureLoaded() {
        if (!loaded) {
            synchronized (OpenBlas.class) {
                if (!loaded) {
                    org.bytedeco.javacpp.Loader.load(openblas_full.class);
                    loaded = true;
                }
            }
        }
    }
}
