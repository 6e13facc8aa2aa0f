package io.omnistream.runtime.error;

import io.omnistream.runtime.kafka.TopicSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Republishes dead letters to the topic their stage reads ({@code ./omnistream dlq redrive}): the original value
 * byte for byte, under the letter's key, with headers {@value #HEADER_SOURCE} (the letter's coordinates) and
 * {@value #HEADER_COUNT} (how many times this key has now been redriven). Written straight to the stage's topic, so
 * the ingest API's duplicate check is bypassed on purpose: the content was accepted once already.
 *
 * <p><b>Idempotent, exactly once per letter.</b> Each republished record and its ledger entry (key = the letter's
 * coordinates, in {@link io.omnistream.schemas.Topics#DLQ_REDRIVE_LEDGER}, compacted) are written in one Kafka
 * transaction; a redrive first reads the ledger and skips letters already in it. A crash mid-redrive aborts the open
 * transaction (the next producer with the same transactional id fences it), so a letter is never republished without
 * its ledger entry or the other way round; the stages read {@code read_committed}. One redrive at a time: a second
 * concurrent one fences the first, which then fails without committing.
 */
public final class DeadLetterRedrive implements AutoCloseable {
    public static final String HEADER_SOURCE = "omnistream.redrive.source";
    public static final String HEADER_COUNT = "omnistream.redrive.count";
    /** Transactional id of the redrive tool: one per cluster, so a concurrent or crashed redrive is fenced. */
    public static final String TRANSACTIONAL_ID = "omnistream-dlq-redrive";

    /** What a redrive does with the matching letters. */
    public record Plan(List<DeadLetter> toRedrive, List<DeadLetter> alreadyRedriven, List<DeadLetter> notRedrivable) {
    }

    private final Producer<byte[], byte[]> producer;
    private final String ledgerTopic;

    /** @param producer a transactional producer on which {@code initTransactions()} has been called */
    public DeadLetterRedrive(Producer<byte[], byte[]> producer, String ledgerTopic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.ledgerTopic = Objects.requireNonNull(ledgerTopic, "ledgerTopic");
    }

    /**
     * Creates the ledger topic if it is missing (compacted, one partition, the broker's replication factor) and a
     * transactional producer ({@value #TRANSACTIONAL_ID}, idempotent, {@code acks=all}).
     */
    public static DeadLetterRedrive open(String bootstrapServers, String ledgerTopic, Duration timeout) {
        return open(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), ledgerTopic, timeout);
    }

    /** {@link #open(String, String, Duration)} with clients on {@code clientProperties} (servers and security). */
    public static DeadLetterRedrive open(Map<String, Object> clientProperties, String ledgerTopic, Duration timeout) {
        ensureLedgerTopic(clientProperties, ledgerTopic, timeout);
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new DeadLetterRedrive(producer, ledgerTopic);
    }

    /** The ledger as of now: letter coordinates → the key each was redriven under (read {@code read_committed}). */
    public static Map<String, String> readLedger(String bootstrapServers, String ledgerTopic, Duration timeout) {
        return ledger(TopicSnapshot.read(bootstrapServers, ledgerTopic, timeout));
    }

    /** {@link #readLedger(String, String, Duration)} with a consumer on {@code clientProperties}. */
    public static Map<String, String> readLedger(Map<String, Object> clientProperties, String ledgerTopic,
                                                 Duration timeout) {
        return ledger(TopicSnapshot.read(clientProperties, ledgerTopic, timeout));
    }

    /** The ledger of raw ledger records; a later record of the same coordinates wins. */
    public static Map<String, String> ledger(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, String> ledger = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() != null && r.value() != null) {
                ledger.put(new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return ledger;
    }

    /** Splits {@code matching} into what a redrive republishes, what the ledger says is done, what cannot be. */
    public static Plan plan(Collection<DeadLetter> matching, Map<String, String> ledger) {
        List<DeadLetter> toRedrive = new ArrayList<>();
        List<DeadLetter> done = new ArrayList<>();
        List<DeadLetter> impossible = new ArrayList<>();
        for (DeadLetter letter : matching) {
            if (!letter.redrivable()) {
                impossible.add(letter);
            } else if (ledger.containsKey(letter.coordinates())) {
                done.add(letter);
            } else {
                toRedrive.add(letter);
            }
        }
        return new Plan(List.copyOf(toRedrive), List.copyOf(done), List.copyOf(impossible));
    }

    /**
     * Republishes {@code plan.toRedrive()} and records each in the ledger, all in one transaction; returns once it is
     * committed (every record acknowledged). Nothing is written when there is nothing to redrive.
     *
     * @param ledger the ledger the plan was made from (for the redrive count per key)
     * @throws RuntimeException if the transaction cannot be committed; it is aborted where possible, and nothing of
     *                          it becomes visible to {@code read_committed} readers
     */
    public int execute(Plan plan, Map<String, String> ledger) {
        if (plan.toRedrive().isEmpty()) {
            return 0;
        }
        Map<String, Integer> countByKey = new HashMap<>();
        ledger.values().forEach(key -> countByKey.merge(key, 1, Integer::sum));
        producer.beginTransaction();
        try {
            for (DeadLetter letter : plan.toRedrive()) {
                String key = Optional.ofNullable(letter.key()).orElse("");
                int count = countByKey.merge(key, 1, Integer::sum);
                RecordHeaders headers = new RecordHeaders();
                headers.add(HEADER_SOURCE, letter.coordinates().getBytes(StandardCharsets.UTF_8));
                headers.add(HEADER_COUNT, Integer.toString(count).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(letter.event().getOriginalTopic(), null,
                        letter.key() == null ? null : letter.key().getBytes(StandardCharsets.UTF_8),
                        bytes(letter.event().getOriginalValue()), headers));
                producer.send(new ProducerRecord<>(ledgerTopic, letter.coordinates().getBytes(StandardCharsets.UTF_8),
                        key.getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed); // fenced or broken: the broker aborts it on the transaction timeout
            }
            throw e;
        }
        return plan.toRedrive().size();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static void ensureLedgerTopic(Map<String, Object> clientProperties, String topic, Duration timeout) {
        Object bootstrapServers = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(clientProperties)) {
            NewTopic ledger = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(ledger)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the redrive ledger topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
