package io.omnistream.encoder.worker;

import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.cascade.MediaTower;
import io.omnistream.encoder.cascade.MediaTranscriber;
import io.omnistream.encoder.cascade.Recognition;
import io.omnistream.encoder.cascade.Recognitions;
import io.omnistream.encoder.cascade.StageTimes;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.fetch.FetchedMedia;
import io.omnistream.encoder.fetch.MediaFetcher;
import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.runtime.dedup.RecentlySeen;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.runtime.stage.KafkaStage;
import io.omnistream.runtime.stage.PolledRecord;
import io.omnistream.runtime.stage.StageListener;
import io.omnistream.runtime.stage.StageOutput;
import io.omnistream.runtime.stage.StageSettings;
import io.omnistream.runtime.stage.Ticker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.tenant.Tenants;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the encoder consumer group: reads MediaEvents, embeds them in micro-batches with a shared
 * {@link TextEncoder} (and the model's cascades or native towers for other modalities), and writes EmbeddingEvents to
 * {@code embeddings.<model>.v1} (key = content id). The loop (poll, batches bounded by {@code encoder.batch.max-size},
 * {@code encoder.batch.max-bytes} and {@code encoder.batch.max-wait}, retries, dead letters, commits) is the runtime's
 * {@link KafkaStage}; this class supplies decoding, embedding and the output records.
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
 * a modality the model cannot embed (stage {@code encode}), a TEXT event without text and media that cannot be decoded
 * or recognised (stage {@code preprocess}) too, and so is a {@code uri} event whose media cannot be fetched for good
 * (stage {@code fetch}: refused URI or redirect, size or time budget, 4xx, wrong type; see {@link MediaFetcher}); a
 * tombstone is forwarded as a tombstone (that is how deletes reach Milvus). A transient failure (classified by {@link FailureClassifier}: a crashed or timed-out recogniser, an
 * unavailable device) fails the attempt: the stage pauses its partitions and embeds the same batch again with backoff
 * for as long as {@code encoder.errors.retry.timeout} allows (default: no limit). A batch whose inference fails
 * permanently is embedded record by record so that only the bad ones are dead-lettered. A record whose batch killed
 * the process {@code encoder.errors.max.attempts} times is dead-lettered as a poison pill (stage {@code poison}). If
 * the broker does not acknowledge a produced record, the worker stops without committing ({@link #failure()}).
 *
 * <p><b>Not embedded twice.</b> An event whose {@code contentHash} equals the last one this worker embedded for its
 * key is committed without output (outcome {@code unchanged}; {@code encoder.dedup.capacity} ids remembered, best
 * effort: see {@link RecentlySeen}); a tombstone forgets the id. Benchmark events older than
 * {@code encoder.benchmark.skip-before-ms} are skipped ({@code skipped_history}): what a shadow worker group of an
 * upgrade does while it re-reads the source topic.
 *
 * <p><b>Media by reference.</b> A non-text event without inline payload but with a {@code uri} is fetched first
 * ({@link MediaFetcher}, {@code encoder.fetch.*}: allow-listed https hosts with public addresses only) and then
 * embedded exactly like an inline payload; its sniffed MIME type replaces the event's. The fetched bytes are dropped
 * as soon as the media step (recognition or tower preprocessing) is done, so a batch holds at most one fetched body
 * (at most {@code encoder.fetch.max-bytes}) at a time. A transient fetch failure (network, 5xx, 429) fails the
 * attempt like any transient failure, so the whole batch is fetched and embedded again.
 *
 * <p><b>Lifecycle.</b> {@link #start()} runs the loop on its own thread; {@link #close()} stops polling, finishes and
 * commits what was already polled, then closes consumer and producer. No static state: several workers may run in
 * one JVM (share one {@link WorkerMetrics} per registry).
 */
public final class EncoderWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderWorker.class);
    private static final String STAGE = "encode";
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    /** Largest record this worker produces (dead letters with their original payload): 64 MiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final EncoderWorkerConfig config;
    private final TextEncoder encoder;
    private final EncodingChain chain;
    private final MediaFetcher fetcher;
    private final WorkerMetrics metrics;
    private final String model;
    private final String outputTopic;
    private final ConfluentAvroDeserializer<MediaEvent> deserializer;
    private final ConfluentAvroSerializer<EmbeddingEvent> embeddingSerializer;
    private final KafkaStage stage;
    /** Last embedded content hash per record key (tenant + id); loop thread only, but thread-safe anyway. */
    private final RecentlySeen embedded;
    private boolean started;

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
        this.fetcher = new MediaFetcher(config.fetch());
        this.embedded = new RecentlySeen(config.dedupCapacity());
        this.metrics = metrics;
        this.model = encoder.modelId();
        this.outputTopic = config.outputTopic();
        this.deserializer = new ConfluentAvroDeserializer<>(MediaEvent.class, config.schemaRegistryUrl());
        this.embeddingSerializer = new ConfluentAvroSerializer<>(EmbeddingEvent.class, config.schemaRegistryUrl());
        StageListener listener = new StageListener() {
            @Override
            public void retrying(Throwable error, int failedAttempts, Duration delay) {
                metrics.retries.labelValues(model).inc();
            }

            @Override
            public void deadLettered(FailedEvent event) {
                DlqReason reason = KafkaStage.POISON_STAGE.equals(event.getStage()) ? DlqReason.POISON_PILL
                        : event.getReason().startsWith("retries exhausted") ? DlqReason.RETRIES_EXHAUSTED
                        : DlqReason.ENCODE_REJECTED;
                metrics.dlq.labelValues(model, event.getStage(), reason.label()).inc();
                metrics.events.labelValues(model, OutcomeKind.DEAD_LETTER.outcome).inc();
            }
        };
        this.stage = new KafkaStage(new StageSettings(STAGE, config.inputTopic(), config.dlqTopic(),
                config.batchMaxSize(), config.batchMaxWait(), config.errors()),
                new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer()),
                new ConfluentAvroSerializer<>(FailedEvent.class, config.schemaRegistryUrl()), this::process, listener,
                Ticker.SYSTEM);
        metrics.track(model, stage);
    }

    /** Starts the consume loop on a new thread named {@code encoder-worker-<model>}. Call at most once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("worker already started");
        }
        started = true;
        LOG.info("encoder worker starting: model {} version {}, {} -> {}, group {}, uri media: {}", model,
                chain.modelVersion(), config.inputTopic(), outputTopic, config.groupId(),
                fetcher.enabled() ? fetcher : "not fetched (encoder.fetch.allowed-hosts is empty)");
        stage.start("encoder-worker-" + model);
    }

    /** True while the loop thread is alive. */
    public boolean isRunning() {
        return stage.isRunning();
    }

    /** Why the loop stopped on its own, if it did (e.g. the broker refused produced records). */
    public Optional<Throwable> failure() {
        return stage.failure();
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
        stage.close(JOIN_TIMEOUT);
    }

    Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(config.kafka().clientProperties()); // servers and security (SASL/TLS) from the shared keys
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
        // Keys and values stay bytes (the stage's byte bound counts them); values are decoded in process() so an
        // undecodable record is dead-lettered instead of failing poll().
        return p;
    }

    Properties producerProperties() {
        Properties p = new Properties();
        p.putAll(config.kafka().clientProperties()); // servers and security (SASL/TLS) from the shared keys
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A dead letter carries the original record byte for byte, and media events may hold inline payloads of
        // many MiB (ingest.max-payload-bytes): Kafka's 1 MiB default would make such a DLQ write fail.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "omnistream-encoder-" + model + "-producer");
        return p;
    }

    /** One attempt at a batch: every record leaves as an embedding, a tombstone or a dead letter (in input order). */
    private void process(List<PolledRecord> batch, StageOutput out) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        List<Outcome> toEncode = new ArrayList<>();
        // content hashes this batch will embed, by record key: a second copy of the same content in one batch is
        // unchanged too (its twin either gets a vector, or fails for good as the copy would)
        Map<String, String> batchHashes = new java.util.HashMap<>();
        // decoded media waiting for its recogniser: recognised for many events at once (Recognitions), in calls
        // bounded by encoder.recognition.max-batch-pixels, and recognised early once that much is decoded, so the
        // decoded images in memory stay bounded too
        List<Outcome> awaiting = new ArrayList<>();
        long awaitingWeight = 0;
        try {
            for (PolledRecord p : batch) {
                Outcome o = prepare(p, batchHashes);
                outcomes.add(o);
                if (o.kind == OutcomeKind.ENCODE) {
                    toEncode.add(o);
                    if (o.recognition != null) {
                        awaiting.add(o);
                        awaitingWeight += o.recognition.weight();
                        if (awaitingWeight >= config.recognitionMaxBatchPixels()) {
                            recognize(awaiting);
                            awaiting.clear();
                            awaitingWeight = 0;
                        }
                    }
                }
            }
            recognize(awaiting);
        } finally {
            // a failed attempt (transient: the batch is retried) must not leave decoded audio files behind
            for (Outcome o : outcomes) {
                o.releaseRecognition();
            }
        }
        toEncode.removeIf(o -> o.kind != OutcomeKind.ENCODE);
        encode(toEncode);
        for (Outcome o : outcomes) {
            send(o, out);
        }
        for (Outcome o : outcomes) {
            metrics.events.labelValues(model, o.kind.outcome).inc();
        }
    }

    /** Decodes and checks one record; the outcome says whether it will be embedded, forwarded or dead-lettered. */
    private Outcome prepare(PolledRecord p, Map<String, String> batchHashes) {
        ConsumerRecord<byte[], byte[]> r = p.record();
        if (r.value() == null) {
            if (r.key() == null) {
                return Outcome.deadLetter(p, new PermanentFailureException("deserialize",
                        "tombstone without a key: nothing to delete"), DlqReason.KEYLESS_TOMBSTONE, 1);
            }
            batchHashes.remove(keyOf(r)); // the same content later in this batch is embedded again (send() forgets it)
            return new Outcome(p, OutcomeKind.TOMBSTONE, null);
        }
        MediaEvent event;
        try {
            event = deserializer.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            return Outcome.deadLetter(p, new PermanentFailureException("deserialize",
                    "undecodable MediaEvent: " + FailureClassifier.reasonOf(e), e), DlqReason.UNDECODABLE, 1);
        }
        String identityProblem = identityProblem(event);
        if (identityProblem != null) {
            return new Outcome(p, OutcomeKind.ENCODE, event).failed(new PermanentFailureException("validate",
                    identityProblem), DlqReason.INVALID_IDENTITY, 1);
        }
        if (event.getBenchmark() != null && event.getEventTimeMs() < config.benchmarkSkipBeforeMs()) {
            return new Outcome(p, OutcomeKind.SKIPPED_HISTORY, event);
        }
        if (r.key() != null && event.getContentHash() != null) {
            String key = keyOf(r);
            if (event.getContentHash().equals(batchHashes.get(key)) || embedded.isDuplicate(key, event.getContentHash())) {
                return new Outcome(p, OutcomeKind.UNCHANGED, event);
            }
            batchHashes.put(key, event.getContentHash());
        }
        if (!chain.supports(event.getModality())) {
            return new Outcome(p, OutcomeKind.ENCODE, event).failed(new PermanentFailureException("encode",
                    "no encoder for modality " + event.getModality() + " in model " + model),
                    DlqReason.UNSUPPORTED_MODALITY, 1);
        }
        MediaEvent unfetched = null;
        if (needsFetch(event)) {
            unfetched = event;
            try {
                event = withFetchedPayload(event);
            } catch (RuntimeException e) {
                if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
                    return new Outcome(p, OutcomeKind.ENCODE, event).failed(e, DlqReason.FETCH_FAILED, 1);
                }
                throw e;
            }
        }
        Outcome o = new Outcome(p, OutcomeKind.ENCODE, event);
        if (event.getModality() == Modality.TEXT) {
            o.text = event.getText();
        } else if (chain.tower(event.getModality()).isPresent()) {
            // native tower: decode and preprocess now, run the tower for the whole batch in encode()
            MediaTower tower = chain.tower(event.getModality()).get();
            Outcome failed = preprocess(o, () -> o.towerItems = tower.prepare(o.event, new StageTimes()));
            if (unfetched != null) {
                o.event = unfetched; // the media step is done: release the fetched bytes before the rest of the batch
            }
            return failed != null ? failed : o;
        } else {
            // decoded now; recognised with the other events of the batch (recognize), then checked for text
            MediaTranscriber transcriber = chain.transcriber(event.getModality()).orElseThrow();
            Outcome failed = preprocess(o, () -> o.recognition = transcriber.decode(o.event, new StageTimes()));
            if (unfetched != null) {
                o.event = unfetched; // the media step is done: release the fetched bytes before the rest of the batch
            }
            if (failed != null) {
                return failed;
            }
        }
        if (event.getModality() == Modality.TEXT && (o.text == null || o.text.isBlank())) {
            // (a cascade's event is checked for text once recognised, in recognize())
            return o.failed(new PermanentFailureException("preprocess", "TEXT event has no text to embed"),
                    DlqReason.EMPTY_TEXT, 1);
        }
        Side side = event.getBenchmark() != null && event.getBenchmark().getRole() == BenchmarkRole.QUERY
                ? Side.QUERY : Side.DOCUMENT;
        o.side = side;
        o.instruction = encoder.spec().instructionFor(side, event.getInstruction());
        return o;
    }

    /** A non-text event whose media is only referenced by its {@code uri} (no inline payload). */
    private static boolean needsFetch(MediaEvent event) {
        ByteBuffer payload = event.getPayload();
        return event.getModality() != Modality.TEXT && event.getUri() != null
                && (payload == null || !payload.hasRemaining());
    }

    /** The event with the fetched media as its payload and the sniffed MIME type; throws as {@link MediaFetcher#fetch}. */
    private MediaEvent withFetchedPayload(MediaEvent event) {
        long t0 = System.nanoTime();
        FetchedMedia media = fetcher.fetch(event.getUri(), event.getModality());
        LOG.debug("fetched {} bytes of {} for {} from {} in {} ms ({} redirects)", media.bytes().length,
                media.mimeType(), event.getContentId(), media.finalUri(), (System.nanoTime() - t0) / 1_000_000,
                media.redirects());
        return MediaEvent.newBuilder(event).setPayload(ByteBuffer.wrap(media.bytes())).setMimeType(media.mimeType())
                .build();
    }

    /**
     * Null if the event's tenant and content id obey {@link Tenants} (ingest checks them; a producer writing straight
     * onto the topic may not have), else why not. A row that breaks them would be refused by Milvus for its whole
     * upsert chunk, other tenants' rows included, so it stops here.
     */
    static String identityProblem(MediaEvent event) {
        String tenantProblem = Tenants.nameProblem(event.getTenant());
        if (tenantProblem != null) {
            return "tenant '" + abbreviate(event.getTenant()) + "' " + tenantProblem;
        }
        String id = event.getContentId();
        if (id.isEmpty() || Tenants.utf8Length(id) > Tenants.MAX_CONTENT_ID_BYTES) {
            return "content id must be 1.." + Tenants.MAX_CONTENT_ID_BYTES + " bytes in UTF-8, is "
                    + Tenants.utf8Length(id);
        }
        if (!id.equals(Tenants.normalizeContentId(id))) {
            return "content id is not in Unicode NFC";
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /**
     * Runs the media step of a non-text event ({@code step}: a cascade's recognition setting {@code o.text}, or a
     * native tower's preprocessing setting {@code o.towerItems}); returns null, or the dead-lettered outcome.
     * Permanent failures (corrupt or unsupported media) are dead-lettered at once with their stage and reason; other
     * failures (a recogniser or ffmpeg that crashed or timed out) fail the attempt, and the stage retries the batch.
     */
    private Outcome preprocess(Outcome o, Runnable step) {
        long t0 = System.nanoTime();
        try {
            step.run();
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e) == FailureKind.PERMANENT) {
                return o.failed(e, DlqReason.PREPROCESS_FAILED, 1);
            }
            throw e;
        }
        o.mediaSeconds = (System.nanoTime() - t0) / 1e9;
        if (o.recognition == null) { // else observed with its share of the recogniser's time, in recognize()
            metrics.preprocessSeconds.labelValues(model, o.event.getModality().name()).observe(o.mediaSeconds);
        }
        return null;
    }

    /**
     * Runs the recognitions of the decoded events in {@code awaiting} together ({@link Recognitions#run}) and
     * releases them. Each event gets its text, or is dead-lettered: {@code PREPROCESS_FAILED} when the recogniser
     * rejects its media alone, {@code EMPTY_TEXT} when nothing was recognised. A transient failure propagates (the
     * stage retries the batch).
     */
    private void recognize(List<Outcome> awaiting) {
        if (awaiting.isEmpty()) {
            return;
        }
        List<Recognitions.Result> results;
        try {
            results = Recognitions.run(awaiting.stream().<Recognition<?>>map(o -> o.recognition).toList(),
                    config.recognitionMaxBatchPixels());
        } finally {
            awaiting.forEach(Outcome::releaseRecognition);
        }
        for (int i = 0; i < awaiting.size(); i++) {
            Outcome o = awaiting.get(i);
            Recognitions.Result r = results.get(i);
            metrics.preprocessSeconds.labelValues(model, o.event.getModality().name())
                    .observe(o.mediaSeconds + r.seconds());
            if (!r.ok()) {
                o.failed(r.failure(), DlqReason.PREPROCESS_FAILED, 1);
            } else if (r.text() == null || r.text().isBlank()) {
                o.failed(new PermanentFailureException("preprocess", "no text recognised in the "
                        + o.event.getModality() + " event by " + chain.transcriber(o.event.getModality())
                        .orElseThrow().version()), DlqReason.EMPTY_TEXT, 1);
            } else {
                o.text = r.text();
            }
        }
    }

    /**
     * Embeds the batch in one call. A transient failure propagates (the stage retries the batch); a permanent one
     * makes each record be embedded alone, so one bad record cannot block the others. Every outcome leaves with a
     * vector or a dead-letter reason.
     */
    private void encode(List<Outcome> items) {
        if (items.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        for (Outcome o : items) {
            metrics.queueSeconds.labelValues(model).observe((start - o.pending.polledAtNanos()) / 1e9);
        }
        try {
            float[][] vectors = timedEncode(items);
            for (int i = 0; i < items.size(); i++) {
                items.get(i).vector = vectors[i];
            }
            return;
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw e;
            }
            if (items.size() == 1) {
                items.get(0).failed(e, DlqReason.ENCODE_REJECTED, 1);
                return;
            }
            LOG.warn("model '{}': batch of {} rejected ({}); encoding records one by one", model, items.size(), e.toString());
        }
        for (Outcome o : items) {
            try {
                o.vector = timedEncode(List.of(o))[0];
            } catch (RuntimeException e) {
                if (FailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                    throw e;
                }
                o.failed(e, DlqReason.ENCODE_REJECTED, 1);
            }
        }
    }

    private float[][] timedEncode(List<Outcome> items) {
        List<String> texts = new ArrayList<>(items.size());
        List<String> instructions = new ArrayList<>(items.size());
        List<Side> sides = new ArrayList<>(items.size());
        List<Integer> textPositions = new ArrayList<>(items.size());
        Map<Modality, List<Integer>> towerPositions = new EnumMap<>(Modality.class);
        for (int i = 0; i < items.size(); i++) {
            Outcome o = items.get(i);
            if (o.towerItems != null) {
                towerPositions.computeIfAbsent(o.event.getModality(), m -> new ArrayList<>()).add(i);
            } else {
                texts.add(o.text);
                instructions.add(o.instruction);
                sides.add(o.side);
                textPositions.add(i);
            }
        }
        long t0 = System.nanoTime();
        float[][] vectors = new float[items.size()][];
        if (!texts.isEmpty()) {
            float[][] textVectors = encoder.encodeWithInstruction(texts, sides, instructions);
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

    private void send(Outcome o, StageOutput out) {
        ConsumerRecord<byte[], byte[]> r = o.pending.record();
        switch (o.kind) {
            case TOMBSTONE:
                out.send(new ProducerRecord<>(outputTopic, r.key(), null));
                // forgotten here, in input order with the remember() of ENCODE below: forgetting while preparing would
                // run before an earlier copy of the same id in this batch is remembered, and the same content
                // submitted again after the delete would be taken for unchanged
                embedded.forget(keyOf(r));
                return;
            case UNCHANGED:
            case SKIPPED_HISTORY:
                return; // nothing to publish; the offset is committed with the batch
            case ENCODE: {
                MediaEvent e = o.event;
                List<Float> vector = new ArrayList<>(o.vector.length);
                for (float f : o.vector) {
                    vector.add(f);
                }
                EmbeddingEvent embedding = EmbeddingEvent.newBuilder()
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
                out.send(new ProducerRecord<>(outputTopic, Tenants.recordKeyBytes(e.getTenant(), e.getContentId()),
                        embeddingSerializer.serialize(outputTopic, embedding)));
                if (r.key() != null && e.getContentHash() != null) {
                    // remembered once handed to the producer: a refused send stops the worker, and a new process
                    // starts with an empty memory, so nothing unacknowledged is ever taken for embedded
                    embedded.remember(keyOf(r), e.getContentHash());
                }
                return;
            }
            default: {
                String key = o.event != null ? o.event.getContentId() : keyOf(r);
                FailedEvent failed = out.deadLetter(r, key, o.error, o.attempts);
                metrics.dlq.labelValues(model, failed.getStage(), o.reason.label()).inc();
                LOG.info("dead-lettered {}-{}@{} (key {}): stage {}, {}", r.topic(), r.partition(), r.offset(), key,
                        failed.getStage(), failed.getReason());
            }
        }
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    enum OutcomeKind {
        ENCODE("embedded"), TOMBSTONE("tombstone"), DEAD_LETTER("dead_lettered"),
        /** Same content hash as the last vector this worker produced for the id: not embedded again. */
        UNCHANGED("unchanged"),
        /** A benchmark event from before {@code encoder.benchmark.skip-before-ms} (a shadow's re-read). */
        SKIPPED_HISTORY("skipped_history");

        final String outcome;

        OutcomeKind(String outcome) {
            this.outcome = outcome;
        }
    }

    /** What happens to one record of a batch; filled in as the batch is processed (loop thread only). */
    private static final class Outcome {
        final PolledRecord pending;
        /** The event; for a fetched uri event, the fetched copy only until its media step is done. */
        MediaEvent event;
        OutcomeKind kind;
        /** Query or document: selects the default instruction and, for template models, the prompt template. */
        Side side;
        String instruction;
        /** What the text tower embeds: the event's text, or what the cascade recognised in its media. */
        String text;
        /** For a modality with a native tower: the preprocessed tower input (else null). */
        MediaTower.Items towerItems;
        /** For a cascade modality: the decoded media until it is recognised (then null, and {@link #text} is set). */
        Recognition<?> recognition;
        /** Wall time of this event's media step (fetch excluded), seconds. */
        double mediaSeconds;
        float[] vector;
        Throwable error;
        DlqReason reason;
        int attempts;

        Outcome(PolledRecord pending, OutcomeKind kind, MediaEvent event) {
            this.pending = pending;
            this.kind = kind;
            this.event = event;
        }

        /** Deletes what the decoded media left (temporary files); idempotent. */
        void releaseRecognition() {
            if (recognition != null) {
                recognition.close();
                recognition = null;
            }
        }

        static Outcome deadLetter(PolledRecord p, Throwable error, DlqReason reason, int attempts) {
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
