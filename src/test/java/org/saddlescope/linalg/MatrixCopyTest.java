package org.saddlescope.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Column gathers and copies through views land at the right offsets (regression: memcpy took offsets as bytes). */
class MatrixCopyTest {

    @Test
    void gatherAndViewCopiesInBothDtypes() {
        for (DType dt : DType.values()) {
            for (int rows : new int[] {1, 3}) {
                int cols = 6;
                double[] v = new double[rows * cols];
                for (int k = 0; k < v.length; k++) v[k] = k;
                Matrix m = Matrix.fromColumnMajor(dt, rows, cols, v);
                Matrix g = Matrix.zeros(dt, rows, 3);
                g.gatherColumns(m, new int[] {9, 5, 0, 4}, 1); // offset 1: columns 5, 0, 4
                double[] expected = new double[rows * 3];
                int[] pick = {5, 0, 4};
                for (int c = 0; c < 3; c++) for (int i = 0; i < rows; i++) expected[c * rows + i] = pick[c] * rows + i;
                assertArrayEquals(expected, g.toDoubleArray(), 0.0);

                Matrix view = m.columns(2, 3);
                Matrix copy = Matrix.zeros(dt, rows, 3);
                copy.copyFrom(view);
                double[] mid = new double[rows * 3];
                for (int k = 0; k < mid.length; k++) mid[k] = 2 * rows + k;
                assertArrayEquals(mid, copy.toDoubleArray(), 0.0);

                // writing into a view writes into the parent at the right place, and a gather from a view works
                Matrix target = Matrix.zeros(dt, rows, cols);
                target.columns(3, 3).copyFrom(copy);
                for (int k = 0; k < mid.length; k++) assertArrayEquals(new double[] {mid[k]}, new double[] {target.getFlat(3 * rows + k)}, 0.0);
                Matrix g2 = Matrix.zeros(dt, rows, 1);
                g2.gatherColumns(view, new int[] {2}, 0); // column 2 of the view = column 4 of m
                double[] col4 = new double[rows];
                for (int i = 0; i < rows; i++) col4[i] = 4 * rows + i;
                assertArrayEquals(col4, g2.toDoubleArray(), 0.0);
            }
        }
    }
}
