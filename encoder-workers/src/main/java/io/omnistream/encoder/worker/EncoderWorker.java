package io.omnistream.encoder.worker;

import io.omnistream.encoder.batch.MicroBatcher;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.cascade.MediaTower;
import io.omnistream.encoder.cascade.MediaTranscriber;
import io.omnistream.encoder.cascade.StageTimes;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.runtime.error.DeadLetters;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the encoder consumer group: reads MediaEvents, embeds TEXT events in micro-batches with a shared
 * {@link TextEncoder}, and writes EmbeddingEvents to {@code embeddings.<model>.v1} (key = content id).
 *
 * <p><b>Delivery: at least once.</b> Offsets are committed only after every record produced for a batch (embeddings,
 * tombstones, dead letters) has been acknowledged by the broker (idempotent producer, {@code acks=all}). A crash
 * between the acknowledgement and the commit re-embeds that batch; the output topic is compacted by content id, so a
 * duplicate overwrites an identical value. The consumer reads with {@code isolation.level=read_committed}.
 *
 * <p><b>Ordering.</b> Within a batch, outputs are sent in input order, so an event followed by its tombstone still
 * ends as a delete on the output topic.
 *
 * <p><b>Failures.</b> Per record, before inference: an undecodable value is dead-lettered (stage {@code deserialize}),
 * a modality the model cannot embed (stage {@code encode}) and a TEXT event without text (stage {@code preprocess})
 * too; a tombstone is forwarded as a tombstone (that is how deletes reach Milvus). A batch whose inference fails is
 * classified by {@link FailureClassifier}: transient failures are retried with exponential backoff up to
 * {@code encoder.retry.max-attempts}; after that, or at once for a permanent failure, each record is encoded alone so
 * only the bad ones are dead-lettered. If the broker does not acknowledge a produced record (after the producer's own
 * retries, {@code delivery.timeout.ms}), the worker stops without committing ({@link #failure()}): its batch is
 * re-read by whichever member takes the partitions over.
 *
 * <p><b>Lifecycle.</b> {@link #start()} runs the loop on its own thread; {@link #close()} stops polling, finishes and
 * commits the batch in flight (and what was already polled), then closes consumer and producer. No static state:
 * several workers may run in one JVM (share one {@link WorkerMetrics} per registry).
 */
public final class EncoderWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderWorker.class);
    /** Poll timeout while nothing is pending; bounds how long close() waits for the loop to notice. */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    /** Largest record this worker produces (dead letters with their original payload): 64 MiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final EncoderWorkerConfig config;
    private final TextEncoder encoder;
    private final EncodingChain chain;
    private final WorkerMetrics metrics;
    private final String model;
    private final String outputTopic;
    private final Backoff backoff;
    private final ConfluentAvroDeserializer<MediaEvent> deserializer;
    private final ConfluentAvroSerializer<EmbeddingEvent> embeddingSerializer;
    private final ConfluentAvroSerializer<FailedEvent> failedSerializer;
    private final MicroBatcher<Pending> batcher;

    private volatile boolean closing;
    private volatile Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Throwable failure;
    private KafkaProducer<String, byte[]> producer;

    /** Worker with metrics in {@link PrometheusRegistry#defaultRegistry}. */
    public EncoderWorker(EncoderWorkerConfig config, TextEncoder encoder) {
        this(config, encoder, PrometheusRegistry.defaultRegistry);
    }

    /** Worker with its own {@link WorkerMetrics} registered into {@code registry} (one worker per registry). */
    public EncoderWorker(EncoderWorkerConfig config, TextEncoder encoder, PrometheusRegistry registry) {
        this(config, encoder, new WorkerMetrics(registry));
    }

    /**
     * @param config  worker configuration; {@code config.model()} must equal {@code encoder.modelId()}
     * @param encoder loaded model, possibly shared with other users (search); not closed by this worker
     * @param metrics metrics, possibly shared with other workers in the same registry
     */
    public EncoderWorker(EncoderWorkerConfig config, TextEncoder encoder, WorkerMetrics metrics) {
        this(config, EncodingChain.textOnly(encoder), metrics);
    }

    /**
     * @param config  worker configuration; {@code config.model()} must equal {@code chain.modelId()}
     * @param chain   the model's text tower and its cascades for other modalities; not closed by this worker
     * @param metrics metrics, possibly shared with other workers in the same registry
     */
    public EncoderWorker(EncoderWorkerConfig config, EncodingChain chain, WorkerMetrics metrics) {
        TextEncoder encoder = chain.text();
        if (!config.model().equals(encoder.modelId())) {
            throw new IllegalArgumentException("config names model '" + config.model() + "' but the encoder serves '"
                    + encoder.modelId() + "'");
        }
        this.config = config;
        this.encoder = encoder;
        this.chain = chain;
        this.metrics = metrics;
        this.model = encoder.modelId();
        this.outputTopic = config.outputTopic();
        this.backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        this.deserializer = new ConfluentAvroDeserializer<>(MediaEvent.class, config.schemaRegistryUrl());
        this.embeddingSerializer = new ConfluentAvroSerializer<>(EmbeddingEvent.class, config.schemaRegistryUrl());
        this.failedSerializer = new ConfluentAvroSerializer<>(FailedEvent.class, config.schemaRegistryUrl());
        this.batcher = new MicroBatcher<>(config.batchMaxSize(), config.batchMaxWait());
    }

    /** Starts the consume loop on a new thread named {@code encoder-worker-<model>}. Call at most once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("worker already started");
        }
        Thread t = new Thread(this::run, "encoder-worker-" + model);
        thread = t;
        t.start();
    }

    /** True while the loop thread is alive. */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Why the loop stopped on its own, if it did (e.g. the broker refused produced records). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public String outputTopic() {
        return outputTopic;
    }

    /**
     * Stops polling, finishes and commits what was already polled, closes the Kafka clients and waits for the loop
     * thread (at most 60 s). Idempotent. Does not close the {@link TextEncoder}.
     */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(JOIN_TIMEOUT.toMillis());
                if (t.isAlive()) {
                    LOG.warn("encoder worker for '{}' did not stop within {} s", model, JOIN_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties());
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerProperties())) {
            producer = p;
            consumer = c;
            c.subscribe(List.of(config.inputTopic()), new Rebalance());
            LOG.info("encoder worker started: model {} version {}, {} -> {}, group {}", model, chain.modelVersion(),
                    config.inputTopic(), outputTopic, config.groupId());
            while (!closing) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(pollTimeout());
                } catch (WakeupException e) {
                    continue; // close() woke us; the loop condition ends it
                }
                long polledAt = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    batcher.add(new Pending(r, polledAt)).ifPresent(this::processAndCommit);
                }
                batcher.pollDue().ifPresent(this::processAndCommit);
            }
            processAndCommit(batcher.drain());
            LOG.info("encoder worker for '{}' stopped", model);
        } catch (Throwable t) {
            failure = t;
            LOG.error("encoder worker for '{}' stopped on an error; uncommitted records will be re-read: {}", model, t.toString(), t);
        } finally {
            consumer = null;
            producer = null;
        }
    }

    private Duration pollTimeout() {
        long nanos = batcher.nanosUntilDue();
        return nanos >= IDLE_POLL.toNanos() ? IDLE_POLL : Duration.ofNanos(nanos);
    }

    Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.batchMaxSize()));
        // Recognising media (OCR of sampled video frames, speech recognition) can take minutes for one poll's worth of
        // events; Kafka's 5-minute default would then take the partitions away mid-batch, and the retried batch
        // would time out again, forever.
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(config.maxPollInterval().toMillis()));
        // A new group starts at the beginning: every event ever published gets an embedding.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "omnistream-encoder-" + model);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Values are decoded inside the loop so an undecodable record is dead-lettered instead of failing poll().
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A dead letter carries the original record byte for byte, and media events may hold inline payloads of
        // many MiB (ingest.max-payload-bytes): Kafka's 1 MiB default would make such a DLQ write fail.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "omnistream-encoder-" + model + "-producer");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Processes a batch end to end and commits its offsets once every output is acknowledged. */
    private void processAndCommit(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        List<Outcome> toEncode = new ArrayList<>();
        for (Pending p : batch) {
            Outcome o = prepare(p);
            outcomes.add(o);
            if (o.kind == OutcomeKind.ENCODE) {
                toEncode.add(o);
            }
        }
        encode(toEncode);

        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (Outcome o : outcomes) {
            acks.add(send(o));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("broker did not acknowledge an output record; batch not committed: "
                        + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while awaiting acknowledgements; batch not committed", e);
            }
        }
        for (Outcome o : outcomes) {
            metrics.events.labelValues(model, o.kind.outcome).inc();
        }
        commit(batch);
    }

    /** Decodes and checks one record; the outcome says whether it will be embedded, forwarded or dead-lettered. */
    private Outcome prepare(Pending p) {
        ConsumerRecord<String, byte[]> r = p.record();
        if (r.value() == null) {
            if (r.key() == null) {
                return Outcome.deadLetter(p, new PermanentFailureException("deserialize",
                        "tombstone without a key: nothing to delete"), DlqReason.KEYLESS_TOMBSTONE, 1);
            }
            return new Outcome(p, OutcomeKind.TOMBSTONE, null);
        }
        MediaEvent event;
        try {
            event = deserializer.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            return Outcome.deadLetter(p, new PermanentFailureException("deserialize",
                    "undecodable MediaEvent: " + FailureClassifier.reasonOf(e), e), DlqReason.UNDECODABLE, 1);
        }
        Outcome o = new Outcome(p, OutcomeKind.ENCODE, event);
        if (!chain.supports(event.getModality())) {
            return o.failed(new PermanentFailureException("encode", "no encoder for modality " + event.getModality()
                    + " in model " + model), DlqReason.UNSUPPORTED_MODALITY, 1);
        }
        if (event.getModality() == Modality.TEXT) {
            o.text = event.getText();
        } else if (chain.tower(event.getModality()).isPresent()) {
            // native tower: decode and preprocess now, run the tower for the whole batch in encode()
            MediaTower tower = chain.tower(event.getModality()).get();
            Outcome failed = preprocess(o, () -> o.towerItems = tower.prepare(o.event, new StageTimes()));
            return failed != null ? failed : o;
        } else {
            MediaTranscriber transcriber = chain.transcriber(event.getModality()).orElseThrow();
            Outcome failed = preprocess(o, () -> o.text = transcriber.transcribe(o.event));
            if (failed != null) {
                return failed;
            }
        }
        if (o.text == null || o.text.isBlank()) {
            String why = event.getModality() == Modality.TEXT ? "TEXT event has no text to embed"
                    : "no text recognised in the " + event.getModality() + " event by "
                    + chain.transcriber(event.getModality()).orElseThrow().version();
            return o.failed(new PermanentFailureException("preprocess", why), DlqReason.EMPTY_TEXT, 1);
        }
        Side side = event.getBenchmark() != null && event.getBenchmark().getRole() == BenchmarkRole.QUERY
                ? Side.QUERY : Side.DOCUMENT;
        o.instruction = encoder.spec().instructionFor(side, event.getInstruction());
        return o;
    }

    /**
     * Runs the media step of a non-text event ({@code step}: a cascade's recognition setting {@code o.text}, or a
     * native tower's preprocessing setting {@code o.towerItems}); returns null, or the dead-lettered outcome.
     * Permanent failures (corrupt or unsupported media) are dead-lettered at once with their stage and reason; other
     * failures (a recogniser or ffmpeg that crashed or timed out) are retried with the worker's backoff, then
     * dead-lettered with "retries exhausted".
     */
    private Outcome preprocess(Outcome o, Runnable step) {
        long t0 = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= config.retryMaxAttempts(); attempt++) {
            try {
                step.run();
                metrics.preprocessSeconds.labelValues(model, o.event.getModality().name())
                        .observe((System.nanoTime() - t0) / 1e9);
                return null;
            } catch (RuntimeException e) {
                last = e;
                if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
                    return o.failed(e, DlqReason.PREPROCESS_FAILED, attempt);
                }
                if (attempt < config.retryMaxAttempts()) {
                    LOG.warn("model '{}': preprocessing {} {} failed (attempt {}/{}): {}", model,
                            o.event.getModality(), o.event.getContentId(), attempt, config.retryMaxAttempts(), e.toString());
                    metrics.retries.labelValues(model).inc();
                    if (!sleep(backoff.delayBefore(attempt))) {
                        break;
                    }
                }
            }
        }
        return o.failed(new PermanentFailureException("preprocess", "retries exhausted after "
                + config.retryMaxAttempts() + " attempts: " + FailureClassifier.reasonOf(last), last),
                DlqReason.RETRIES_EXHAUSTED, config.retryMaxAttempts());
    }

    /**
     * Embeds the batch with retries; if that fails, embeds each record alone so one bad record cannot block the
     * others. Every outcome leaves with a vector or a dead-letter reason.
     */
    private void encode(List<Outcome> items) {
        if (items.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        for (Outcome o : items) {
            metrics.queueSeconds.labelValues(model).observe((start - o.pending.polledAtNanos()) / 1e9);
        }
        RuntimeException last = null;
        int attempts = 0;
        for (int attempt = 1; attempt <= config.retryMaxAttempts(); attempt++) {
            attempts = attempt;
            try {
                float[][] vectors = timedEncode(items);
                for (int i = 0; i < items.size(); i++) {
                    items.get(i).vector = vectors[i];
                }
                return;
            } catch (RuntimeException e) {
                last = e;
                if (FailureClassifier.classify(e) == FailureKind.PERMANENT || attempt == config.retryMaxAttempts()) {
                    break;
                }
                Duration delay = backoff.delayBefore(attempt);
                LOG.warn("model '{}': batch of {} failed (attempt {}/{}), retrying in {} ms: {}", model, items.size(),
                        attempt, config.retryMaxAttempts(), delay.toMillis(), e.toString());
                metrics.retries.labelValues(model).inc();
                if (!sleep(delay)) {
                    break;
                }
            }
        }
        if (items.size() == 1) {
            fail(items.get(0), last, attempts);
            return;
        }
        LOG.warn("model '{}': batch of {} failed after {} attempt(s) ({}); encoding records one by one", model,
                items.size(), attempts, last.toString());
        for (Outcome o : items) {
            try {
                o.vector = timedEncode(List.of(o))[0];
            } catch (RuntimeException e) {
                fail(o, e, attempts + 1);
            }
        }
    }

    private void fail(Outcome o, RuntimeException e, int attempts) {
        if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
            o.failed(e, DlqReason.ENCODE_REJECTED, attempts);
        } else {
            o.failed(new PermanentFailureException("encode", "retries exhausted after " + attempts + " attempts: "
                    + FailureClassifier.reasonOf(e), e), DlqReason.RETRIES_EXHAUSTED, attempts);
        }
    }

    private float[][] timedEncode(List<Outcome> items) {
        List<String> texts = new ArrayList<>(items.size());
        List<String> instructions = new ArrayList<>(items.size());
        List<Integer> textPositions = new ArrayList<>(items.size());
        Map<Modality, List<Integer>> towerPositions = new EnumMap<>(Modality.class);
        for (int i = 0; i < items.size(); i++) {
            Outcome o = items.get(i);
            if (o.towerItems != null) {
                towerPositions.computeIfAbsent(o.event.getModality(), m -> new ArrayList<>()).add(i);
            } else {
                texts.add(o.text);
                instructions.add(o.instruction);
                textPositions.add(i);
            }
        }
        long t0 = System.nanoTime();
        float[][] vectors = new float[items.size()][];
        if (!texts.isEmpty()) {
            float[][] textVectors = encoder.encodeWithInstruction(texts, instructions);
            for (int k = 0; k < textVectors.length; k++) {
                vectors[textPositions.get(k)] = textVectors[k];
            }
        }
        for (var group : towerPositions.entrySet()) {
            List<MediaTower.Items> prepared = group.getValue().stream().map(i -> items.get(i).towerItems).toList();
            float[][] towerVectors = chain.tower(group.getKey()).orElseThrow().encode(prepared);
            for (int k = 0; k < towerVectors.length; k++) {
                vectors[group.getValue().get(k)] = towerVectors[k];
            }
        }
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = chain.postProcess(vectors[i], items.get(i).event.getModality());
        }
        metrics.inferenceSeconds.labelValues(model).observe((System.nanoTime() - t0) / 1e9);
        metrics.batchSize.labelValues(model).observe(items.size());
        return vectors;
    }

    /** @return false if interrupted (the retry loop then gives up early) */
    private static boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Future<RecordMetadata> send(Outcome o) {
        ConsumerRecord<String, byte[]> r = o.pending.record();
        switch (o.kind) {
            case TOMBSTONE:
                return producer.send(new ProducerRecord<>(outputTopic, r.key(), null));
            case ENCODE: {
                MediaEvent e = o.event;
                List<Float> vector = new ArrayList<>(o.vector.length);
                for (float f : o.vector) {
                    vector.add(f);
                }
                EmbeddingEvent out = EmbeddingEvent.newBuilder()
                        .setContentId(e.getContentId())
                        .setTenant(e.getTenant())
                        .setModelId(model)
                        .setModelVersion(chain.modelVersion())
                        .setModality(e.getModality())
                        .setVector(vector)
                        .setDimension(o.vector.length)
                        .setSourceEventTimeMs(e.getEventTimeMs())
                        .setEmbeddedAtMs(System.currentTimeMillis())
                        .setInstruction(o.instruction == null || o.instruction.isEmpty() ? null : o.instruction)
                        .setBenchmark(e.getBenchmark())
                        .build();
                return producer.send(new ProducerRecord<>(outputTopic, e.getContentId(),
                        embeddingSerializer.serialize(outputTopic, out)));
            }
            default: {
                FailedEvent failed = DeadLetters.failedEvent(o.event != null ? o.event.getContentId() : r.key(),
                        FailureClassifier.stageOf(o.error, "encode"), o.error, o.attempts, r.topic(), r.partition(),
                        r.offset(), r.value());
                metrics.dlq.labelValues(model, failed.getStage(), o.reason.label()).inc();
                LOG.info("dead-lettered {}-{}@{} (key {}): stage {}, {}", r.topic(), r.partition(), r.offset(), r.key(),
                        failed.getStage(), failed.getReason());
                String key = o.event != null ? o.event.getContentId() : r.key();
                return producer.send(new ProducerRecord<>(config.dlqTopic(), key,
                        failedSerializer.serialize(config.dlqTopic(), failed)));
            }
        }
    }

    /** Commits, per partition, the offset after the last record of the batch (all earlier ones are done). */
    private void commit(List<Pending> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Pending p : batch) {
            ConsumerRecord<String, byte[]> r = p.record();
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            commitSync(offsets);
        } catch (CommitFailedException e) {
            // The group rebalanced and these partitions belong to another member now; it re-reads from the last
            // committed offset, so the batch's outputs are duplicated, not lost.
            LOG.warn("model '{}': offset commit rejected after a rebalance; {} records will be re-embedded by the new owner",
                    model, batch.size());
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            // close() raced with the commit; wakeup is one-shot, so the second attempt runs to completion.
            consumer.commitSync(offsets);
        }
    }

    /** Keeps the commit-after-ack promise across rebalances. Runs on the loop thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Finish and commit what we polled before the partitions move, so the next owner starts after it.
            processAndCommit(batcher.drain());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("model '{}': assigned {}", model, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Lost partitions cannot be committed; drop their pending records (the new owner re-reads them) and
            // keep the others, whose positions are already past them.
            Set<TopicPartition> lost = new HashSet<>(partitions);
            for (Pending p : batcher.drain()) {
                if (!lost.contains(new TopicPartition(p.record().topic(), p.record().partition()))) {
                    batcher.add(p).ifPresent(EncoderWorker.this::processAndCommit);
                }
            }
        }
    }

    /** A polled record and when it was polled (System.nanoTime). */
    record Pending(ConsumerRecord<String, byte[]> record, long polledAtNanos) {}

    enum OutcomeKind {
        ENCODE("embedded"), TOMBSTONE("tombstone"), DEAD_LETTER("dead_lettered");

        final String outcome;

        OutcomeKind(String outcome) {
            this.outcome = outcome;
        }
    }

    /** What happens to one record of a batch; filled in as the batch is processed (loop thread only). */
    private static final class Outcome {
        final Pending pending;
        final MediaEvent event;
        OutcomeKind kind;
        String instruction;
        /** What the text tower embeds: the event's text, or what the cascade recognised in its media. */
        String text;
        /** For a modality with a native tower: the preprocessed tower input (else null). */
        MediaTower.Items towerItems;
        float[] vector;
        Throwable error;
        DlqReason reason;
        int attempts;

        Outcome(Pending pending, OutcomeKind kind, MediaEvent event) {
            this.pending = pending;
            this.kind = kind;
            this.event = event;
        }

        static Outcome deadLetter(Pending p, Throwable error, DlqReason reason, int attempts) {
            return new Outcome(p, OutcomeKind.DEAD_LETTER, null).failed(error, reason, attempts);
        }

        Outcome failed(Throwable error, DlqReason reason, int attempts) {
            this.kind = OutcomeKind.DEAD_LETTER;
            this.error = error;
            this.reason = reason;
            this.attempts = attempts;
            return this;
        }
    }
}
