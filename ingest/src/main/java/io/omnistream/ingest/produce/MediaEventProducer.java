package io.omnistream.ingest.produce;

import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.tenant.Tenants;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces {@link MediaEvent}s to the media topic: key = content id (UTF-8), value = Confluent-framed Avro.
 *
 * <p><b>Delivery guarantee:</b> idempotent producer with {@code acks=all}, so a completed future means every in-sync
 * replica has the record, and the producer's own retries never duplicate or reorder records of one partition. Records
 * of one content id share a partition (same key), so an update or a delete is never overtaken by an older version.
 * This is at-least-once end to end (a client that retries after a lost response re-sends); downstream idempotency
 * comes from the key and the Milvus upsert.
 *
 * <p><b>Operational caveat:</b> {@code max.request.size} is raised to hold the largest payload the API accepts
 * ({@code ingest.max-payload-bytes} + 4 x {@code ingest.max-text-chars} + 64 KiB of envelope). The topic's
 * {@code max.message.bytes} (and the broker's {@code message.max.bytes}) must be at least {@link #maxRecordBytes}, or
 * large payloads pass validation and are then refused by the broker.
 *
 * <p>Thread-safe. Closing is the creator's job ({@link #close()}).
 */
public final class MediaEventProducer implements MediaEventPublisher, AutoCloseable {
    private final Producer<String, MediaEvent> producer;
    private final String topic;
    private final long maxRecordBytes;
    /** One thread for readiness probes, so a hung metadata request cannot pile up threads. */
    private final ExecutorService readinessProbe = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ingest-readiness-probe");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> probeInFlight;

    public MediaEventProducer(IngestConfig config) {
        this(config, Map.of());
    }

    /**
     * @param extraProducerConfig Kafka producer settings applied last (security, client.id, ...); must not weaken
     *                            {@code acks} or idempotence, which are re-asserted afterwards.
     */
    public MediaEventProducer(IngestConfig config, Map<String, Object> extraProducerConfig) {
        this.topic = config.topic();
        this.maxRecordBytes = maxRecordBytes(config);
        // servers and security (SASL/TLS) from the shared keys
        Map<String, Object> props = new HashMap<>(config.kafka().clientProperties());
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) config.produceLinger().toMillis());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, config.produceBatchBytes());
        long timeoutMs = config.produceTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        // Kafka requires delivery.timeout >= linger + request.timeout
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.max(1, Math.min(30_000, timeoutMs - config.produceLinger().toMillis())));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.min(Integer.MAX_VALUE, maxRecordBytes));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 2 * maxRecordBytes));
        props.putAll(extraProducerConfig);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(),
                new ConfluentAvroSerializer<>(MediaEvent.class, config.schemaRegistryUrl()));
    }

    /** Largest record this producer sends, in bytes; the topic's max.message.bytes must be at least this. */
    public static long maxRecordBytes(IngestConfig config) {
        return config.maxPayloadBytes() + 4L * config.maxTextChars() + 64 * 1024;
    }

    public String topic() {
        return topic;
    }

    @Override
    public CompletableFuture<Void> publish(MediaEvent event) {
        return send(new ProducerRecord<>(topic, Tenants.recordKey(event.getTenant(), event.getContentId()), event));
    }

    @Override
    public CompletableFuture<Void> delete(String tenant, String contentId) {
        return send(new ProducerRecord<>(topic, Tenants.recordKey(tenant, contentId), null));
    }

    private CompletableFuture<Void> send(ProducerRecord<String, MediaEvent> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            // send() itself may block up to max.block.ms for metadata and throws for serialization errors
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * Asks the cluster for the topic's partitions. A probe still running from an earlier call is reused rather than
     * stacked, so a dead broker costs one blocked thread, not one per /readyz call.
     */
    @Override
    public boolean ready(Duration timeout) {
        CompletableFuture<Boolean> probe;
        synchronized (this) {
            if (probeInFlight == null || probeInFlight.isDone()) {
                probeInFlight = CompletableFuture.supplyAsync(() -> !producer.partitionsFor(topic).isEmpty(), readinessProbe);
            }
            probe = probeInFlight;
        }
        try {
            return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void flush() {
        producer.flush();
    }

    /** Flushes and closes the Kafka producer, waiting at most {@code timeout} for outstanding sends. */
    public void close(Duration timeout) {
        readinessProbe.shutdownNow();
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
