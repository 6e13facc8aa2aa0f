package io.omnistream.quality.kafka;

import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic of Confluent-framed Avro records from the beginning on a daemon thread and hands every decoded
 * record to a sink, in partition order. For small, single-partition state topics the embedded stack shows (e.g.
 * {@code quality.metrics.v1}, {@code quality.alerts.v1}).
 *
 * <p>No consumer group: it assigns every partition the topic has when first found and seeks to the beginning, so every
 * reader sees every record and commits nothing (and it never shows up in consumer-lag figures). Partitions added later
 * are not read. It waits for the topic to exist rather than creating it. Reads committed records only.
 *
 * <p>Tombstones are skipped. A record that cannot be decoded is skipped and logged at most once a minute (with the
 * count skipped since): it belongs to whoever wrote it to dead-letter. An exception from the sink, or any other
 * unexpected failure, stops the thread; it is logged and available from {@link #failure()}.
 *
 * <p>{@link #close()} wakes the consumer and waits up to {@link #CLOSE_TIMEOUT} for the thread to end.
 *
 * @param <T> the generated Avro class of the topic's values
 */
public final class AvroTopicReader<T extends SpecificRecord> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AvroTopicReader.class);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /** How long one metadata request for the topic's partitions may block; retried until found or closed. */
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    /** Pause between looking for a topic that does not exist yet. */
    private static final Duration TOPIC_RETRY_PAUSE = Duration.ofSeconds(1);
    private static final long UNDECODABLE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String topic;
    private final Consumer<? super T> sink;
    private final ConfluentAvroDeserializer<T> deserializer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean caughtUp;
    private volatile long applied;
    private volatile long skipped;
    private volatile RuntimeException failure;
    /** Touched by the reader thread only. */
    private long skippedSinceLastLog;
    private long nextUndecodableLogNanos = System.nanoTime();

    private AvroTopicReader(Map<String, Object> clientProperties, String registryUrl, String topic, Class<T> type,
                            Consumer<? super T> sink) {
        this.topic = requireText(topic, "topic");
        this.sink = Objects.requireNonNull(sink, "sink");
        // SchemaRegistries rejects a URL that is not mock://, http:// or https://
        this.deserializer = new ConfluentAvroDeserializer<>(Objects.requireNonNull(type, "type"),
                requireText(registryUrl, "registryUrl"));
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        requireText((String) props.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG), "bootstrapServers");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "omnistream-reader-" + topic);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "avro-reader-" + topic);
        thread.setDaemon(true);
    }

    /**
     * Starts reading {@code topic} into {@code sink} (called on the reader thread, one record at a time).
     *
     * @throws IllegalArgumentException for a blank argument or a registry URL that is not mock://, http(s)://
     * @throws NullPointerException     for a null argument
     */
    public static <T extends SpecificRecord> AvroTopicReader<T> start(String bootstrapServers, String registryUrl,
                                                                      String topic, Class<T> type,
                                                                      Consumer<? super T> sink) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        return start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), registryUrl, topic, type, sink);
    }

    /**
     * {@link #start(String, String, String, Class, Consumer)} with a consumer on {@code clientProperties} (bootstrap
     * servers and security, from {@code KafkaConnection.clientProperties()}).
     */
    public static <T extends SpecificRecord> AvroTopicReader<T> start(Map<String, Object> clientProperties,
                                                                      String registryUrl, String topic, Class<T> type,
                                                                      Consumer<? super T> sink) {
        AvroTopicReader<T> reader = new AvroTopicReader<>(clientProperties, registryUrl, topic, type, sink);
        reader.thread.start();
        return reader;
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return; // closed before the topic appeared
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (closing.getCount() > 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    apply(record);
                }
                // lag is known from fetch responses, without a request; unknown until the first fetch of a partition
                caughtUp = partitions.stream().allMatch(tp -> consumer.currentLag(tp).orElse(-1) == 0);
            }
        } catch (WakeupException e) {
            // close() woke a blocking call: the normal way out
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("reader of {} stopped: {}", topic, e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    /** The topic's partitions, once it exists; empty if closed first. */
    private List<TopicPartition> awaitPartitions() {
        boolean reported = false;
        while (closing.getCount() > 0) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (!reported) {
                LOG.info("waiting for topic {} to exist", topic);
                reported = true;
            }
            try {
                closing.await(TOPIC_RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        T value;
        try {
            value = deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            skipped++; // single writer: this thread
            reportUndecodable(record, e);
            return;
        }
        sink.accept(value);
        applied++;
    }

    private void reportUndecodable(ConsumerRecord<byte[], byte[]> record, RuntimeException e) {
        skippedSinceLastLog++;
        long now = System.nanoTime();
        if (now - nextUndecodableLogNanos >= 0) {
            LOG.warn("skipped {} undecodable record(s) on {} since the last report; latest at partition {} offset {}: {}",
                    skippedSinceLastLog, topic, record.partition(), record.offset(), e.getMessage());
            skippedSinceLastLog = 0;
            nextUndecodableLogNanos = now + UNDECODABLE_LOG_INTERVAL_NANOS;
        }
    }

    public String topic() { return topic; }

    /** Records decoded and given to the sink so far. */
    public long recordsApplied() { return applied; }

    /** Records skipped because they could not be decoded. */
    public long recordsSkipped() { return skipped; }

    /** True once the reader has read every partition up to its end as of its latest fetch (committed records). */
    public boolean caughtUp() { return caughtUp; }

    /** The error that stopped the reader, if it stopped on one. */
    public Optional<RuntimeException> failure() { return Optional.ofNullable(failure); }

    public boolean isRunning() { return thread.isAlive(); }

    @Override
    public void close() {
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("reader of {} did not stop within {}", topic, CLOSE_TIMEOUT);
        }
    }
}
