package io.omnistream.flink.bias.job;

/** Labels and event-time range of one bias accumulator (a Flink POJO), and whether it changed since last emitted. */
public class BiasSeriesInfo {
    public String modelId;
    /** Base task (without the twin suffix); null for the accumulator over all tasks of the epoch. */
    public String taskId;
    public int epoch;
    public long firstEventMs = Long.MAX_VALUE;
    public long lastEventMs = Long.MIN_VALUE;
    public boolean dirty;

    public BiasSeriesInfo() {
    }
}
