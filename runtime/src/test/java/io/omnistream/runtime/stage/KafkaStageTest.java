package io.omnistream.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.FailedEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaStageTest {
    private static final String TOPIC = "in";
    private static final String OUT = "out";
    private static final String DLQ = "dlq";
    private static final String REGISTRY = "mock://kafka-stage-test";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<List<Long>> processed = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();

    /**
     * MockConsumer that counts poll() calls (the proof that a paused stage keeps polling) and keeps committed offsets
     * with their metadata in {@code group}, a stand-in for the group coordinator that outlives one consumer (MockConsumer
     * itself forgets the metadata of a commit and answers committed() only for what it committed itself).
     */
    static class CountingConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, OffsetAndMetadata> group;
        /** Records added right after the first assignment (MockConsumer takes records of assigned partitions only). */
        final List<ConsumerRecord<byte[], byte[]>> initial = new ArrayList<>();
        int polls;

        CountingConsumer(Map<TopicPartition, OffsetAndMetadata> group) {
            super("earliest");
            this.group = group;
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            group.putAll(offsets);
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> result = new java.util.HashMap<>(group);
            result.keySet().retainAll(partitions);
            return result;
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            polls++;
            return super.poll(timeout);
        }
    }

    /** Thrown by a processor to stand for the process dying mid-batch (OOM, native crash): not caught by the stage. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("process died");
        }
    }

    private static StagePolicy policy(ErrorTolerance tolerance, Duration retryTimeout, int maxAttempts, long maxBytes) {
        return new StagePolicy(tolerance, retryTimeout, Duration.ofSeconds(30), maxAttempts, maxBytes);
    }

    private KafkaStage stage(CountingConsumer consumer, MockProducer<byte[], byte[]> producer, int maxRecords,
                             Duration maxWait, StagePolicy policy, StageProcessor processor) {
        StageProcessor recording = (batch, out) -> {
            processed.add(batch.stream().map(p -> p.record().offset()).toList());
            processor.process(batch, out);
        };
        StageListener listener = new StageListener() {
            @Override
            public void retrying(Throwable error, int failedAttempts, Duration delay) {
                delays.add(delay);
            }
        };
        return new KafkaStage(new StageSettings("test", TOPIC, DLQ, maxRecords, maxWait, policy), consumer, producer,
                new ConfluentAvroSerializer<>(FailedEvent.class, REGISTRY), recording, listener, now::get);
    }

    private static CountingConsumer consumerWith(Map<TopicPartition, OffsetAndMetadata> committed, TopicPartition... tps) {
        CountingConsumer c = new CountingConsumer(new java.util.HashMap<>(committed));
        Map<TopicPartition, Long> beginning = new java.util.HashMap<>();
        for (TopicPartition tp : tps) {
            beginning.put(tp, 0L);
        }
        c.updateBeginningOffsets(beginning);
        c.schedulePollTask(() -> {
            c.rebalance(List.of(tps));
            // as a real consumer does: resume from the group's committed position
            c.group.forEach((tp, o) -> c.seek(tp, o.offset()));
            c.initial.forEach(c::addRecord);
        });
        return c;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, int valueBytes) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                new byte[valueBytes]);
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Forwards each record's value to {@code out}. */
    private static final StageProcessor FORWARD = (batch, out) ->
            batch.forEach(p -> out.send(new ProducerRecord<>(OUT, p.record().key(), p.record().value())));

    private static long committedOffset(MockConsumer<?, ?> c, TopicPartition tp) {
        OffsetAndMetadata o = c.committed(Set.of(tp)).get(tp);
        return o == null ? -1 : o.offset();
    }

    private static FailedEvent decode(ProducerRecord<byte[], byte[]> r) {
        return new ConfluentAvroDeserializer<>(FailedEvent.class, REGISTRY).deserialize(r.topic(), r.value());
    }

    @Test
    void transientFailurePausesKeepsPollingAndRetriesTheSameRecordsWithBackoff() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        MockProducer<byte[], byte[]> producer = producer(true);
        int[] failuresLeft = {3};
        KafkaStage stage = stage(consumer, producer, 3, Duration.ofHours(1), StagePolicy.defaults(1 << 20), (batch, out) -> {
            if (failuresLeft[0]-- > 0) {
                throw new UncheckedIOException(new IOException("downstream unavailable"));
            }
            FORWARD.process(batch, out);
        });
        for (long o = 0; o < 3; o++) {
            consumer.initial.add(record(TP0, o, 10));
        }
        stage.open();

        stage.runOnce(); // polls 3 records = a full batch; the first attempt fails
        assertThat(stage.paused()).isTrue();
        assertThat(consumer.paused()).containsExactly(TP0);
        consumer.addRecord(record(TP0, 3, 10)); // arrives during the outage: must not be fetched while paused

        int pollsBefore = consumer.polls;
        stage.runOnce(); // backoff (100 ms) not over: only polls
        stage.runOnce();
        assertThat(consumer.polls).isEqualTo(pollsBefore + 2);
        assertThat(processed).hasSize(1);

        now.addAndGet(Duration.ofMillis(100).toNanos());
        stage.runOnce(); // second attempt fails
        now.addAndGet(Duration.ofMillis(200).toNanos());
        stage.runOnce(); // third attempt fails
        assertThat(stage.outageSeconds()).isEqualTo(0.3);
        assertThat(committedOffset(consumer, TP0)).as("nothing committed past the batch while paused").isEqualTo(0);
        assertThat(producer.history()).isEmpty();

        now.addAndGet(Duration.ofMillis(400).toNanos());
        stage.runOnce(); // fourth attempt succeeds
        assertThat(stage.paused()).isFalse();
        assertThat(consumer.paused()).isEmpty();
        stage.runOnce(); // acknowledgements (auto-completed) -> commit
        assertThat(committedOffset(consumer, TP0)).isEqualTo(3);

        assertThat(processed).containsExactly(List.of(0L, 1L, 2L), List.of(0L, 1L, 2L), List.of(0L, 1L, 2L),
                List.of(0L, 1L, 2L));
        assertThat(delays).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(OUT, OUT, OUT);

        stage.runOnce(); // resumed: the record that arrived during the outage is fetched now
        now.addAndGet(Duration.ofHours(1).toNanos());
        stage.runOnce(); // and processed once its batch is due by age
        assertThat(processed).last().isEqualTo(List.of(3L));
    }

    @Test
    void partitionsAssignedDuringAnOutageArePausedToo() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.updateBeginningOffsets(Map.of(TP1, 0L));
        KafkaStage stage = stage(consumer, producer(true), 1, Duration.ZERO, StagePolicy.defaults(1 << 20),
                (batch, out) -> {
                    throw new UncheckedIOException(new IOException("downstream unavailable"));
                });
        consumer.initial.add(record(TP0, 0, 10));
        stage.open();
        stage.runOnce();
        assertThat(consumer.paused()).containsExactly(TP0);

        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP0, TP1));
            consumer.addRecord(record(TP1, 0, 10));
        });
        stage.runOnce();
        assertThat(consumer.paused()).containsExactlyInAnyOrder(TP0, TP1);
        assertThat(processed).containsExactly(List.of(0L)); // TP1's record was not fetched
    }

    @Test
    void batchesAreBoundedBySerializedBytes() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        // key "kN" is 2 bytes: records of 40, 40, 40, 150 and 10 bytes in all
        int[] values = {38, 38, 38, 148, 8};
        for (int o = 0; o < values.length; o++) {
            consumer.initial.add(record(TP0, o, values[o]));
        }
        KafkaStage stage = stage(consumer, producer(true), 100, Duration.ZERO, policy(ErrorTolerance.ALL,
                Duration.ofMillis(-1), 3, 100), FORWARD);
        stage.open();
        for (int i = 0; i < 8; i++) {
            stage.runOnce();
        }
        assertThat(processed).containsExactly(List.of(0L, 1L), List.of(2L), List.of(3L), List.of(4L));
        assertThat(committedOffset(consumer, TP0)).isEqualTo(5);
    }

    @Test
    void reachingTheByteBoundMakesABatchDueBeforeItsWaitIsOver() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.initial.add(record(TP0, 0, 58)); // 60 bytes with its key
        consumer.initial.add(record(TP0, 1, 58));
        KafkaStage stage = stage(consumer, producer(true), 100, Duration.ofHours(1), policy(ErrorTolerance.ALL,
                Duration.ofMillis(-1), 3, 100), FORWARD);
        stage.open();
        stage.runOnce(); // 120 bytes buffered >= 100: due at once; the batch takes only what fits
        stage.runOnce(); // acknowledged and committed
        stage.runOnce(); // the remaining 60 bytes are neither full nor old: they wait
        assertThat(processed).containsExactly(List.of(0L));
        assertThat(committedOffset(consumer, TP0)).isEqualTo(1);
    }

    @Test
    void commitsOnlyAfterEveryOutputIsAcknowledged() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        MockProducer<byte[], byte[]> producer = producer(false);
        for (long o = 0; o < 3; o++) {
            consumer.initial.add(record(TP0, o, 10));
        }
        KafkaStage stage = stage(consumer, producer, 3, Duration.ZERO, StagePolicy.defaults(1 << 20), (batch, out) -> {
            out.send(new ProducerRecord<>(OUT, batch.get(0).record().key(), batch.get(0).record().value()));
            out.send(new ProducerRecord<>(OUT, batch.get(1).record().key(), null)); // a tombstone
            out.deadLetter(batch.get(2).record(), "k2", new PermanentFailureException("decode", "bad bytes"), 1);
        });
        stage.open();
        stage.runOnce();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(OUT, OUT, DLQ);
        stage.runOnce();
        assertThat(committedOffset(consumer, TP0)).isEqualTo(0);

        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();
        stage.runOnce();
        assertThat(committedOffset(consumer, TP0)).as("the dead letter is not acknowledged yet").isEqualTo(0);

        assertThat(producer.completeNext()).isTrue();
        stage.runOnce();
        assertThat(committedOffset(consumer, TP0)).isEqualTo(3);
        FailedEvent dead = decode(producer.history().get(2));
        assertThat(dead.getStage()).isEqualTo("decode");
        assertThat(dead.getReason()).isEqualTo("bad bytes");
        assertThat(dead.getOriginalOffset()).isEqualTo(2L);
    }

    @Test
    void anOutputTheBrokerCouldNotTakeInTimeIsWaitedOutAndTheBatchSentAgain() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        MockProducer<byte[], byte[]> producer = producer(false);
        consumer.initial.add(record(TP0, 0, 10));
        consumer.initial.add(record(TP0, 1, 10));
        KafkaStage stage = stage(consumer, producer, 2, Duration.ZERO, StagePolicy.defaults(1 << 20), FORWARD);
        stage.open();
        stage.runOnce(); // processes and sends both outputs
        assertThat(producer.completeNext()).isTrue();
        // what the producer reports when the broker stayed unreachable for delivery.timeout.ms
        assertThat(producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"))).isTrue();
        stage.runOnce();
        assertThat(stage.failure()).isEmpty();
        assertThat(stage.paused()).isTrue();
        assertThat(committedOffset(consumer, TP0)).isEqualTo(0);

        now.addAndGet(Duration.ofMillis(100).toNanos());
        stage.runOnce(); // the batch again: processed and sent anew
        assertThat(processed).containsExactly(List.of(0L, 1L), List.of(0L, 1L));
        assertThat(stage.paused()).isFalse();
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();
        stage.runOnce();
        assertThat(committedOffset(consumer, TP0)).isEqualTo(2);
        assertThat(delays).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void aCommitTheCoordinatorCannotTakeYetIsRetriedUntilItIsTaken() {
        int[] unavailable = {2};
        CountingConsumer consumer = new CountingConsumer(new java.util.HashMap<>()) {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                if (offsets.values().stream().anyMatch(o -> o.offset() == 2) && unavailable[0]-- > 0) {
                    throw new org.apache.kafka.common.errors.TimeoutException("Timeout of 60000ms expired before the "
                            + "offset commit could be completed");
                }
                super.commitSync(offsets);
            }
        };
        consumer.updateBeginningOffsets(Map.of(TP0, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP0));
            consumer.addRecord(record(TP0, 0, 10));
            consumer.addRecord(record(TP0, 1, 10));
        });
        MockProducer<byte[], byte[]> producer = producer(true);
        KafkaStage stage = stage(consumer, producer, 2, Duration.ZERO, StagePolicy.defaults(1 << 20), FORWARD);
        stage.open();
        stage.runOnce(); // processes and sends
        stage.runOnce(); // acknowledged: the commit of offset 2 fails twice, then is taken
        assertThat(unavailable[0]).isEqualTo(-1);
        assertThat(committedOffset(consumer, TP0)).isEqualTo(2);
        assertThat(stage.failure()).isEmpty();
        assertThat(processed).hasSize(1);
    }

    @Test
    void aRefusedOutputStopsTheStageWithoutCommit() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        MockProducer<byte[], byte[]> producer = producer(false);
        consumer.initial.add(record(TP0, 0, 10));
        consumer.initial.add(record(TP0, 1, 10));
        KafkaStage stage = stage(consumer, producer, 2, Duration.ZERO, StagePolicy.defaults(1 << 20), FORWARD);
        stage.open();
        stage.runOnce();
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too large"))).isTrue();
        assertThatThrownBy(stage::runOnce).isInstanceOf(StageFailedException.class)
                .hasMessageContaining("batch not committed");
        assertThat(committedOffset(consumer, TP0)).isEqualTo(0);
        assertThat(stage.failure()).isPresent();
    }

    @Test
    void toleranceNoneStopsOnABadRecordWithoutCommitOrOutput() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        MockProducer<byte[], byte[]> producer = producer(true);
        for (long o = 0; o < 3; o++) {
            consumer.initial.add(record(TP0, o, 10));
        }
        KafkaStage stage = stage(consumer, producer, 3, Duration.ZERO, policy(ErrorTolerance.NONE,
                Duration.ofMillis(-1), 3, 1 << 20), (batch, out) -> {
                    FORWARD.process(batch.subList(0, 1), out);
                    out.deadLetter(batch.get(1).record(), "k1", new PermanentFailureException("decode", "bad bytes"), 1);
                    FORWARD.process(batch.subList(2, 3), out);
                });
        stage.open();
        assertThatThrownBy(stage::runOnce).isInstanceOf(StageFailedException.class)
                .hasMessageContaining("errors.tolerance=none").hasMessageContaining("in-0@1");
        assertThat(producer.history()).isEmpty();
        assertThat(committedOffset(consumer, TP0)).isEqualTo(0);
        assertThat(stage.failure()).isPresent();
    }

    @Test
    void aSpentRetryBudgetDeadLettersTheBatchUnderToleranceAll() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        MockProducer<byte[], byte[]> producer = producer(true);
        consumer.initial.add(record(TP0, 0, 10));
        consumer.initial.add(record(TP0, 1, 10));
        KafkaStage stage = stage(consumer, producer, 2, Duration.ZERO, policy(ErrorTolerance.ALL, Duration.ofSeconds(1),
                3, 1 << 20), (batch, out) -> {
                    throw new UncheckedIOException(new IOException("downstream unavailable"));
                });
        stage.open();
        stage.runOnce(); // fails at t=0
        now.addAndGet(Duration.ofMillis(100).toNanos());
        stage.runOnce(); // fails at t=0.1 s
        now.addAndGet(Duration.ofMillis(900).toNanos());
        stage.runOnce(); // fails at t=1 s: budget spent, dead-lettered
        assertThat(stage.paused()).isFalse();
        stage.runOnce();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(DLQ, DLQ);
        FailedEvent dead = decode(producer.history().get(0));
        assertThat(dead.getStage()).isEqualTo("test");
        assertThat(dead.getReason()).startsWith("retries exhausted after 3 attempts").endsWith("downstream unavailable");
        assertThat(committedOffset(consumer, TP0)).isEqualTo(2);
    }

    @Test
    void aRecordAttemptedMaxAttemptsTimesAcrossRestartsIsDeadLetteredAsPoisonAndSkipped() {
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        StageProcessor crashesOnOffsetZero = (batch, out) -> {
            if (batch.get(0).record().offset() == 0) {
                throw new SimulatedCrash();
            }
            FORWARD.process(batch, out);
        };
        for (int run = 1; run <= 3; run++) {
            CountingConsumer consumer = consumerWith(committed, TP0);
            for (long o = 0; o < 3; o++) {
                consumer.initial.add(record(TP0, o, 10));
            }
            KafkaStage stage = stage(consumer, producer(true), 3, Duration.ZERO, StagePolicy.defaults(1 << 20),
                    crashesOnOffsetZero);
            stage.open();
            assertThatThrownBy(stage::runOnce).isInstanceOf(SimulatedCrash.class);
            committed = consumer.committed(Set.of(TP0));
            // the first crash was of the batch 0..2; later runs process offset 0 alone and keep the range
            assertThat(committed.get(TP0)).isEqualTo(new OffsetAndMetadata(0, "attempt=" + run + ";until=2"));
        }
        CountingConsumer consumer = consumerWith(committed, TP0); // the fourth process
        for (long o = 0; o < 3; o++) {
            consumer.initial.add(record(TP0, o, 10));
        }
        MockProducer<byte[], byte[]> producer = producer(true);
        KafkaStage stage = stage(consumer, producer, 3, Duration.ZERO, StagePolicy.defaults(1 << 20),
                crashesOnOffsetZero);
        stage.open();
        processed.clear();
        for (int i = 0; i < 10 && committedOffset(consumer, TP0) < 3; i++) {
            stage.runOnce();
        }
        // still inside the crashed batch's range: one record per batch
        assertThat(processed).containsExactly(List.of(1L), List.of(2L));
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(DLQ, OUT, OUT);
        FailedEvent poison = decode(producer.history().get(0));
        assertThat(poison.getStage()).isEqualTo("poison");
        assertThat(poison.getOriginalOffset()).isEqualTo(0L);
        assertThat(poison.getAttempt()).isEqualTo(3);
        assertThat(poison.getOriginalValue().remaining()).isEqualTo(10);
        assertThat(consumer.committed(Set.of(TP0)).get(TP0)).isEqualTo(new OffsetAndMetadata(3, ""));
    }

    @Test
    void aCrashIsBlamedOnTheRecordThatCausedItNotOnTheFirstRecordOfItsBatch() {
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        StageProcessor crashesOnOffsetTwo = (batch, out) -> {
            if (batch.stream().anyMatch(p -> p.record().offset() == 2)) {
                throw new SimulatedCrash();
            }
            FORWARD.process(batch, out);
        };
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        List<String> markersAfterCrash = new ArrayList<>();
        for (int run = 1; run <= 5; run++) {
            CountingConsumer consumer = consumerWith(committed, TP0);
            for (long o = 0; o < (run == 5 ? 7 : 5); o++) { // two new records arrive before the fifth process
                consumer.initial.add(record(TP0, o, 10));
            }
            MockProducer<byte[], byte[]> producer = producer(true);
            KafkaStage stage = stage(consumer, producer, 5, Duration.ZERO, StagePolicy.defaults(1 << 20),
                    crashesOnOffsetTwo);
            stage.open();
            processed.clear();
            try {
                for (int i = 0; i < 20 && committedOffset(consumer, TP0) < 7; i++) {
                    stage.runOnce();
                }
            } catch (SimulatedCrash e) {
                markersAfterCrash.add(consumer.committed(Set.of(TP0)).get(TP0).metadata());
            }
            sent.addAll(producer.history());
            committed = consumer.committed(Set.of(TP0));
            if (run == 5) {
                // the poison pill is skipped, the rest of the crashed range goes alone, then full batches again
                assertThat(processed).containsExactly(List.of(3L), List.of(4L), List.of(5L, 6L));
            }
        }
        assertThat(markersAfterCrash).containsExactly("attempt=1;until=4", "attempt=1;until=4", "attempt=2;until=4",
                "attempt=3;until=4");
        assertThat(sent).filteredOn(r -> r.topic().equals(DLQ)).singleElement().satisfies(r -> {
            FailedEvent poison = decode(r);
            assertThat(poison.getStage()).isEqualTo("poison");
            assertThat(poison.getOriginalOffset()).isEqualTo(2L);
            assertThat(poison.getAttempt()).isEqualTo(3);
        });
        // every innocent record produced exactly once: the crashed attempts sent nothing
        assertThat(sent).filteredOn(r -> r.topic().equals(OUT)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("k0", "k1", "k3", "k4", "k5", "k6");
        assertThat(committed.get(TP0)).isEqualTo(new OffsetAndMetadata(7, ""));
    }

    @Test
    void aTransientFailureDoesNotCountAsAnAttempt() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.initial.add(record(TP0, 0, 10));
        KafkaStage stage = stage(consumer, producer(true), 1, Duration.ZERO, StagePolicy.defaults(1 << 20),
                (batch, out) -> {
                    throw new UncheckedIOException(new IOException("downstream unavailable"));
                });
        stage.open();
        stage.runOnce();
        assertThat(consumer.committed(Set.of(TP0)).get(TP0)).isEqualTo(new OffsetAndMetadata(0, "attempt=0"));
    }

    @Test
    void revokingThePartitionsOfAWaitingBatchDropsItsRecordsAndEndsTheWait() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.updateBeginningOffsets(Map.of(TP1, 0L));
        consumer.initial.add(record(TP0, 0, 10));
        KafkaStage stage = stage(consumer, producer(true), 1, Duration.ZERO, StagePolicy.defaults(1 << 20),
                (batch, out) -> {
                    throw new UncheckedIOException(new IOException("downstream unavailable"));
                });
        stage.open();
        stage.runOnce();
        assertThat(stage.paused()).isTrue();

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP1))); // TP0 goes to another member
        stage.runOnce();
        assertThat(stage.paused()).isFalse();
        assertThat(consumer.paused()).isEmpty();
        now.addAndGet(Duration.ofHours(1).toNanos());
        stage.runOnce();
        assertThat(processed).containsExactly(List.of(0L)); // never retried here: the new owner re-reads it
        assertThat(committedOffset(consumer, TP0)).isEqualTo(0);
    }

    @Test
    void drainingOnCloseProcessesAndCommitsWhatWasPolled() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.initial.add(record(TP0, 0, 10));
        consumer.initial.add(record(TP0, 1, 10));
        MockProducer<byte[], byte[]> producer = producer(true);
        KafkaStage stage = stage(consumer, producer, 10, Duration.ofHours(1), StagePolicy.defaults(1 << 20), FORWARD);
        stage.open();
        stage.runOnce(); // polled, not due yet
        assertThat(processed).isEmpty();
        stage.drain();
        assertThat(processed).containsExactly(List.of(0L, 1L));
        assertThat(producer.history()).hasSize(2);
        assertThat(committedOffset(consumer, TP0)).isEqualTo(2);
    }

    @Test
    void drainingDuringAnOutageLeavesTheBatchUncommitted() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.initial.add(record(TP0, 0, 10));
        KafkaStage stage = stage(consumer, producer(true), 1, Duration.ZERO, StagePolicy.defaults(1 << 20),
                (batch, out) -> {
                    throw new UncheckedIOException(new IOException("downstream unavailable"));
                });
        stage.open();
        stage.runOnce();
        stage.drain();
        assertThat(processed).hasSize(1);
        assertThat(committedOffset(consumer, TP0)).isEqualTo(0);
    }

    @Test
    void aBatchThatFailsPermanentlyAsAWholeIsDeadLetteredRecordByRecordUnderToleranceAll() {
        CountingConsumer consumer = consumerWith(Map.of(), TP0);
        consumer.initial.add(record(TP0, 0, 10));
        consumer.initial.add(record(TP0, 1, 10));
        MockProducer<byte[], byte[]> producer = producer(true);
        KafkaStage stage = stage(consumer, producer, 2, Duration.ZERO, StagePolicy.defaults(1 << 20), (batch, out) -> {
            throw new PermanentFailureException("encode", "rejected");
        });
        stage.open();
        stage.runOnce();
        stage.runOnce();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(DLQ, DLQ);
        assertThat(producer.history()).extracting(r -> decode(r).getStage()).containsExactly("encode", "encode");
        assertThat(producer.history()).extracting(r -> decode(r).getOriginalOffset()).containsExactly(0L, 1L);
        assertThat(committedOffset(consumer, TP0)).isEqualTo(2);
    }
}
