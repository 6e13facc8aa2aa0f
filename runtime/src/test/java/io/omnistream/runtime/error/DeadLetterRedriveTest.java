package io.omnistream.runtime.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.FailedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLetterRedriveTest {
    private static final String LEDGER = "media.dlq.redriven.v1";

    private static DeadLetter letter(long offset, String key, String originalTopic, String originalValue) {
        return new DeadLetter("media.dlq.v1", 1, offset, key, FailedEvent.newBuilder().setStage("encode")
                .setErrorClass("x.Y").setReason("r").setFailedAtMs(1).setOriginalTopic(originalTopic)
                .setOriginalPartition(originalTopic == null ? null : 0).setOriginalOffset(originalTopic == null ? null : 40 + offset)
                .setOriginalValue(originalValue == null ? null : ByteBuffer.wrap(originalValue.getBytes(StandardCharsets.UTF_8)))
                .build());
    }

    private static MockProducer<byte[], byte[]> producer() {
        MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        p.initTransactions();
        return p;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return text(r.headers().lastHeader(name).value());
    }

    /** The ledger records a committed redrive wrote, as a reader of the ledger topic would get them. */
    private static List<ConsumerRecord<byte[], byte[]>> ledgerRecords(MockProducer<byte[], byte[]> p) {
        List<ProducerRecord<byte[], byte[]>> written = p.history().stream().filter(r -> r.topic().equals(LEDGER)).toList();
        return java.util.stream.IntStream.range(0, written.size())
                .mapToObj(i -> new ConsumerRecord<>(LEDGER, 0, i, written.get(i).key(), written.get(i).value())).toList();
    }

    @Test
    void republishesTheOriginalBytesWithHeadersAndItsLedgerEntriesInOneTransaction() {
        DeadLetter a = letter(3, "doc-a", "media.events.v1", "original-a");
        DeadLetter b = letter(4, "doc-b", "embeddings.m.v1", "original-b");
        DeadLetter refusedAtIngest = letter(5, "doc-c", null, null);
        DeadLetterRedrive.Plan plan = DeadLetterRedrive.plan(List.of(a, b, refusedAtIngest), Map.of());
        assertThat(plan.toRedrive()).containsExactly(a, b);
        assertThat(plan.notRedrivable()).containsExactly(refusedAtIngest);
        assertThat(plan.alreadyRedriven()).isEmpty();

        MockProducer<byte[], byte[]> p = producer();
        assertThat(new DeadLetterRedrive(p, LEDGER).execute(plan, Map.of())).isEqualTo(2);
        assertThat(p.transactionCommitted()).isTrue();
        assertThat(p.commitCount()).isEqualTo(1);
        List<ProducerRecord<byte[], byte[]>> originals = p.history().stream().filter(r -> !r.topic().equals(LEDGER)).toList();
        assertThat(originals).extracting(ProducerRecord::topic).containsExactly("media.events.v1", "embeddings.m.v1");
        assertThat(text(originals.get(0).key())).isEqualTo("doc-a");
        assertThat(text(originals.get(0).value())).isEqualTo("original-a");
        assertThat(header(originals.get(0), DeadLetterRedrive.HEADER_SOURCE)).isEqualTo("media.dlq.v1/1/3");
        assertThat(header(originals.get(0), DeadLetterRedrive.HEADER_COUNT)).isEqualTo("1");
        assertThat(DeadLetterRedrive.ledger(ledgerRecords(p)))
                .containsExactly(Map.entry("media.dlq.v1/1/3", "doc-a"), Map.entry("media.dlq.v1/1/4", "doc-b"));
    }

    @Test
    void aSecondRedriveOfTheSameLettersWritesNothingAndALaterLetterOfTheSameKeyCountsOn() {
        DeadLetter a = letter(3, "doc-a", "media.events.v1", "original-a");
        MockProducer<byte[], byte[]> first = producer();
        new DeadLetterRedrive(first, LEDGER).execute(DeadLetterRedrive.plan(List.of(a), Map.of()), Map.of());
        Map<String, String> ledger = DeadLetterRedrive.ledger(ledgerRecords(first));

        // the redriven record failed again: a new letter of the same content at a later offset
        DeadLetter again = letter(9, "doc-a", "media.events.v1", "original-a");
        DeadLetterRedrive.Plan plan = DeadLetterRedrive.plan(List.of(a, again), ledger);
        assertThat(plan.alreadyRedriven()).containsExactly(a);
        assertThat(plan.toRedrive()).containsExactly(again);

        MockProducer<byte[], byte[]> second = producer();
        assertThat(new DeadLetterRedrive(second, LEDGER).execute(plan, ledger)).isEqualTo(1);
        assertThat(header(second.history().get(0), DeadLetterRedrive.HEADER_COUNT)).isEqualTo("2");

        MockProducer<byte[], byte[]> third = producer();
        Map<String, String> after = new java.util.HashMap<>(ledger);
        after.putAll(DeadLetterRedrive.ledger(ledgerRecords(second)));
        assertThat(new DeadLetterRedrive(third, LEDGER).execute(DeadLetterRedrive.plan(List.of(a, again), after), after))
                .isZero();
        assertThat(third.history()).isEmpty();
        assertThat(third.transactionInFlight()).isFalse();
        assertThat(third.commitCount()).isZero();
    }

    @Test
    void aFailedCommitAbortsSoNothingBecomesVisible() {
        MockProducer<byte[], byte[]> p = producer();
        p.commitTransactionException = new KafkaException("broker gone");
        DeadLetterRedrive.Plan plan = DeadLetterRedrive.plan(List.of(letter(3, "doc-a", "media.events.v1", "v")), Map.of());
        assertThatThrownBy(() -> new DeadLetterRedrive(p, LEDGER).execute(plan, Map.of()))
                .isInstanceOf(KafkaException.class).hasMessageContaining("broker gone");
        assertThat(p.transactionAborted()).isTrue();
        assertThat(p.transactionCommitted()).isFalse();
        assertThat(p.history()).isEmpty(); // a mock producer's history holds committed records only
    }
}
