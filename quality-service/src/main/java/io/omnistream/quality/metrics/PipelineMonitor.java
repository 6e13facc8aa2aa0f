package io.omnistream.quality.metrics;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the pipeline's throughput and backlog on a daemon thread every {@code interval}: the encoder's event rate
 * from the stack's Prometheus counters, and the lag of every consumer group from Kafka.
 *
 * <ul>
 *   <li><b>Encoder events/s</b>: the increase of {@code omnistream_encoder_events_total} (summed over models) between
 *       the last two samples, divided by the time between them, per outcome and in total. Unknown (absent) until two
 *       samples exist.</li>
 *   <li><b>Consumer lag</b> (records) per (group, topic): the sum over the group's partitions with a committed offset
 *       of (end offset − committed offset), clamped at 0. Partitions without a committed offset are not counted: where
 *       such a consumer starts is its own reset policy, unknown here. Every consumer group the broker lists is
 *       included, also offset-only groups (the Flink job commits on checkpoints without joining a group); the stack's
 *       own topic readers have no group and never appear.</li>
 * </ul>
 *
 * <p>The lag is also exported as the gauge {@code omnistream_kafka_consumer_lag{group, topic}} (records) in the
 * given registry. A (group, topic) that is no longer reported is removed from it. When Kafka cannot be asked (each
 * request waits at most {@code interval}), the last figures stay, the error is shown in {@link Sample#lagError()}
 * and logged once until the next success.
 *
 * <p>{@link #close()} stops sampling, unregisters the gauge and closes the admin client.
 */
public final class PipelineMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineMonitor.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** The encoder workers' event counter ({@code WorkerMetrics}), as the registry names its snapshot (no _total). */
    static final String ENCODER_EVENTS = "omnistream_encoder_events";

    /** Consumer lag of one group on one topic, in records. */
    public record Lag(String group, String topic, long records) {}

    /**
     * One sample.
     *
     * @param sampledAtMs           wall-clock time of the sample (ms since the epoch); 0 before the first
     * @param encoderEventsTotal    events handled by the encoder workers since start, by outcome
     * @param encoderEventsPerSecond rate over the last interval by outcome, plus key {@code "total"}; empty until two
     *                              samples exist
     * @param lag                   per (group, topic), sorted by group then topic
     * @param lagError              why the latest lag request failed (lag is then the previous figures), or null
     */
    public record Sample(long sampledAtMs, Map<String, Double> encoderEventsTotal,
                         Map<String, Double> encoderEventsPerSecond, List<Lag> lag, String lagError) {
        static final Sample NONE = new Sample(0, Map.of(), Map.of(), List.of(), null);
    }

    private final Admin admin;
    private final PrometheusRegistry registry;
    private final Duration interval;
    private final Gauge lagGauge;
    private final ScheduledExecutorService scheduler;
    private volatile Sample latest = Sample.NONE;
    /** Touched by the sampling thread only. */
    private Map<String, Double> previousTotals;
    private long previousNanos;
    private Set<List<String>> exported = new HashSet<>();
    private boolean failing;

    private PipelineMonitor(Map<String, Object> clientProperties, PrometheusRegistry registry, Duration interval) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.interval = interval;
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        Objects.requireNonNull(props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), "bootstrapServers");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "omnistream-pipeline-monitor");
        this.admin = Admin.create(props);
        this.lagGauge = Gauge.builder().name("omnistream_kafka_consumer_lag")
                .help("Records not yet committed by a consumer group on a topic (end offset minus committed offset, "
                        + "partitions with a commit only)")
                .labelNames("group", "topic").register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sampling at once and then every {@code interval}. */
    public static PipelineMonitor start(String bootstrapServers, PrometheusRegistry registry, Duration interval) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        return start(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), registry, interval);
    }

    /** {@link #start(String, PrometheusRegistry, Duration)} with an admin client on {@code clientProperties}. */
    public static PipelineMonitor start(Map<String, Object> clientProperties, PrometheusRegistry registry,
                                        Duration interval) {
        PipelineMonitor monitor = new PipelineMonitor(clientProperties, registry, interval);
        monitor.scheduler.scheduleWithFixedDelay(monitor::sampleSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return monitor;
    }

    /** The latest sample ({@code sampledAtMs == 0} before the first). */
    public Sample latest() {
        return latest;
    }

    public Duration interval() {
        return interval;
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            // a failing sample must not cancel the schedule (ScheduledExecutorService stops on an exception)
            LOG.warn("pipeline sample failed: {}", e.toString(), e);
        }
    }

    private void sample() {
        long nanos = System.nanoTime();
        Map<String, Double> totals = encoderEventTotals(registry);
        Map<String, Double> rates = previousTotals == null ? Map.of() : rates(previousTotals, totals, (nanos - previousNanos) / 1e9);
        previousTotals = totals;
        previousNanos = nanos;

        List<Lag> lag = latest.lag();
        String lagError = null;
        try {
            lag = consumerLag();
            export(lag);
            if (failing) {
                LOG.info("consumer lag readable again");
                failing = false;
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            lagError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (!failing) {
                LOG.warn("cannot read consumer lag (keeping the last figures until it works again): {}", lagError);
                failing = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        latest = new Sample(System.currentTimeMillis(), totals, rates, lag, lagError);
    }

    /** Events handled by the encoder workers by outcome, summed over models; empty if no worker registered yet. */
    static Map<String, Double> encoderEventTotals(PrometheusRegistry registry) {
        Map<String, Double> totals = new TreeMap<>();
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (snapshot instanceof CounterSnapshot counter && ENCODER_EVENTS.equals(counter.getMetadata().getName())) {
                for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
                    String outcome = point.getLabels().get("outcome");
                    totals.merge(outcome == null ? "" : outcome, point.getValue(), Double::sum);
                }
            }
        }
        return totals;
    }

    /**
     * Per-second increase of each total between two samples {@code seconds} apart, plus {@code "total"}. A total that
     * went down (a counter reset: the worker's registry was replaced) counts from 0.
     */
    static Map<String, Double> rates(Map<String, Double> before, Map<String, Double> after, double seconds) {
        if (seconds <= 0) {
            return Map.of();
        }
        Map<String, Double> rates = new TreeMap<>();
        double sum = 0;
        for (var e : after.entrySet()) {
            double previous = before.getOrDefault(e.getKey(), 0.0);
            double increase = e.getValue() >= previous ? e.getValue() - previous : e.getValue();
            rates.put(e.getKey(), increase / seconds);
            sum += increase / seconds;
        }
        rates.put("total", sum);
        return rates;
    }

    private List<Lag> consumerLag() throws ExecutionException, InterruptedException, TimeoutException {
        long timeoutMs = interval.toMillis();
        Collection<GroupListing> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups())
                .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = groups.stream()
                .collect(Collectors.toMap(GroupListing::groupId, g -> new ListConsumerGroupOffsetsSpec(), (a, b) -> a));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
                admin.listConsumerGroupOffsets(specs).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        committed.values().forEach(offsets -> offsets.forEach((tp, om) -> {
            if (om != null) {
                request.put(tp, OffsetSpec.latest());
            }
        }));
        Map<TopicPartition, ListOffsetsResultInfo> ends = request.isEmpty() ? Map.of()
                : admin.listOffsets(request).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        return lagOf(committed, ends.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
    }

    /** Lag per (group, topic) from committed offsets (null: none) and end offsets; sorted by group, then topic. */
    static List<Lag> lagOf(Map<String, Map<TopicPartition, OffsetAndMetadata>> committed, Map<TopicPartition, Long> ends) {
        Map<List<String>, Long> sums = new HashMap<>();
        committed.forEach((group, offsets) -> offsets.forEach((tp, om) -> {
            Long end = ends.get(tp);
            if (om != null && end != null) {
                sums.merge(List.of(group, tp.topic()), Math.max(0, end - om.offset()), Long::sum);
            }
        }));
        List<Lag> lag = new ArrayList<>();
        sums.forEach((key, records) -> lag.add(new Lag(key.get(0), key.get(1), records)));
        lag.sort(Comparator.comparing(Lag::group).thenComparing(Lag::topic));
        return lag;
    }

    private void export(List<Lag> lag) {
        Set<List<String>> now = new HashSet<>();
        for (Lag l : lag) {
            lagGauge.labelValues(l.group(), l.topic()).set(l.records());
            now.add(List.of(l.group(), l.topic()));
        }
        for (List<String> gone : exported) {
            if (!now.contains(gone)) {
                lagGauge.remove(gone.toArray(String[]::new));
            }
        }
        exported = now;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(interval.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.unregister(lagGauge);
        admin.close(Duration.ofSeconds(5));
    }
}
