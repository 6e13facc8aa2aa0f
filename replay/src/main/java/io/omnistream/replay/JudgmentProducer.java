package io.omnistream.replay;

import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes benchmark {@link Judgment}s to {@code bench.judgments.v1} (key = query item id), idempotent with
 * {@code acks=all}, Confluent wire format. A returned future completes when the broker acknowledged the record.
 * Thread-safe.
 */
public final class JudgmentProducer implements AutoCloseable {
    private final KafkaProducer<String, Judgment> producer;
    private final String topic;

    public JudgmentProducer(String bootstrapServers, String schemaRegistryUrl) {
        this(bootstrapServers, schemaRegistryUrl, Topics.JUDGMENTS);
    }

    public JudgmentProducer(String bootstrapServers, String schemaRegistryUrl, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, "omnistream-judgments"),
                new StringSerializer(), new ConfluentAvroSerializer<>(Judgment.class, schemaRegistryUrl));
    }

    public String topic() {
        return topic;
    }

    public CompletableFuture<Void> publish(Judgment judgment) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, judgment.getQueryItemId(), judgment), (metadata, error) -> {
            if (error != null) {
                acked.completeExceptionally(error);
            } else {
                acked.complete(null);
            }
        });
        return acked;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
