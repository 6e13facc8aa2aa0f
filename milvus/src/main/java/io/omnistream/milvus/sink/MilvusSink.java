package io.omnistream.milvus.sink;

import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.omnistream.milvus.collection.CollectionManager.CollectionInfo;
import io.omnistream.milvus.collection.CollectionManager;
import io.omnistream.milvus.collection.DimensionMismatchException;
import io.omnistream.milvus.collection.EmbeddingFields;
import io.omnistream.milvus.collection.EmbeddingRow;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.runtime.error.DeadLetters;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one embedding topic and mirrors it into Milvus: one collection per model version, one row per content id.
 *
 * <p><b>Delivery guarantee: at least once, idempotent effect.</b> Offsets are committed only after every record of
 * the batch was either accepted by Milvus (upsert/delete acknowledged) or acknowledged by the dead-letter topic.
 * A crash replays the uncommitted batch; upserts and deletes keyed by content id make the replay harmless.
 *
 * <p>Per batch (at most {@code sink.batch.max-size} records or {@code sink.batch.max-wait} after its first record):
 * values are decoded here (not by the consumer) so an undecodable record is dead-lettered instead of stopping the
 * consumer; records are collapsed per content id ({@link CollapsedBatch}); tombstones (null value, key = content
 * id) are deleted from every collection of this topic; the rest is upserted into the collection of its model
 * version, which is created, indexed and loaded on first use. Transient Milvus errors ({@link FailureClassifier}) are
 * retried with exponential backoff up to {@code sink.retry.max-attempts} attempts; permanent ones (dimension
 * mismatch, malformed record) and exhausted retries go to the DLQ with stage {@code sink} and the reason.
 *
 * <p>Caveat: while Milvus is down for longer than the retry budget, records are dead-lettered (with their original
 * bytes, for replay) rather than blocking the topic. If the DLQ itself cannot be written, the sink stops without
 * committing ({@link #failure()}), so nothing is lost.
 */
public final class MilvusSink implements AutoCloseable {
    public static final String STAGE = "sink";
    private static final Logger LOG = LoggerFactory.getLogger(MilvusSink.class);
    /** Ids per delete request; keeps the {@code in [...]} expression well below gRPC message limits. */
    private static final int DELETE_CHUNK = 1000;
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration DLQ_ACK_TIMEOUT = Duration.ofMinutes(2);

    private final MilvusSinkConfig config;
    private final SinkMetrics metrics;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, FailedEvent> dlqProducer;
    private final ConfluentAvroDeserializer<EmbeddingEvent> deserializer;
    private final MilvusClientV2 client;
    private final CollectionManager collections;
    private final List<ConsumerRecord<String, byte[]>> pending = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private long firstPendingAtNanos;
    private volatile Throwable failure;

    /** Connects to Milvus (fails fast if unreachable) and creates the Kafka clients; call {@link #start()}. */
    public MilvusSink(MilvusSinkConfig config, PrometheusRegistry registry) {
        this.config = config;
        this.topic = config.topic();
        this.metrics = SinkMetrics.in(registry);
        this.deserializer = new ConfluentAvroDeserializer<>(EmbeddingEvent.class, config.schemaRegistryUrl());
        this.client = config.milvus().open();
        this.collections = new CollectionManager(client, config.index());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchMaxSize());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "omnistream-milvus-sink-" + topic);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "omnistream-milvus-sink-dlq-" + topic);
        this.dlqProducer = new KafkaProducer<>(p, new StringSerializer(),
                new ConfluentAvroSerializer<>(FailedEvent.class, config.schemaRegistryUrl()));
        this.thread = new Thread(this::run, "milvus-sink-" + topic);
    }

    /** Starts consuming on the sink's own thread. */
    public void start() {
        thread.start();
    }

    /** The collection manager this sink writes through (shares its Milvus client); handy for a searcher. */
    public CollectionManager collections() {
        return collections;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Why the sink stopped on its own (DLQ unwritable, Kafka fatal error), if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Stops after the batch in progress: pending records are written and committed if Milvus answers; a retry wait in
     * progress is cut short and its batch left uncommitted (redelivered to the next owner of the partitions).
     * Waits up to {@code timeout} for the thread; Kafka and Milvus clients are closed by the sink thread.
     */
    public void close(Duration timeout) {
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("milvus sink on {} did not stop within {} ms", topic, timeout.toMillis());
        } else if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            closeClients();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    flush(); // write and commit what we hold before another member takes the partitions
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.info("milvus sink on {} assigned {}", topic, partitions);
                }
            });
            while (closing.getCount() > 0) {
                Duration timeout = pending.isEmpty() ? IDLE_POLL : Duration.ofNanos(Math.max(0,
                        firstPendingAtNanos + config.batchMaxWait().toNanos() - System.nanoTime()));
                for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
                    if (pending.isEmpty()) {
                        firstPendingAtNanos = System.nanoTime();
                    }
                    pending.add(r);
                }
                if (pending.size() >= config.batchMaxSize() || (!pending.isEmpty()
                        && System.nanoTime() - firstPendingAtNanos >= config.batchMaxWait().toNanos())) {
                    flush();
                }
            }
            flush();
        } catch (WakeupException | SinkClosingException e) {
            if (closing.getCount() > 0) {
                failure = e;
            } else if (e instanceof WakeupException) {
                tryFinalFlush();
            }
        } catch (Throwable t) {
            failure = t;
            LOG.error("milvus sink on {} stopped: {}", topic, t.toString(), t);
        } finally {
            closeClients();
        }
    }

    private void tryFinalFlush() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.info("milvus sink on {} closed with {} records uncommitted ({})", topic, pending.size(), e.toString());
        }
    }

    private void closeClients() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing consumer", e);
        }
        dlqProducer.close(Duration.ofSeconds(5));
        client.close();
    }

    /** Writes the pending records to Milvus or the DLQ, then commits their offsets. No-op when empty. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<ConsumerRecord<String, byte[]>> batch = List.copyOf(pending);
        List<Future<RecordMetadata>> dlqAcks = new ArrayList<>();
        List<PendingRecord> decoded = new ArrayList<>(batch.size());
        for (ConsumerRecord<String, byte[]> r : batch) {
            try {
                decoded.add(decode(r));
            } catch (RuntimeException e) {
                dlqAcks.add(deadLetter(r.key(), e, 1, r.topic(), r.partition(), r.offset(), r.value()));
            }
        }
        CollapsedBatch collapsed = CollapsedBatch.of(decoded);
        if (!collapsed.deletes().isEmpty()) {
            applyDeletes(collapsed.deletes(), dlqAcks);
        }
        collapsed.upserts().forEach((modelVersion, byId) -> applyUpserts(modelVersion, byId.values(), dlqAcks));
        awaitDlq(dlqAcks);
        consumer.commitSync(offsetsOf(batch));
        pending.clear();
    }

    /** Decodes and validates one record. @throws RuntimeException classified permanent for a bad record */
    PendingRecord decode(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            if (r.key() == null || r.key().isEmpty()) {
                throw new PermanentFailureException(STAGE, "tombstone without a key: cannot tell which content id to delete");
            }
            return new PendingRecord(r.key(), null, r.topic(), r.partition(), r.offset(), null);
        }
        EmbeddingEvent e = deserializer.deserialize(r.topic(), r.value());
        String id = e.getContentId();
        if (id == null || id.isEmpty()) {
            throw new PermanentFailureException(STAGE, "empty contentId");
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > EmbeddingFields.CONTENT_ID_MAX_LENGTH) {
            throw new PermanentFailureException(STAGE, "contentId longer than " + EmbeddingFields.CONTENT_ID_MAX_LENGTH + " bytes");
        }
        if (e.getVector().isEmpty() || e.getVector().size() != e.getDimension()) {
            throw new PermanentFailureException(STAGE, "vector has " + e.getVector().size()
                    + " values but dimension says " + e.getDimension());
        }
        for (Float f : e.getVector()) {
            if (f == null || !Float.isFinite(f)) {
                throw new PermanentFailureException(STAGE, "vector contains a non-finite value");
            }
        }
        if (e.getModelVersion() == null || e.getModelVersion().isBlank()) {
            throw new PermanentFailureException(STAGE, "empty modelVersion");
        }
        return new PendingRecord(id, e, r.topic(), r.partition(), r.offset(), r.value());
    }

    private void applyDeletes(Map<String, PendingRecord> deletes, List<Future<RecordMetadata>> dlqAcks) {
        List<Object> ids = new ArrayList<>(deletes.keySet());
        try {
            List<CollectionInfo> targets = withRetry("bootstrap", () -> collections.collectionsOfTopic(topic)).value();
            int attempts = 1;
            for (CollectionInfo target : targets) {
                for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
                    List<Object> chunk = ids.subList(from, Math.min(ids.size(), from + DELETE_CHUNK));
                    attempts = Math.max(attempts, withRetry("delete", () -> client.delete(DeleteReq.builder()
                            .collectionName(target.name()).ids(chunk).build())).attempts());
                }
            }
            metrics.deletes.labelValues(topic).inc(ids.size());
        } catch (GaveUp g) {
            for (PendingRecord r : deletes.values()) {
                dlqAcks.add(deadLetter(r, g.getCause(), g.attempts));
            }
        }
    }

    private void applyUpserts(String modelVersion, Collection<PendingRecord> records, List<Future<RecordMetadata>> dlqAcks) {
        // Records of one model version normally share one dimension; bootstrap with the first one's and let
        // DimensionMismatchException tell us the collection's real dimension if it already exists.
        int dim = records.iterator().next().event().getDimension();
        CollectionInfo info;
        try {
            info = withRetry("bootstrap", () -> collections.ensureCollection(modelVersion, dim, topic)).value();
        } catch (GaveUp g) {
            if (g.getCause() instanceof DimensionMismatchException m) {
                info = tryEnsure(modelVersion, m.expected(), records, dlqAcks);
                if (info == null) {
                    return;
                }
            } else {
                records.forEach(r -> dlqAcks.add(deadLetter(r, g.getCause(), g.attempts)));
                return;
            }
        }
        List<PendingRecord> writable = new ArrayList<>(records.size());
        for (PendingRecord r : records) {
            if (r.event().getDimension() == info.dimension()) {
                writable.add(r);
            } else {
                dlqAcks.add(deadLetter(r, new DimensionMismatchException(info.name(), modelVersion, info.dimension(),
                        r.event().getDimension()), 1));
            }
        }
        String collection = info.name();
        for (int from = 0; from < writable.size(); from += config.batchMaxSize()) {
            List<PendingRecord> chunk = writable.subList(from, Math.min(writable.size(), from + config.batchMaxSize()));
            List<JsonObject> rows = new ArrayList<>(chunk.size());
            chunk.forEach(r -> rows.add(EmbeddingRow.of(r.event()).toJson()));
            try {
                withRetry("upsert", () -> client.upsert(UpsertReq.builder().collectionName(collection).data(rows).build()));
                metrics.upserts.labelValues(topic).inc(chunk.size());
            } catch (GaveUp g) {
                chunk.forEach(r -> dlqAcks.add(deadLetter(r, g.getCause(), g.attempts)));
            }
        }
    }

    private CollectionInfo tryEnsure(String modelVersion, int dim, Collection<PendingRecord> records,
                                     List<Future<RecordMetadata>> dlqAcks) {
        try {
            return withRetry("bootstrap", () -> collections.ensureCollection(modelVersion, dim, topic)).value();
        } catch (GaveUp g) {
            records.forEach(r -> dlqAcks.add(deadLetter(r, g.getCause(), g.attempts)));
            return null;
        }
    }

    private record Attempted<T>(T value, int attempts) {}

    /** A call failed permanently or ran out of attempts; the cause is the last error. */
    private static final class GaveUp extends RuntimeException {
        final int attempts;

        GaveUp(Throwable cause, int attempts) {
            super(cause);
            this.attempts = attempts;
        }
    }

    private static final class SinkClosingException extends RuntimeException {
        SinkClosingException() {
            super("sink closing during a retry wait");
        }
    }

    private <T> Attempted<T> withRetry(String operation, Supplier<T> call) {
        Duration backoff = config.retryInitialBackoff();
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                T value = call.get();
                return new Attempted<>(value, attempt);
            } catch (RuntimeException e) {
                if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
                    throw new GaveUp(e, attempt);
                }
                if (attempt >= config.retryMaxAttempts()) {
                    throw new GaveUp(new RetriesExhaustedException(operation, attempt, e), attempt);
                }
                metrics.retries.labelValues(topic).inc();
                LOG.warn("milvus {} failed (attempt {}/{}), retrying in {} ms: {}", operation, attempt,
                        config.retryMaxAttempts(), backoff.toMillis(), e.toString());
                try {
                    if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new SinkClosingException();
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SinkClosingException();
                }
                backoff = backoff.multipliedBy(2).compareTo(config.retryMaxBackoff()) > 0
                        ? config.retryMaxBackoff() : backoff.multipliedBy(2);
            } finally {
                metrics.requestSeconds.labelValues(operation).observe((System.nanoTime() - start) / 1e9);
            }
        }
    }

    private Future<RecordMetadata> deadLetter(PendingRecord r, Throwable error, int attempts) {
        return deadLetter(r.contentId(), error, attempts, r.topic(), r.partition(), r.offset(), r.rawValue());
    }

    private Future<RecordMetadata> deadLetter(String contentId, Throwable error, int attempts, String sourceTopic,
                                              int partition, long offset, byte[] value) {
        FailedEvent failed = DeadLetters.failedEvent(contentId, STAGE, error, attempts, sourceTopic, partition, offset, value);
        LOG.warn("dead-lettering {}@{}/{} ({}): {}", contentId, partition, offset, failed.getErrorClass(), failed.getReason());
        metrics.dlq.labelValues(topic).inc();
        return dlqProducer.send(new ProducerRecord<>(config.dlqTopic(), contentId, failed));
    }

    private static void awaitDlq(List<Future<RecordMetadata>> acks) {
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(DLQ_ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the DLQ", e);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // Not committing is the only safe answer: the batch is redelivered after a restart.
                throw new IllegalStateException("cannot write to the dead-letter topic; stopping without commit", e);
            }
        }
    }

    static Map<TopicPartition, OffsetAndMetadata> offsetsOf(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }
}
