package org.saddlescope.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An appended CSV read incrementally: only new bytes, whole lines only, and from the start when cut back. */
class CsvTailTest {
    private static void append(Path f, String text) throws Exception {
        Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void readsOnlyWhatWasAppendedAndWholeLinesOnly(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("metrics.csv");
        append(f, "step,time_s,loss,lr\n0,0.1,,1\n10,0.2,5.5,1\n");
        CsvTail t = new CsvTail(f, c -> !c.equals("lr"));
        assertTrue(t.refresh());
        CsvTail.View v = t.view();
        assertEquals(List.of("step", "time_s", "loss"), v.names());
        assertEquals(2, v.rows());
        assertTrue(Double.isNaN(v.get(2, 0)), "a blank cell is NaN");
        assertEquals(5.5, v.get(2, 1));
        long read = t.bytesRead();
        assertFalse(t.refresh(), "nothing new");
        assertEquals(read, t.bytesRead(), "an unchanged file is not read again");
        append(f, "20,0.3,4.25,1\n30,0.4,4");       // a row being written
        assertTrue(t.refresh());
        assertEquals(3, t.view().rows(), "the half row waits");
        assertEquals(read + "20,0.3,4.25,1\n30,0.4,4".length(), t.bytesRead(), "only the appended bytes were read");
        append(f, ".125,1\n");
        t.refresh();
        v = t.view();
        assertEquals(4, v.rows());
        assertEquals(4.125, v.get(2, 3));
        assertEquals(30.0, v.get(0, 3));
    }

    @Test
    void aFileCutBackIsReadAgain(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("metrics.csv");
        append(f, "step,loss\n1,3\n2,2\n3,1\n");
        CsvTail t = new CsvTail(f, c -> true);
        t.refresh();
        CsvTail.View before = t.view();
        Files.writeString(f, "step,loss\n1,3\n2,2.5\n"); // a resume cut it back and rewrote a row
        assertTrue(t.refresh());
        assertEquals(2, t.view().rows());
        assertEquals(2.5, t.view().get(1, 1));
        assertEquals(3, before.rows(), "the earlier view is unchanged");
        Files.delete(f);
        assertTrue(t.refresh());
        assertEquals(0, t.view().rows());
    }

    @Test
    void manyRowsInChunksMatchTheFile(@TempDir Path tmp) throws Exception {
        // rows that straddle the reader's 1 MiB chunks, appended in uneven pieces
        Path f = tmp.resolve("metrics.csv");
        Random rnd = new Random(7);
        StringBuilder all = new StringBuilder("step,loss,norm\n");
        int rows = 60_000;
        double[] loss = new double[rows];
        for (int i = 0; i < rows; i++) {
            loss[i] = rnd.nextDouble() * Math.pow(10, -rnd.nextInt(8));
            all.append(i + 1).append(',').append(loss[i]).append(',').append(i * 0.5).append('\n');
        }
        CsvTail t = new CsvTail(f, c -> true);
        int at = 0, appends = 0;
        while (at < all.length()) {
            appends++;
            int to = Math.min(all.length(), at + 1 + rnd.nextInt(700_000));
            append(f, all.substring(at, to));
            t.refresh();
            at = to;
        }
        CsvTail.View v = t.view();
        assertEquals(rows, v.rows());
        for (int i = 0; i < rows; i += 997) {
            assertEquals(i + 1, v.get(0, i));
            assertEquals((float) loss[i], (float) v.get(1, i), "float storage of a plotted column");
        }
        // each byte read once, but for the unfinished row at the end of each append (read again when it is whole)
        assertTrue(t.bytesRead() >= Files.size(f) && t.bytesRead() <= Files.size(f) + 64L * appends,
                t.bytesRead() + " bytes read for a file of " + Files.size(f) + " in " + appends + " appends");
    }
}
