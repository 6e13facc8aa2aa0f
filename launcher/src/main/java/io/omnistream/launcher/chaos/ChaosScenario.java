package io.omnistream.launcher.chaos;

import io.omnistream.launcher.cluster.ChildJvm;
import io.omnistream.launcher.cluster.ProcessCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The faults {@code ./omnistream chaos} injects into a {@link ProcessCluster} while events flow. Each {@link #inject}
 * returns when its last fault has ended (every killed process started again, every stopped one resumed); the waits
 * between faults are the fault schedule (seeded, random points in the stream), not synchronisation.
 */
public enum ChaosScenario {
    KILL_WORKER("kill-worker", "kill -9 an encoder worker 10 times at random points; each is started again at once") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            for (int i = 1; i <= 10; i++) {
                pause(random, 3, 12);
                List<ChildJvm> live = cluster.encoderWorkers().stream().filter(ChildJvm::isAlive).toList();
                ChildJvm victim = live.isEmpty() ? cluster.encoderWorkers().get(0) : live.get(random.nextInt(live.size()));
                out.printf("[chaos] kill -9 %s (pid %d), %d of 10%n", victim.component(), victim.pid(), i);
                victim.kill();
                cluster.restart(victim.component());
            }
            for (ChildJvm w : cluster.encoderWorkers()) {
                cluster.awaitReady(w.component(), STARTUP, out);
            }
        }
    },
    KILL_SINK("kill-sink", "kill -9 the Milvus sink 5 times at random points; each is started again at once") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            for (int i = 1; i <= 5; i++) {
                pause(random, 5, 15);
                ChildJvm sink = cluster.child("milvus-sink");
                out.printf("[chaos] kill -9 milvus-sink (pid %d), %d of 5%n", sink.pid(), i);
                sink.kill();
                cluster.restart("milvus-sink");
            }
            cluster.awaitReady("milvus-sink", STARTUP, out);
        }
    },
    MILVUS_OUTAGE("milvus-outage-60s", "stop Milvus mid-stream (60 s unless --outage), then start it on the same port and data") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            pause(random, 5, 15);
            out.printf("[chaos] stopping Milvus for %d s%n", outage.toSeconds());
            cluster.stopMilvus();
            Thread.sleep(outage.toMillis());
            cluster.startMilvus();
            out.println("[chaos] Milvus is back");
        }
    },
    MILVUS_HANG("milvus-hang", "SIGSTOP Milvus (60 s unless --outage: connections stay open, nothing answers), then SIGCONT") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            pause(random, 5, 15);
            ProcessHandle milvus = cluster.milvusProcess();
            out.printf("[chaos] SIGSTOP Milvus (pid %d) for %d s%n", milvus.pid(), outage.toSeconds());
            signal("STOP", milvus);
            try {
                Thread.sleep(outage.toMillis());
            } finally {
                signal("CONT", milvus);
            }
            out.println("[chaos] SIGCONT Milvus");
        }
    },
    BROKER_RESTART("broker-restart", "kill -9 the Kafka broker mid-stream; start it again on its data after 10 s") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            pause(random, 5, 15);
            ChildJvm broker = cluster.child("kafka-broker");
            out.printf("[chaos] kill -9 kafka-broker (pid %d); down for 10 s%n", broker.pid());
            broker.kill();
            Thread.sleep(BROKER_DOWN.toMillis());
            cluster.restartBroker(STARTUP, out);
            out.println("[chaos] Kafka broker is back");
        }
    },
    REGISTRY_RESTART("registry-restart", "restart the schema registry mid-stream (stop, start on the same port and storage)") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            pause(random, 5, 15);
            out.println("[chaos] restarting the schema registry");
            cluster.restartRegistry();
            out.println("[chaos] schema registry is back");
        }
    },
    FLINK_TASKMANAGER_KILL("flink-taskmanager-kill",
            "kill -9 the Flink TaskManager while the benchmark is scored; a new one is started at once") {
        @Override
        void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception {
            pause(random, 5, 15);
            ChildJvm tm = cluster.flink().taskManager();
            out.printf("[chaos] kill -9 flink-taskmanager (pid %d)%n", tm.pid());
            tm.kill();
            cluster.restartTaskManager();
            cluster.flink().awaitReady(STARTUP, out);
        }
    };

    /** How long a restarted process may take to be ready again. */
    static final Duration STARTUP = Duration.ofMinutes(3);
    /** How long the broker stays down. */
    static final Duration BROKER_DOWN = Duration.ofSeconds(10);

    private final String id;
    private final String description;

    ChaosScenario(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** Injects the scenario's faults ({@code outage}: how long Milvus stays down or hung); returns when they ended. */
    abstract void inject(ProcessCluster cluster, Random random, Duration outage, PrintStream out) throws Exception;

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** The scenario named {@code id}. */
    public static ChaosScenario of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no chaos scenario '" + id + "'; known: "
                        + Arrays.stream(values()).map(ChaosScenario::id).toList()));
    }

    /** Waits a random whole number of seconds in [{@code min}, {@code max}]: the next fault's point in the stream. */
    private static void pause(Random random, int min, int max) throws InterruptedException {
        Thread.sleep(1000L * (min + random.nextInt(max - min + 1)));
    }

    private static void signal(String signal, ProcessHandle process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }
}
