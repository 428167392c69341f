package org.saddlescope.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.saddlescope.runs.RunFiles;

/**
 * The curves of the runs being looked at: metrics.csv and spectra.csv of each, held as columns ({@link CsvTail}) and
 * brought up to date on every request by reading only what was appended. Runs not asked for in a while are dropped
 * when the columns held pass {@code budgetBytes}.
 */
final class RunData {
    /** metrics.csv columns the dashboard plots or puts on its x axis (issue 19's q, nominal_step, nominal_epoch too). */
    static final Pattern PLOTTED = Pattern.compile("step|epoch|time_s|q|nominal_step|nominal_epoch|loss|train_loss|test_loss|train_acc|test_acc"
            + "|norm|w_norm_\\d+|speed|speed_unit|lost_updates_\\d+");
    /** Candidates for the x axis, in the order the page offers them. */
    static final List<String> X_AXES = List.of("step", "nominal_step", "epoch", "nominal_epoch", "q", "time_s");

    private record Entry(CsvTail metrics, CsvTail spectra, long[] used) {}

    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();
    private final long budgetBytes;

    RunData(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    private Entry entry(Path run) {
        Entry e = entries.computeIfAbsent(run, r -> new Entry(new CsvTail(r.resolve(RunFiles.METRICS), c -> PLOTTED.matcher(c).matches()),
                new CsvTail(r.resolve(RunFiles.SPECTRA), c -> true), new long[1]));
        e.used()[0] = System.nanoTime();
        return e;
    }

    /** metrics.csv as read up to now. */
    CsvTail.View metrics(Path run) throws IOException {
        Entry e = entry(run);
        e.metrics().refresh();
        evict();
        return e.metrics().view();
    }

    /** spectra.csv as read up to now. */
    CsvTail.View spectra(Path run) throws IOException {
        Entry e = entry(run);
        e.spectra().refresh();
        evict();
        return e.spectra().view();
    }

    /** Least recently asked-for runs dropped until the columns held fit the budget (the one just asked for stays). */
    private synchronized void evict() {
        long total = 0;
        for (Entry e : entries.values()) total += e.metrics().bytes() + e.spectra().bytes();
        if (total <= budgetBytes) return;
        List<Map.Entry<Path, Entry>> byAge = new ArrayList<>(entries.entrySet());
        byAge.sort((a, b) -> Long.compare(a.getValue().used()[0], b.getValue().used()[0]));
        for (int i = 0; i < byAge.size() - 1 && total > budgetBytes; i++) {
            Entry e = byAge.get(i).getValue();
            total -= e.metrics().bytes() + e.spectra().bytes();
            entries.remove(byAge.get(i).getKey());
        }
    }

    /** Memory held, by run (for the measurements in the notes). */
    Map<Path, Long> held() {
        Map<Path, Long> m = new LinkedHashMap<>();
        entries.forEach((k, e) -> m.put(k, e.metrics().bytes() + e.spectra().bytes()));
        return m;
    }
}
