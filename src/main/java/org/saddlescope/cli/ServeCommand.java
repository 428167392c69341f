package org.saddlescope.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.saddlescope.serve.RunServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code saddlescope serve [DIR]}: the live web page over a folder of runs, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Watch runs in the browser: an index of every run under DIR (status, steps, loss, escapes; sorts and filters) and, per run, "
                + "curves that grow while it trains (loss with its plateaus, ‖θ‖, every layer's singular values, escape speed, lost updates); "
                + "tick runs to overlay them. Read-only, on 127.0.0.1 unless --host says otherwise; stops with Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Folder of runs (default: runs).")
    Path dir = Path.of("runs");

    @Option(names = "--port", paramLabel = "N", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 8787;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; "
            + "another address lets other machines read every file under DIR).")
    String host = "127.0.0.1";

    @picocli.CommandLine.Mixin
    QuietOptions quietOptions;

    @Override
    public Integer call() throws InterruptedException {
        try (RunServer server = RunServer.start(dir, host, port)) {
            System.out.println(server.url());
            if (!quietOptions.quiet) System.err.println("saddlescope: serving " + server.root() + " read-only at " + server.url() + " (Ctrl-C stops)");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return CommandLine.ExitCode.OK;
    }
}
