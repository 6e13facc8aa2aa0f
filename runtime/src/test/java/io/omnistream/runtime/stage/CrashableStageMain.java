package io.omnistream.runtime.stage;

import io.omnistream.schemas.avro.FailedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A stage in a JVM of its own for {@link PoisonPillCrashIT}: forwards every record of {@code in} to {@code out}, except
 * that a record whose value is {@value #POISON} makes processing hang (it prints {@code processing-poison offset=N}
 * and blocks), so that the test can kill the process with -9 while that record is being processed, as a native crash
 * or the OOM killer would. Dead letters are written as Avro single-object encoding ({@link FailedEvent#toByteBuffer}):
 * this test is about the stage, not the registry, and no registry is shared between the two JVMs.
 *
 * <p>Arguments: bootstrap servers, group id, input topic, output topic, dead-letter topic.
 */
public final class CrashableStageMain {
    static final String POISON = "poison";

    private CrashableStageMain() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String group = args[1];
        String in = args[2];
        String out = args[3];
        String dlq = args[4];
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                // static membership, as a StatefulSet pod would have: the restarted process takes its dead
                // predecessor's place at once instead of waiting for session.timeout.ms (45 s) to expire it
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group + "-stage",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        Serializer<FailedEvent> failed = (topic, event) -> {
            try {
                var buffer = event.toByteBuffer();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        CountDownLatch never = new CountDownLatch(1);
        StageProcessor forward = (batch, output) -> {
            for (PolledRecord p : batch) {
                if (POISON.equals(new String(p.record().value(), StandardCharsets.UTF_8))) {
                    System.out.println("processing-poison offset=" + p.record().offset() + " batch=" + batch.size());
                    System.out.flush();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                output.send(new ProducerRecord<>(out, p.record().key(), p.record().value()));
            }
        };
        StageSettings settings = new StageSettings("crash-it", in, dlq, 10, Duration.ofMillis(200),
                StagePolicy.defaults(1 << 20));
        KafkaStage stage = new KafkaStage(settings, consumer, producer, failed, forward, new StageListener() {},
                System::nanoTime);
        stage.start("crash-it-stage");
        System.out.println("stage-started");
        System.out.flush();
        while (stage.isRunning()) {
            // the test ends this process with kill -9; until then the main thread only keeps the JVM up
            never.await(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        stage.failure().ifPresent(Throwable::printStackTrace);
        System.exit(2);
    }
}
