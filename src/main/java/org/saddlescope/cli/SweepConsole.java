package org.saddlescope.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import org.saddlescope.sweep.SweepLaunch;
import picocli.CommandLine;

/** How a sweep talks to this process: its lines and progress bar on the console, its points run in process by a worker. */
final class SweepConsole {
    private SweepConsole() {}

    /** The sweep's console: standard output and error, and a progress bar unless quiet. */
    static SweepLaunch.Console of(boolean quiet) {
        return new SweepLaunch.Console() {
            @Override public void out(String line) { System.out.println(line); }
            @Override public void print(String text) { System.out.print(text); }
            @Override public void err(String line) { System.err.println(line); }

            @Override
            public SweepLaunch.Progress progress() {
                ConsoleProgress p = new ConsoleProgress("sweep", quiet);
                return new SweepLaunch.Progress() {
                    @Override public void progress(long done, long total, String status) { p.progress(done, total, status); }
                    @Override public void warning(String line) { p.warning(line); }
                    @Override public void info(String line) { p.info(line); }
                    @Override public void close() { p.close(); }
                };
            }
        };
    }

    /**
     * Runs {@code saddlescope ARGS} in this process with standard output and error going to {@code log} (a worker runs
     * one point at a time, so swapping the process's streams is safe).
     */
    static int runInProcess(List<String> args, PrintStream log) {
        PrintStream out = System.out, err = System.err;
        System.setOut(log);
        System.setErr(log);
        try {
            CommandLine cl = Main.commandLine();
            PrintWriter w = new PrintWriter(log, true);
            cl.setOut(w);
            cl.setErr(w);
            return cl.execute(args.toArray(new String[0]));
        } finally {
            log.flush();
            System.setOut(out);
            System.setErr(err);
        }
    }
}
