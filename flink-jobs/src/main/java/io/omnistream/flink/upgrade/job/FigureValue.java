package io.omnistream.flink.upgrade.job;

/** The latest value and query count of one metric series, as kept in {@link EpochState}. */
public class FigureValue {
    public double value;
    public long n;

    public FigureValue() {
    }

    FigureValue(double value, long n) {
        this.value = value;
        this.n = n;
    }
}
