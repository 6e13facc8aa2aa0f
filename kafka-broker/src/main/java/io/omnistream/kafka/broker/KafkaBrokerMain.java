package io.omnistream.kafka.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@link EmbeddedKafka} as a process of its own: the Kafka broker of {@code ./omnistream cluster}.
 *
 * <pre>
 * java -cp ... io.omnistream.kafka.broker.KafkaBrokerMain [DATA_DIR]
 * </pre>
 *
 * <p>Without {@code DATA_DIR} the data lives in a temporary directory deleted on a clean stop. A broker started again
 * on a {@code DATA_DIR} that held one before keeps its data and its address (same ports). Once the broker
 * accepts connections it prints exactly one line {@value #READY_PREFIX}{@code 127.0.0.1:<port>} on stdout, which the
 * parent waits for. SIGTERM (or the parent-watchdog agent's {@code System.exit}) shuts the broker down through a
 * shutdown hook: logs are flushed and the temporary directory removed.
 */
public final class KafkaBrokerMain {
    /** Prefix of the readiness line on stdout; the rest of the line is the bootstrap address. */
    public static final String READY_PREFIX = "kafka.bootstrap.servers=";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.err.println("usage: KafkaBrokerMain [DATA_DIR]");
            System.exit(2);
        }
        EmbeddedKafka kafka = args.length == 1 ? EmbeddedKafka.start(Path.of(args[0]), false) : EmbeddedKafka.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.println(READY_PREFIX + kafka.bootstrapServers());
        System.out.flush();
        stopped.await(); // the broker's threads are not daemons; this keeps main readable: it ends with the broker
    }
}
