package io.omnistream.flink.quality.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Unweighted mean of task means, MMEB's way of scoring a group of tasks: each task's score is the mean over its
 * queries, and a meta-task's (or a modality group's, or the overall) score is the plain mean of its tasks' scores,
 * however many queries each task has. The overall MMEB score is the mean over <em>all tasks</em>, not the mean of
 * meta-task means: build it from all tasks' aggregates. Immutable.
 *
 * <p>A task with no queries for a metric has no mean and is left out of that metric's average (not counted as 0);
 * {@link #taskCount} says how many tasks each average covers, so a dashboard can show a partial group as such.
 * Tasks are summed in task-id order, so the result does not depend on the iteration order of the input map.
 */
public final class MacroAverage {

    private final SortedSet<String> tasks;
    private final Map<MetricName, Double> means;
    private final Map<MetricName, Integer> taskCounts;

    private MacroAverage(SortedSet<String> tasks, Map<MetricName, Double> means, Map<MetricName, Integer> taskCounts) {
        this.tasks = tasks;
        this.means = means;
        this.taskCounts = taskCounts;
    }

    /**
     * Averages the per-task means of the given tasks.
     *
     * @param perTask task id to that task's aggregate
     */
    public static MacroAverage of(Map<String, MetricAggregate> perTask) {
        Objects.requireNonNull(perTask, "perTask");
        TreeMap<String, MetricAggregate> sorted = new TreeMap<>(perTask);
        Map<MetricName, Double> means = new EnumMap<>(MetricName.class);
        Map<MetricName, Integer> counts = new EnumMap<>(MetricName.class);
        for (MetricName name : MetricName.values()) {
            double sum = 0.0;
            int tasks = 0;
            for (MetricAggregate aggregate : sorted.values()) {
                OptionalDouble mean = Objects.requireNonNull(aggregate, "aggregate").mean(name);
                if (mean.isPresent()) {
                    sum += mean.getAsDouble();
                    tasks++;
                }
            }
            counts.put(name, tasks);
            if (tasks > 0) {
                means.put(name, sum / tasks);
            }
        }
        return new MacroAverage(Collections.unmodifiableSortedSet(new TreeSet<>(sorted.keySet())),
                Collections.unmodifiableMap(means), Collections.unmodifiableMap(counts));
    }

    /** The unweighted mean of the task means of a metric; empty if no task has a value for it. */
    public OptionalDouble mean(MetricName name) {
        Double mean = means.get(name);
        return mean == null ? OptionalDouble.empty() : OptionalDouble.of(mean);
    }

    /** Number of tasks that contributed to {@link #mean(MetricName)}. */
    public int taskCount(MetricName name) {
        return taskCounts.get(name);
    }

    /** All task ids given, including tasks without queries; sorted, unmodifiable. */
    public SortedSet<String> tasks() {
        return tasks;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MacroAverage that && tasks.equals(that.tasks) && means.equals(that.means)
                && taskCounts.equals(that.taskCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tasks, means, taskCounts);
    }

    @Override
    public String toString() {
        return "MacroAverage{tasks=" + tasks + ", means=" + means + '}';
    }
}
