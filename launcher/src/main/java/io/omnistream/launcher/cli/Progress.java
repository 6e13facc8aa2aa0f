package io.omnistream.launcher.cli;

import java.io.PrintStream;

/**
 * Progress output for long work. On a terminal it redraws one line (bar, count, rate, ETA); otherwise (CI, pipes) it
 * prints a plain line every 10% so logs stay readable.
 */
public final class Progress {
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private int lastDecile = -1;
    private long lastDrawNanos;

    public Progress(String label, long total, PrintStream out) {
        this.label = label;
        this.total = Math.max(total, 1);
        this.out = out;
        this.interactive = System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Reports {@code done} of total items; cheap to call often (redraws at most every 100 ms). */
    public synchronized void update(long done) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        if (interactive) {
            long now = System.nanoTime();
            if (done < total && now - lastDrawNanos < 100_000_000L) {
                return;
            }
            lastDrawNanos = now;
            int width = 30;
            int filled = (int) (width * Math.min(done, total) / total);
            String eta = rate > 0 && done < total ? String.format("ETA %ds", Math.round((total - done) / rate)) : "";
            out.printf("\r%s [%s%s] %d/%d %3d%% %.1f/s %s   ", label, "#".repeat(filled), " ".repeat(width - filled),
                    done, total, 100 * done / total, rate, eta);
            if (done >= total) {
                out.println();
            }
        } else {
            int decile = (int) (10 * Math.min(done, total) / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.printf("%s: %d/%d (%d%%), %.1f/s%n", label, done, total, 100 * done / total, rate);
            }
        }
        out.flush();
    }
}
