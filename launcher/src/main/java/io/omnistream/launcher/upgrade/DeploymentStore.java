package io.omnistream.launcher.upgrade;

import io.omnistream.runtime.kafka.TopicSnapshot;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Deployment state and gate verdicts on their compacted topics ({@link Topics#DEPLOYMENTS},
 * {@link Topics#UPGRADE_GATE}, key = deployment name): the last record per key is the truth. Reads take a bounded
 * snapshot of the topic (its end offsets when the read starts), so a read always ends; a write returns once the
 * broker acknowledged it ({@code acks=all}, idempotent), so the next read sees it.
 */
public final class DeploymentStore implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientProperties;
    private final String registryUrl;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConfluentAvroSerializer<Deployment> serializer;

    /** @param clientProperties bootstrap servers and security of every client (KafkaOptions.clientProperties) */
    public DeploymentStore(Map<String, Object> clientProperties, String registryUrl) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.registryUrl = registryUrl;
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "omnistream-deployments");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.serializer = new ConfluentAvroSerializer<>(Deployment.class, registryUrl);
    }

    /** The current state of deployment {@code name}; empty if it was never written. */
    public Optional<Deployment> deployment(String name) {
        return Optional.ofNullable(latest(Topics.DEPLOYMENTS, Deployment.class).get(name));
    }

    /** The last gate verdict published for deployment {@code name}; empty if none. */
    public Optional<GateDecision> gate(String name) {
        return Optional.ofNullable(latest(Topics.UPGRADE_GATE, GateDecision.class).get(name));
    }

    /** Writes {@code deployment} as the new state of its name and waits for the broker's acknowledgement. */
    public void write(Deployment deployment) {
        byte[] key = deployment.getName().getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(Topics.DEPLOYMENTS, key, serializer.serialize(Topics.DEPLOYMENTS, deployment)))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing deployment " + deployment.getName(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write deployment " + deployment.getName() + " to "
                    + Topics.DEPLOYMENTS + ": " + e, e);
        }
    }

    private <T extends SpecificRecord> Map<String, T> latest(String topic, Class<T> type) {
        Map<String, T> byKey = new HashMap<>();
        try (ConfluentAvroDeserializer<T> values = new ConfluentAvroDeserializer<>(type, registryUrl)) {
            for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(clientProperties, topic, TIMEOUT)) {
                if (r.key() == null) {
                    continue;
                }
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    byKey.remove(key);
                } else {
                    byKey.put(key, values.deserialize(topic, r.value()));
                }
            }
        }
        return byKey;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        serializer.close();
    }
}
