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
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.runtime.stage.KafkaStage;
import io.omnistream.runtime.stage.PolledRecord;
import io.omnistream.runtime.stage.StageListener;
import io.omnistream.runtime.stage.StageOutput;
import io.omnistream.runtime.stage.StageSettings;
import io.omnistream.runtime.stage.Ticker;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.tenant.Tenants;
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
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one embedding topic and mirrors it into Milvus: one collection per model version, one row per content id.
 * The loop (poll, batches bounded by {@code sink.batch.max-size}, {@code sink.batch.max-bytes} and
 * {@code sink.batch.max-wait}, retries, dead letters, commits) is the runtime's {@link KafkaStage}; this class supplies
 * what is Milvus-specific: decoding, collapsing and the writes.
 *
 * <p><b>Delivery guarantee: at least once, idempotent effect.</b> Offsets are committed only after every record of
 * the batch was either accepted by Milvus (upsert/delete acknowledged) or acknowledged by the dead-letter topic.
 * A crash replays the uncommitted batch; upserts and deletes keyed by content id make the replay harmless.
 *
 * <p>Per batch: values are decoded here (not by the consumer) so an undecodable record is dead-lettered instead of
 * stopping the consumer; records are collapsed per content id ({@link CollapsedBatch}); tombstones (null value, key =
 * content id) are deleted from every collection of this topic; the rest is upserted into the collection of its model
 * version, which is created, indexed and loaded on first use. Records that are themselves bad (malformed, dimension
 * mismatch, anything Milvus rejects permanently) go to the DLQ with stage {@code sink} and the reason.
 *
 * <p><b>Milvus outages wait.</b> A transient Milvus error ({@link FailureClassifier}: unavailable, deadline exceeded)
 * fails the whole attempt; the stage pauses its partitions, keeps polling (so the group keeps it) and writes the same
 * batch again with backoff until Milvus answers, for as long as {@code sink.errors.retry.timeout} allows (default:
 * without limit). Nothing reaches the DLQ because Milvus is down. One attempt makes at most a few Milvus calls, each
 * bounded by {@code milvus.request.timeout}, so a hanging Milvus cannot exceed {@code max.poll.interval.ms}. If the
 * DLQ itself cannot be written, the sink stops without committing ({@link #failure()}), so nothing is lost.
 */
public final class MilvusSink implements AutoCloseable {
    public static final String STAGE = "sink";
    private static final Logger LOG = LoggerFactory.getLogger(MilvusSink.class);
    /** Ids per delete request; keeps the {@code in [...]} expression well below gRPC message limits. */
    private static final int DELETE_CHUNK = 1000;

    private final MilvusSinkConfig config;
    private final SinkMetrics metrics;
    private final String topic;
    private final ConfluentAvroDeserializer<EmbeddingEvent> deserializer;
    private final MilvusClientV2 client;
    private final CollectionManager collections;
    private final KafkaStage stage;

    /** Connects to Milvus (fails fast if unreachable) and creates the Kafka clients; call {@link #start()}. */
    public MilvusSink(MilvusSinkConfig config, PrometheusRegistry registry) {
        this(config, registry, new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), new KafkaProducer<>(producerProperties(config), new ByteArraySerializer(),
                new ByteArraySerializer()));
    }

    /**
     * Sink on the given Kafka clients (tests use Kafka's MockConsumer/MockProducer); they are closed with the sink, or
     * here if Milvus cannot be reached.
     */
    MilvusSink(MilvusSinkConfig config, PrometheusRegistry registry, Consumer<byte[], byte[]> consumer,
               Producer<byte[], byte[]> producer) {
        this.config = config;
        this.topic = config.topic();
        this.metrics = SinkMetrics.in(registry);
        this.deserializer = new ConfluentAvroDeserializer<>(EmbeddingEvent.class, config.schemaRegistryUrl());
        try {
            this.client = config.milvus().open();
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            producer.close(Duration.ZERO);
            throw e;
        }
        this.collections = new CollectionManager(client, config.index());
        StageListener listener = new StageListener() {
            @Override
            public void retrying(Throwable error, int failedAttempts, Duration delay) {
                metrics.retries.labelValues(topic).inc();
            }

            @Override
            public void deadLettered(FailedEvent event) {
                metrics.dlq.labelValues(topic).inc();
            }
        };
        this.stage = new KafkaStage(
                new StageSettings(STAGE, topic, config.dlqTopic(), config.batchMaxSize(), config.batchMaxWait(), config.errors()),
                consumer, producer, new ConfluentAvroSerializer<>(FailedEvent.class, config.schemaRegistryUrl()),
                this::write, listener, Ticker.SYSTEM);
        metrics.track(topic, stage);
    }

    private static Properties consumerProperties(MilvusSinkConfig config) {
        Properties c = new Properties();
        c.putAll(config.kafka().clientProperties()); // servers and security (SASL/TLS) from the shared keys
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // transactional writers (dlq redrive) commit or abort; an aborted record must never reach Milvus
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchMaxSize());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "omnistream-milvus-sink-" + config.topic());
        return c;
    }

    private static Properties producerProperties(MilvusSinkConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafka().clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "omnistream-milvus-sink-dlq-" + config.topic());
        return p;
    }

    /** Starts consuming on the sink's own thread. */
    public void start() {
        stage.start("milvus-sink-" + topic);
    }

    /** The collection manager this sink writes through (shares its Milvus client); handy for a searcher. */
    public CollectionManager collections() {
        return collections;
    }

    public boolean isRunning() {
        return stage.isRunning();
    }

    /** Why the sink stopped on its own (DLQ unwritable, Kafka fatal error), if it did. */
    public Optional<Throwable> failure() {
        return stage.failure();
    }

    /**
     * Stops after the batch in progress: pending records are written and committed if Milvus answers; a batch
     * waiting out a Milvus outage is left uncommitted (redelivered to the next owner of the partitions). Waits up to
     * {@code timeout} for the stage's thread, then closes the Milvus client.
     */
    public void close(Duration timeout) {
        stage.close(timeout);
        client.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** One attempt to write a batch to Milvus; see the class comment for what throws and what is dead-lettered. */
    private void write(List<PolledRecord> batch, StageOutput out) {
        List<PendingRecord> decoded = new ArrayList<>(batch.size());
        for (PolledRecord p : batch) {
            ConsumerRecord<byte[], byte[]> r = p.record();
            try {
                decoded.add(decode(r));
            } catch (RuntimeException e) {
                deadLetter(out, r, keyOf(r), e);
            }
        }
        Map<String, ConsumerRecord<byte[], byte[]>> sources = new HashMap<>();
        batch.forEach(p -> sources.put(p.record().partition() + "@" + p.record().offset(), p.record()));
        CollapsedBatch collapsed = CollapsedBatch.of(decoded);
        if (!collapsed.deletes().isEmpty()) {
            applyDeletes(collapsed.deletes(), sources, out);
        }
        collapsed.upserts().forEach((modelVersion, byId) -> applyUpserts(modelVersion, byId.values(), sources, out));
    }

    /** Decodes and validates one record. @throws RuntimeException classified permanent for a bad record */
    PendingRecord decode(ConsumerRecord<byte[], byte[]> r) {
        String key = keyOf(r);
        if (r.value() == null) {
            if (key == null || key.isEmpty()) {
                throw new PermanentFailureException(STAGE, "tombstone without a key: cannot tell which content id to delete");
            }
            return new PendingRecord(key, null, r.topic(), r.partition(), r.offset(), null);
        }
        EmbeddingEvent e = deserializer.deserialize(r.topic(), r.value());
        String id = e.getContentId();
        if (id == null || id.isEmpty()) {
            throw new PermanentFailureException(STAGE, "empty contentId");
        }
        if (Tenants.utf8Length(id) > EmbeddingFields.CONTENT_ID_MAX_LENGTH) {
            throw new PermanentFailureException(STAGE, "contentId longer than " + EmbeddingFields.CONTENT_ID_MAX_LENGTH + " bytes");
        }
        String tenantProblem = Tenants.nameProblem(e.getTenant());
        if (tenantProblem != null) {
            throw new PermanentFailureException(STAGE, "tenant " + tenantProblem);
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
        // keyed like the tombstones of this id (the Kafka key is the same record key), so they collapse together
        return new PendingRecord(Tenants.recordKey(e.getTenant(), id), e, r.topic(), r.partition(), r.offset(), r.value());
    }

    private void applyDeletes(Map<String, PendingRecord> deletes, Map<String, ConsumerRecord<byte[], byte[]>> sources,
                              StageOutput out) {
        List<Object> ids = new ArrayList<>(deletes.keySet());
        try {
            List<CollectionInfo> targets = call("bootstrap", () -> collections.collectionsOfTopic(topic));
            for (CollectionInfo target : targets) {
                for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
                    List<Object> chunk = ids.subList(from, Math.min(ids.size(), from + DELETE_CHUNK));
                    call("delete", () -> client.delete(DeleteReq.builder().collectionName(target.name()).ids(chunk).build()));
                }
            }
            metrics.deletes.labelValues(topic).inc(ids.size());
        } catch (Rejected g) {
            deletes.values().forEach(r -> deadLetter(out, source(sources, r), r.rowKey(), g.getCause()));
        }
    }

    private void applyUpserts(String modelVersion, Collection<PendingRecord> records,
                              Map<String, ConsumerRecord<byte[], byte[]>> sources, StageOutput out) {
        // Records of one model version normally share one dimension; bootstrap with the first one's and let
        // DimensionMismatchException tell us the collection's real dimension if it already exists.
        int dim = records.iterator().next().event().getDimension();
        CollectionInfo info;
        try {
            info = call("bootstrap", () -> collections.ensureCollection(modelVersion, dim, topic));
        } catch (Rejected g) {
            if (!(g.getCause() instanceof DimensionMismatchException m)) {
                records.forEach(r -> deadLetter(out, source(sources, r), r.rowKey(), g.getCause()));
                return;
            }
            try {
                info = call("bootstrap", () -> collections.ensureCollection(modelVersion, m.expected(), topic));
            } catch (Rejected again) {
                records.forEach(r -> deadLetter(out, source(sources, r), r.rowKey(), again.getCause()));
                return;
            }
        }
        List<PendingRecord> writable = new ArrayList<>(records.size());
        for (PendingRecord r : records) {
            if (r.event().getDimension() == info.dimension()) {
                writable.add(r);
            } else {
                deadLetter(out, source(sources, r), r.rowKey(), new DimensionMismatchException(info.name(),
                        modelVersion, info.dimension(), r.event().getDimension()));
            }
        }
        String collection = info.name();
        for (int from = 0; from < writable.size(); from += config.batchMaxSize()) {
            List<PendingRecord> chunk = writable.subList(from, Math.min(writable.size(), from + config.batchMaxSize()));
            List<JsonObject> rows = new ArrayList<>(chunk.size());
            chunk.forEach(r -> rows.add(EmbeddingRow.of(r.event()).toJson()));
            try {
                call("upsert", () -> client.upsert(UpsertReq.builder().collectionName(collection).data(rows).build()));
                metrics.upserts.labelValues(topic).inc(chunk.size());
            } catch (Rejected g) {
                chunk.forEach(r -> deadLetter(out, source(sources, r), r.rowKey(), g.getCause()));
            }
        }
    }

    /**
     * One timed Milvus call. A transient failure propagates as is: the stage waits and retries the whole batch
     * (upserts and deletes by id are idempotent). @throws Rejected when Milvus rejects the call permanently
     */
    private <T> T call(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
                throw new Rejected(e);
            }
            throw e;
        } finally {
            metrics.requestSeconds.labelValues(operation).observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** Milvus rejected a call permanently; the cause is its error, the records concerned are dead-lettered. */
    private static final class Rejected extends RuntimeException {
        Rejected(Throwable cause) {
            super(cause);
        }
    }

    private void deadLetter(StageOutput out, ConsumerRecord<byte[], byte[]> source, String contentId, Throwable error) {
        FailedEvent failed = out.deadLetter(source, contentId, error, 1);
        LOG.warn("dead-lettering {}@{}/{} ({}): {}", contentId, source.partition(), source.offset(),
                failed.getErrorClass(), failed.getReason());
        metrics.dlq.labelValues(topic).inc();
    }

    private static ConsumerRecord<byte[], byte[]> source(Map<String, ConsumerRecord<byte[], byte[]>> sources, PendingRecord r) {
        return sources.get(r.partition() + "@" + r.offset());
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
