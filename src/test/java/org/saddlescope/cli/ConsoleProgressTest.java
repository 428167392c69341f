package org.saddlescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    static final String STATUS = "loss 0.0001078 |θ| 4.53  plateau 3 since 29286";

    @Test
    void linesFitAnEightyColumnTerminal() {
        for (long total : new long[] {100, 40000, 400_000_000L}) {
            for (String status : new String[] {null, "", STATUS, STATUS + STATUS + STATUS}) {
                for (int bar : new int[] {0, 12}) {
                    String l = ConsoleProgress.line("reproduce-mnist-quick", total / 3, total, 12345.6, status, bar, ConsoleProgress.WIDTH);
                    assertTrue(l.length() <= 79, l.length() + ": " + l);
                    assertTrue(l.startsWith("reproduce-mnist-quick  33% "), l);
                }
            }
        }
        // room for all of it: nothing cut; too little: an ellipsis, never a half number at the edge unnoticed
        assertEquals("train  73% 29286/40000 eta 2s  " + STATUS, ConsoleProgress.line("train", 29286, 40000, 2.2, STATUS, 0, 79));
        assertTrue(ConsoleProgress.line("train", 1, 2, 1, STATUS + STATUS, 0, 79).endsWith("…"));
        assertEquals("3h25m", ConsoleProgress.duration(12345.6));
    }

    @Test
    void plainAndTerminalOutputStayWithinTheWidth() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream(), term = new ByteArrayOutputStream();
        try (ConsoleProgress p = new ConsoleProgress("train", false, false, new PrintStream(plain, true, StandardCharsets.UTF_8), 0);
             ConsoleProgress t = new ConsoleProgress("train", false, true, new PrintStream(term, true, StandardCharsets.UTF_8), 0)) {
            for (long s = 0; s <= 40000; s += 4000) {
                p.progress(s, 40000, STATUS + " and a long tail that does not fit");
                t.progress(s, 40000, STATUS + " and a long tail that does not fit");
            }
        }
        String[] lines = plain.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines.length >= 10);
        for (String l : lines) assertTrue(l.length() <= 79, l);
        // the bar redraws its line after a carriage return: every redraw fits too
        for (String l : term.toString(StandardCharsets.UTF_8).split("[\r\n]")) assertTrue(l.length() <= 79, l.length() + ": " + l);
        assertTrue(term.toString(StandardCharsets.UTF_8).contains("40000/40000"));
    }

    @Test
    void anEtaOnlyOnceARateIsMeasured() {
        // a clock the test moves: the first reports come fast (a warm-up); no ETA before 3 s of measured progress
        long[] now = {0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ConsoleProgress p = new ConsoleProgress("read", false, false, new PrintStream(out, true, StandardCharsets.UTF_8), 0, () -> now[0])) {
            p.progress(0, 1000, null);
            now[0] = 1_000_000L; // 1 ms: a first chunk that says nothing about the rate
            p.progress(1, 1000, null);
            now[0] = 2_000_000_000L;
            p.progress(400, 1000, null);
            now[0] = 4_000_000_000L;
            p.progress(800, 1000, null);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < 3; i++) assertTrue(!lines[i].contains("eta"), "no ETA before 3 s: " + lines[i]);
        assertTrue(lines[3].contains("eta 1s"), "800 of 1000 in 4 s: 1 s left: " + lines[3]);
        assertTrue(Double.isNaN(ConsoleProgress.eta(2.9, 100, 100)) && ConsoleProgress.eta(3, 100, 100) == 3);
    }
}
