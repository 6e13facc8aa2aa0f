package io.omnistream.flink.upgrade;

import java.io.Serializable;

/**
 * One figure the gate compares: the latest value of one metric series of one model version in one epoch.
 *
 * @param metric   the metric name, e.g. {@code ndcg@10}
 * @param value    the running mean (the last record of the series)
 * @param n        queries the mean is over
 * @param expected judged queries the series has when it is final (0 = not known); {@code n == expected} is final
 */
public record Figure(String metric, double value, long n, long expected) implements Serializable {

    public boolean isFinal() {
        return expected > 0 && n == expected;
    }

    /** {@code "n=5/5"}, or {@code "n=5"} when the expected count is not known. */
    public String count() {
        return expected > 0 ? "n=" + n + "/" + expected : "n=" + n;
    }
}
