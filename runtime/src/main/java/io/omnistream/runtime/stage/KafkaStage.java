package io.omnistream.runtime.stage;

import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.FailedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consume → micro-batch → process → dead-letter → commit loop of every Kafka stage (encoder workers, Milvus
 * sink). A stage supplies only a {@link StageProcessor}; this class owns polling, batching, retries, dead letters of
 * its own, pausing and commits. Kafka Connect's sink-task semantics are the model.
 *
 * <p><b>Delivery guarantee: at least once.</b> An offset is committed only after every record of its batch was
 * processed and every output of the batch (results, tombstones, dead letters) was acknowledged by the broker. A
 * retriable producer error (the broker unreachable for longer than {@code delivery.timeout.ms}) is a transient failure
 * of the batch: it is waited out and the batch processed and sent again; any other producer error stops the stage
 * without committing ({@link #failure()}). A commit the coordinator cannot take yet is retried until it is taken. A crash between acknowledgement and commit
 * processes the batch again, so outputs must be idempotent downstream (compacted topics, upserts by id).
 *
 * <p><b>Transient failures wait, permanent ones dead-letter.</b> When {@code process} throws a transient failure
 * ({@link FailureClassifier}), the stage pauses its assigned partitions (and every partition assigned later while it
 * waits), keeps calling {@code poll()} so the group keeps it (no rebalance, no {@code max.poll.interval.ms}
 * expiry), and retries the same batch after {@code 100 ms × 2^(n-1)}, capped at {@code errors.retry.delay.max},
 * until it succeeds; then it resumes where it was. Only if {@code errors.retry.timeout} is finite and exceeded does
 * {@link ErrorTolerance} decide: ALL dead-letters the batch (reason "retries exhausted"), NONE stops the stage.
 * Records a processor dead-letters, and batches that fail permanently as a whole, follow {@link ErrorTolerance}
 * too: ALL sends them to the dead-letter topic with stage and reason, NONE stops the stage without committing.
 *
 * <p><b>Poison pills.</b> Before processing a batch the stage commits, per partition of the batch, the position it
 * already reached (the batch's first offset, so nothing is skipped) with metadata {@code attempt=N}; a success
 * commits past the batch with empty metadata, a transient failure puts {@code N-1} back (an outage is not the
 * record's fault). A process that dies while processing leaves {@code attempt=N}. When a partition is assigned and
 * its committed metadata says the record at the committed offset was attempted {@code errors.max.attempts} times,
 * that single record is dead-lettered with stage {@code poison} and skipped. So that a crash is blamed on the record
 * that caused it, not on the first record of its batch, the marker also names the last offset of the batch
 * ({@code until=E}): after a crash the next owner processes that range one record per batch, and only then forms
 * full batches again (an innocent record crashed with a poison pill in its batch is processed once more alone and
 * passes). Cost: one extra synchronous commit per batch, and single-record batches over the range of a crashed
 * batch.
 *
 * <p><b>Rebalances.</b> Records of revoked or lost partitions that were polled but not yet processed (including a
 * batch waiting for a retry) are dropped: nothing was produced for them, and their next owner re-reads them from the
 * committed offset. Outputs are always acknowledged and committed before the next poll, so no rebalance happens while
 * acknowledgements are outstanding; that wait is bounded by the producer's {@code delivery.timeout.ms}.
 *
 * <p><b>Lifecycle.</b> {@link #start(String)} runs the loop on its own thread; {@link #close(Duration)} stops polling,
 * processes and commits what was already polled (unless the stage is waiting out an outage: that batch stays
 * uncommitted and is re-read by the next owner), and closes the Kafka clients it was given.
 */
public final class KafkaStage {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaStage.class);
    /** Poll timeout while nothing is due; bounds how long close() waits for the loop to notice. */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    /** How long one loop iteration waits for outstanding acknowledgements before looking again. */
    private static final Duration ACK_WAIT = Duration.ofMillis(100);
    /** Dead-letter stage of a record skipped as a poison pill. */
    public static final String POISON_STAGE = "poison";

    private final StageSettings settings;
    private final StagePolicy policy;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Serializer<FailedEvent> failedSerializer;
    private final StageProcessor processor;
    private final StageListener listener;
    private final Ticker ticker;
    private final RetryBackoff backoff;
    private final BatchBuffer buffer;
    /** Last attempt marker known per partition: read at assignment, written before each batch. Loop thread only. */
    private final Map<TopicPartition, AttemptMarker> markers = new HashMap<>();
    /** Committed offsets whose record is to be dead-lettered as a poison pill when it is polled. */
    private final Map<TopicPartition, Long> poisonAt = new HashMap<>();
    /** Per partition after a crash: the last offset to process one record per batch (see {@link AttemptMarker}). */
    private final Map<TopicPartition, Long> isolateUntil = new HashMap<>();

    /** The batch being retried after a transient failure, or null. */
    private List<PolledRecord> retrying;
    private int failedAttempts;
    private long retryAtNanos;
    private volatile long outageStartNanos = -1;
    /** Outputs sent and not yet acknowledged, or null. */
    private InFlight inFlight;

    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile Thread thread;

    /**
     * @param consumer         byte[] keys and values, {@code enable.auto.commit=false}; closed by the stage's thread
     * @param producer         idempotent, {@code acks=all}; closed by the stage's thread
     * @param failedSerializer serializes dead letters (Confluent Avro FailedEvent)
     */
    public KafkaStage(StageSettings settings, Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
                      Serializer<FailedEvent> failedSerializer, StageProcessor processor, StageListener listener,
                      Ticker ticker) {
        this.settings = settings;
        this.policy = settings.policy();
        this.consumer = consumer;
        this.producer = producer;
        this.failedSerializer = failedSerializer;
        this.processor = processor;
        this.listener = listener;
        this.ticker = ticker;
        this.backoff = policy.backoff();
        this.buffer = new BatchBuffer(settings.batchMaxRecords(), policy.batchMaxBytes(), settings.batchMaxWait().toNanos());
    }

    /** Starts the loop on a new thread with this name. Call at most once. */
    public synchronized void start(String threadName) {
        if (thread != null) {
            throw new IllegalStateException("stage already started");
        }
        Thread t = new Thread(this::run, threadName);
        thread = t;
        t.start();
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Why the loop stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** True while the stage waits out a transient failure with its partitions paused. */
    public boolean paused() {
        return outageStartNanos >= 0;
    }

    /** Seconds since the batch now being retried first failed; 0 when not paused. */
    public double outageSeconds() {
        long start = outageStartNanos;
        return start < 0 ? 0 : Math.max(0, ticker.nanoTime() - start) / 1e9;
    }

    /**
     * Stops polling, finishes what was polled (see the class comment) and waits up to {@code timeout} for the
     * thread. Idempotent. If the stage was never started, closes the clients here.
     */
    public void close(Duration timeout) {
        closing = true;
        Thread t = thread;
        if (t == null) {
            closeClients();
            return;
        }
        consumer.wakeup();
        if (t != Thread.currentThread()) {
            try {
                t.join(timeout.toMillis());
                if (t.isAlive()) {
                    LOG.warn("stage {} on {} did not stop within {} ms", settings.stage(), settings.topic(), timeout.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            open();
            while (!closing) {
                try {
                    runOnce();
                } catch (WakeupException e) {
                    // close() woke a poll or commit; the loop condition ends it
                }
            }
            drain();
            LOG.info("stage {} on {} stopped", settings.stage(), settings.topic());
        } catch (Throwable t) {
            failure = t;
            LOG.error("stage {} on {} stopped on an error; uncommitted records will be re-read: {}", settings.stage(),
                    settings.topic(), t.toString(), t);
        } finally {
            closeClients();
        }
    }

    private void closeClients() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing consumer", e);
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing producer", e);
        }
    }

    /** Subscribes to the input topic. The loop's first step; separate so tests can drive the loop step by step. */
    void open() {
        consumer.subscribe(List.of(settings.topic()), new Rebalance());
    }

    /**
     * One step of the loop: finish outstanding acknowledgements, or wait out (polling) and retry a failed batch, or
     * poll and process the batch that is due. Never blocks longer than {@link #IDLE_POLL} plus one processing attempt.
     *
     * @throws StageFailedException when the stage must stop without committing (see the class comment)
     */
    void runOnce() {
        if (inFlight != null) {
            if (inFlight.awaitAcks(ACK_WAIT)) {
                completeInFlight();
            }
            return;
        }
        if (retrying != null) {
            long wait = retryAtNanos - ticker.nanoTime();
            if (wait > 0) {
                pollInto(Duration.ofNanos(Math.min(wait, IDLE_POLL.toNanos())));
                return;
            }
            attempt(retrying);
            return;
        }
        long due = buffer.nanosUntilDue(ticker.nanoTime());
        pollInto(due >= IDLE_POLL.toNanos() ? IDLE_POLL : Duration.ofNanos(due));
        if (retrying == null && inFlight == null && buffer.nanosUntilDue(ticker.nanoTime()) == 0) {
            List<PolledRecord> batch = nextBatch();
            writeMarkers(batch);
            attempt(batch);
        }
    }

    /** The next batch; a record in the range of a crashed batch is processed alone. */
    private List<PolledRecord> nextBatch() {
        if (isolateUntil.isEmpty()) {
            return buffer.take();
        }
        return buffer.take(p -> {
            Long until = isolateUntil.get(new TopicPartition(p.record().topic(), p.record().partition()));
            return until != null && p.record().offset() <= until;
        });
    }

    /**
     * The marker to commit when {@code tp} has processed everything before {@code offset}: {@code attempt=0} with the
     * isolation range while inside it (so a crash right after still isolates the rest), else none.
     */
    private AttemptMarker doneMarker(TopicPartition tp, long offset) {
        Long until = isolateUntil.get(tp);
        if (until != null && offset <= until) {
            return new AttemptMarker(offset, 0, until);
        }
        isolateUntil.remove(tp);
        return new AttemptMarker(offset, 0);
    }

    /** On close: finish acknowledgements, then process what was polled, unless waiting out an outage. */
    void drain() {
        while (true) {
            if (inFlight != null) {
                while (!inFlight.awaitAcks(ACK_WAIT)) {
                    // bounded by the producer's delivery.timeout.ms
                }
                completeInFlight();
            }
            if (retrying != null) {
                LOG.info("stage {} on {} closing while waiting out a transient failure; {} records stay uncommitted",
                        settings.stage(), settings.topic(), retrying.size());
                return;
            }
            if (buffer.isEmpty()) {
                return;
            }
            List<PolledRecord> batch = nextBatch();
            writeMarkers(batch);
            attempt(batch);
        }
    }

    private void pollInto(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Long poison = poisonAt.get(tp);
            if (poison != null && poison == r.offset()) {
                skipPoison(tp, r);
            } else {
                // While paused nothing is fetched; a record that still arrives waits here for its batch.
                buffer.add(new PolledRecord(r, ticker.nanoTime()));
            }
        }
    }

    /** One processing attempt of {@code batch}; on success its outputs are sent and awaited by later steps. */
    private void attempt(List<PolledRecord> batch) {
        StageOutput out = new StageOutput(settings.stage(), settings.dlqTopic(), failedSerializer);
        try {
            processor.process(batch, out);
        } catch (RuntimeException e) {
            if (FailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                onTransientFailure(batch, e);
                return;
            }
            out = deadLetterAll(batch, e, failedAttempts + 1);
        }
        if (policy.tolerance() == ErrorTolerance.NONE && !out.deadLetters().isEmpty()) {
            FailedEvent first = out.deadLetters().get(0);
            throw stop(new StageFailedException("errors.tolerance=none: record " + first.getOriginalTopic() + "-"
                    + first.getOriginalPartition() + "@" + first.getOriginalOffset() + " failed in stage "
                    + first.getStage() + " (" + first.getReason() + "); stopping without commit"));
        }
        endOutage();
        send(batch, out);
    }

    private void onTransientFailure(List<PolledRecord> batch, RuntimeException e) {
        long now = ticker.nanoTime();
        if (retrying == null) {
            retrying = batch;
            failedAttempts = 0;
            outageStartNanos = now;
            consumer.pause(consumer.assignment());
            restoreMarkers(batch);
        }
        failedAttempts++;
        if (!policy.retriesForever() && now - outageStartNanos >= policy.retryTimeout().toNanos()) {
            String why = "retries exhausted after " + failedAttempts + " attempts over "
                    + Duration.ofNanos(now - outageStartNanos).toMillis() + " ms: " + FailureClassifier.reasonOf(e);
            if (policy.tolerance() == ErrorTolerance.NONE) {
                throw stop(new StageFailedException("errors.tolerance=none and " + why, e));
            }
            StageOutput out = deadLetterAll(batch, new PermanentFailureException(settings.stage(), why, e), failedAttempts);
            endOutage();
            send(batch, out);
            return;
        }
        Duration delay = backoff.delayBefore(failedAttempts);
        retryAtNanos = now + delay.toNanos();
        LOG.warn("stage {} on {}: batch of {} failed transiently (attempt {}), partitions paused, retrying in {} ms: {}",
                settings.stage(), settings.topic(), batch.size(), failedAttempts, delay.toMillis(), e.toString());
        listener.retrying(e, failedAttempts, delay);
    }

    private StageOutput deadLetterAll(List<PolledRecord> batch, RuntimeException e, int attempts) {
        StageOutput out = new StageOutput(settings.stage(), settings.dlqTopic(), failedSerializer);
        for (PolledRecord p : batch) {
            listener.deadLettered(out.deadLetter(p.record(), keyOf(p.record()), e, attempts));
        }
        return out;
    }

    private void endOutage() {
        if (retrying != null) {
            LOG.info("stage {} on {}: resumed after {} failed attempts, {} s paused", settings.stage(), settings.topic(),
                    failedAttempts, String.format("%.1f", outageSeconds()));
        }
        if (outageStartNanos >= 0) {
            consumer.resume(consumer.assignment());
        }
        retrying = null;
        failedAttempts = 0;
        outageStartNanos = -1;
    }

    private void send(List<PolledRecord> batch, StageOutput out) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(out.records().size());
        for (ProducerRecord<byte[], byte[]> r : out.records()) {
            acks.add(producer.send(r));
        }
        inFlight = new InFlight(batch, acks);
    }

    private void completeInFlight() {
        InFlight done = inFlight;
        inFlight = null;
        if (done.error instanceof RetriableException retriable) {
            // Kafka itself is the outage (e.g. delivery.timeout.ms passed while the broker was down): wait it out like
            // any downstream, then process and send the batch again (outputs are idempotent by key downstream)
            onTransientFailure(done.batch, retriable);
            return;
        }
        if (done.error != null) {
            throw stop(new StageFailedException("broker did not acknowledge an output record; batch not committed: "
                    + done.error, done.error));
        }
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        for (PolledRecord p : done.batch) {
            ConsumerRecord<byte[], byte[]> r = p.record();
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<TopicPartition, AttemptMarker> committedMarkers = new HashMap<>();
        next.forEach((tp, offset) -> {
            AttemptMarker m = doneMarker(tp, offset);
            committedMarkers.put(tp, m);
            offsets.put(tp, new OffsetAndMetadata(offset, m.isolates() ? m.metadata() : ""));
        });
        if (commit(offsets)) {
            markers.putAll(committedMarkers);
        }
    }

    /** Commits the batch's start position per partition with {@code attempt=N} before processing it. */
    private void writeMarkers(List<PolledRecord> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<TopicPartition, AttemptMarker> next = new HashMap<>();
        for (PolledRecord p : batch) {
            TopicPartition tp = new TopicPartition(p.record().topic(), p.record().partition());
            if (next.containsKey(tp)) {
                continue;
            }
            long first = p.record().offset();
            long last = first;
            for (PolledRecord q : batch) {
                if (q.record().partition() == tp.partition() && q.record().topic().equals(tp.topic())) {
                    last = Math.max(last, q.record().offset());
                }
            }
            AttemptMarker known = markers.get(tp);
            AttemptMarker marker = new AttemptMarker(first, known != null && known.offset() == first ? known.attempts() + 1 : 1,
                    Math.max(last, isolateUntil.getOrDefault(tp, -1L)));
            next.put(tp, marker);
            offsets.put(tp, new OffsetAndMetadata(first, marker.metadata()));
        }
        if (commit(offsets)) {
            markers.putAll(next);
        }
    }

    /** After a transient failure: the attempt was no crash, so put the count back to what it was before. */
    private void restoreMarkers(List<PolledRecord> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (PolledRecord p : batch) {
            TopicPartition tp = new TopicPartition(p.record().topic(), p.record().partition());
            AttemptMarker m = markers.get(tp);
            if (m != null && m.offset() == p.record().offset() && !offsets.containsKey(tp)) {
                // an outage is no crash: no isolation range of its own, only the one already under way
                AttemptMarker back = m.attempts() - 1 >= 1 ? new AttemptMarker(m.offset(), m.attempts() - 1, m.until())
                        : new AttemptMarker(m.offset(), 0, isolateUntil.getOrDefault(tp, -1L));
                offsets.put(tp, new OffsetAndMetadata(back.offset(), back.metadata()));
                markers.put(tp, back);
            }
        }
        try {
            commit(offsets);
        } catch (RuntimeException e) {
            // Kafka itself may be the outage; the only cost is one attempt too many on the count.
            LOG.warn("stage {} on {}: could not put the attempt count back: {}", settings.stage(), settings.topic(), e.toString());
        }
    }

    private void skipPoison(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        AttemptMarker m = markers.get(tp);
        int attempts = m == null ? policy.maxAttempts() : m.attempts();
        StageOutput out = new StageOutput(POISON_STAGE, settings.dlqTopic(), failedSerializer);
        FailedEvent failed = out.deadLetter(r, keyOf(r), new PermanentFailureException(POISON_STAGE, "processing of "
                + "the batch starting at this record began " + attempts + " times without completing (the process "
                + "died each time; errors.max.attempts=" + policy.maxAttempts() + "): skipped"), attempts);
        LOG.warn("stage {}: dead-lettering poison pill {}-{}@{} after {} attempts", settings.stage(), r.topic(),
                r.partition(), r.offset(), attempts);
        InFlight dlq = new InFlight(List.of(), List.of(producer.send(out.records().get(0))));
        while (!dlq.awaitAcks(ACK_WAIT)) {
            // bounded by the producer's delivery.timeout.ms
        }
        if (dlq.error != null) {
            throw stop(new StageFailedException("dead-letter topic did not acknowledge a poison pill; not skipped: "
                    + dlq.error, dlq.error));
        }
        listener.deadLettered(failed);
        poisonAt.remove(tp);
        AttemptMarker after = doneMarker(tp, r.offset() + 1);
        if (commit(Map.of(tp, new OffsetAndMetadata(r.offset() + 1, after.isolates() ? after.metadata() : "")))) {
            markers.put(tp, after);
        }
    }

    /**
     * Commits synchronously; only partitions still assigned. @return false if the group took the partitions away
     * meanwhile (their next owner re-reads from the last commit: duplicates, never loss)
     */
    private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
        owned.keySet().retainAll(consumer.assignment());
        if (owned.isEmpty()) {
            return offsets.isEmpty();
        }
        try {
            while (true) {
                try {
                    try {
                        consumer.commitSync(owned);
                    } catch (WakeupException e) {
                        // close() raced with the commit; wakeup is one-shot, so the second attempt runs to completion
                        consumer.commitSync(owned);
                    }
                    return true;
                } catch (RetriableException e) {
                    // the group coordinator is unreachable (broker down or moving): each commitSync already waited
                    // default.api.timeout.ms; keep trying unless closing (then the next owner re-reads: duplicates)
                    if (closing) {
                        LOG.warn("stage {} on {}: closing with an offset commit that Kafka did not take: {}",
                                settings.stage(), settings.topic(), e.toString());
                        return false;
                    }
                    LOG.warn("stage {} on {}: offset commit failed transiently, retrying: {}", settings.stage(),
                            settings.topic(), e.toString());
                }
            }
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("stage {} on {}: offset commit rejected after a rebalance; the new owner re-reads from the last "
                    + "commit: {}", settings.stage(), settings.topic(), e.toString());
            return false;
        }
    }

    private StageFailedException stop(StageFailedException e) {
        failure = e;
        closing = true;
        return e;
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    /** Runs on the loop thread, inside poll(). Nothing is in flight then: outputs are settled before each poll. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("stage {}: assigned {}", settings.stage(), partitions);
            if (partitions.isEmpty()) {
                return;
            }
            if (paused()) {
                consumer.pause(partitions); // keep waiting out the outage on every partition we hold
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            committed.forEach((tp, o) -> {
                if (o == null) {
                    return;
                }
                AttemptMarker.parse(o.offset(), o.metadata()).ifPresent(m -> {
                    markers.put(tp, m);
                    if (m.isolates()) {
                        // attempt 0: an earlier owner got partway through a crashed batch's range; >= 1: it died in it
                        LOG.warn("stage {}: {} resumes inside the range of a batch whose processing did not complete "
                                + "(attempts at offset {}: {}); offsets up to {} are processed one record at a time",
                                settings.stage(), tp, m.offset(), m.attempts(), m.until());
                        isolateUntil.put(tp, m.until());
                    }
                    if (m.attempts() >= policy.maxAttempts()) {
                        poisonAt.put(tp, o.offset());
                    }
                });
            });
        }

        /** Drops unprocessed records of partitions we no longer own; their next owner re-reads them. */
        private void forget(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> gone = new HashSet<>(partitions);
            buffer.removeIf(gone::contains);
            gone.forEach(tp -> {
                markers.remove(tp);
                poisonAt.remove(tp);
                isolateUntil.remove(tp);
            });
            if (retrying != null) {
                List<PolledRecord> kept = new ArrayList<>(retrying);
                kept.removeIf(p -> gone.contains(new TopicPartition(p.record().topic(), p.record().partition())));
                if (kept.isEmpty()) {
                    endOutage();
                } else {
                    retrying = kept;
                }
            }
        }
    }

    /** Outputs of one batch awaiting acknowledgement; {@code error} is the first failed send, if any. */
    private static final class InFlight {
        final List<PolledRecord> batch;
        final List<Future<RecordMetadata>> acks;
        int next;
        Throwable error;

        InFlight(List<PolledRecord> batch, List<Future<RecordMetadata>> acks) {
            this.batch = batch;
            this.acks = acks;
        }

        /** Waits up to {@code wait} for the next acknowledgement; @return true when every one has arrived */
        boolean awaitAcks(Duration wait) {
            while (next < acks.size()) {
                try {
                    acks.get(next).get(wait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    return false;
                } catch (ExecutionException e) {
                    if (error == null) {
                        error = e.getCause();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (error == null) {
                        error = e;
                    }
                }
                next++;
            }
            return true;
        }
    }
}
