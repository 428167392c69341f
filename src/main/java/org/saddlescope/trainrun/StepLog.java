package org.saddlescope.trainrun;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.saddlescope.io.BadInputException;
import org.saddlescope.train.TrainingObserver;
import org.saddlescope.train.TrainingObserver.StepInfo;

/**
 * checkpoints/steps.bin, every update's {@link StepInfo} in order, which a resumed run replays into its saddle tracker
 * and time axis. The file starts with {@link #MAGIC}, then one record an update: epoch (8), epochEnd (1), loss, ‖θ‖²,
 * learning rate (8 each), nominal step (8), q (8) — {@link #RECORD} bytes; the update count is the record's index + 1.
 * Logs written before the fast-forward have no magic and the first five fields only ({@link #RECORD_V1}: the nominal
 * step is the update count, q unknown); such a run goes on appending records of its own form, so its file is never
 * rewritten.
 */
final class StepLog {
    /** The first bytes of a log of the current form (an older log starts with an epoch, a long ≥ 0, never these). */
    static final byte[] MAGIC = "SSTEPS2\n".getBytes(StandardCharsets.US_ASCII);
    static final int RECORD = 49, RECORD_V1 = 33;

    private StepLog() {}

    /** Whether {@code file} is of the current form (a missing or empty file is: a new log starts so). */
    static boolean current(Path file) {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) return true;
            try (InputStream in = Files.newInputStream(file)) {
                return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": unreadable (" + e.getMessage() + ")");
        }
    }

    /** Bytes of a log of {@code records} updates in the given form. */
    static long length(boolean current, long records) {
        return current ? MAGIC.length + records * RECORD : records * RECORD_V1;
    }

    /** Whole records in {@code file}. */
    static long records(Path file) {
        boolean cur = current(file);
        try {
            long size = Files.size(file);
            return cur ? Math.max(0, size - MAGIC.length) / RECORD : size / RECORD_V1;
        } catch (IOException e) {
            throw new BadInputException(file + ": unreadable (" + e.getMessage() + ")");
        }
    }

    /** A writer appending to {@code file} in its own form ({@code fresh}: a new log of the current form). */
    static Writer open(Path file, boolean fresh) {
        try {
            Files.createDirectories(file.getParent());
            boolean cur = fresh || current(file);
            boolean empty = fresh || !Files.exists(file) || Files.size(file) == 0;
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(file.toFile(), !fresh), 1 << 16));
            if (empty) out.write(MAGIC);
            return new Writer(out, cur);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends records; {@link #flush} before a checkpoint reads the file's length. */
    static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private final boolean current;

        private Writer(DataOutputStream out, boolean current) {
            this.out = out;
            this.current = current;
        }

        void write(StepInfo info) {
            try {
                out.writeLong(info.epoch());
                out.writeBoolean(info.epochEnd());
                out.writeDouble(info.loss());
                out.writeDouble(info.normSquared());
                out.writeDouble(info.learningRate());
                if (current) {
                    out.writeLong(info.step());
                    out.writeDouble(info.q());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The first {@code n} records of {@code file}, fed in order to {@code to}, stopping early at the first whose nominal
     * step passes {@code upToNominal} (≤ 0: no such bound).
     */
    static void read(Path file, long n, long upToNominal, TrainingObserver to) {
        boolean cur = current(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (cur) in.readFully(new byte[MAGIC.length]);
            long previous = 0;
            for (long t = 1; t <= n; t++) {
                long epoch = in.readLong();
                boolean epochEnd = in.readBoolean();
                double loss = in.readDouble(), norm2 = in.readDouble(), lr = in.readDouble();
                long nominal = cur ? in.readLong() : t;
                double q = cur ? in.readDouble() : Double.NaN;
                if (upToNominal > 0 && nominal > upToNominal) return;
                to.afterStep(null, new StepInfo(nominal, epoch, epochEnd, loss, norm2, lr, nominal - previous, t, q));
                previous = nominal;
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": unreadable (" + e.getMessage() + ")");
        }
    }
}
