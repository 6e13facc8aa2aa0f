package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.launcher.demo.SciFactDemo;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.milvus.MilvusContainer;

/**
 * The same end-to-end scenario as {@link SciFactRetrievalIT}, against Kafka and Milvus containers, for users with a
 * Docker engine. Skipped (not failed) where there is none; the embedded ITs cover every behaviour without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:3.9.1");

    @Container
    static final MilvusContainer MILVUS = new MilvusContainer("milvusdb/milvus:v2.5.14");

    @Test
    void scifactSubsetFlowsFromHttpToSearchableInContainerizedKafkaAndMilvus() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(ConfigSource.load(null, Map.of(
                "launcher.kafka.external-bootstrap", KAFKA.getBootstrapServers(),
                "launcher.milvus.external-uri", MILVUS.getEndpoint(),
                "launcher.metrics.port", "0",
                "launcher.web.port", "0", "launcher.control.port", "0",
                "ingest.http.port", "0", "search.http.port", "0")), System.out)) {
            // topics are auto-created by the container broker on first use
            SciFactDemo demo = new SciFactDemo(stack, SharedStack.sharedData().resolve("scifact/scifact.zip"), System.out);
            SciFactDemo.Summary summary = demo.ingestAndWait(demo.documents(200), Duration.ofMinutes(10));
            assertThat(summary.distinctIds()).isEqualTo(200);
            assertThat(summary.rowsInMilvus()).isEqualTo(200);
            List<SearchHit> hits = stack.search().search(stack.tenant(), "0-dimensional biomaterials show inductive properties.", 5);
            assertThat(hits).hasSize(5);
        }
    }
}
