package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.error.DeadLetter;
import io.omnistream.runtime.error.DeadLetterQueue;
import io.omnistream.runtime.error.DeadLetterRedrive;
import io.omnistream.runtime.kafka.TopicSnapshot;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.tenant.Tenants;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code ./omnistream dlq redrive} of a record whose cause was fixed, on a dedicated embedded stack (its own Kafka):
 * a PDF page sent while the worker's model serves TEXT only is dead-lettered by the worker (stage {@code encode});
 * the operator fixes the cause (a new version of the model whose registry entry adds the DOCUMENT cascade, OCR by
 * Tesseract) and redrives: the page lands in Milvus once. A second redrive republishes nothing, and the page is still
 * there once.
 */
class DlqRedriveIT {
    private static final String MODEL = "dlq-it";
    private static final String ID = "dlq-it-page";

    @Test
    void aFixedUpRecordRedrivenTwiceLandsOnce() throws Exception {
        Assumptions.assumeTrue(MediaTools.onPath("tesseract"), "tesseract not installed (scripts/install-media-tools.sh)");
        Assumptions.assumeTrue(Files.exists(TestPdfs.DEJAVU), "DejaVu fonts not installed (scripts/install-media-tools.sh)");
        Path dir = Files.createTempDirectory("omnistream-dlq-it");
        String version = "bge-small-en-v1.5-fp32-cls-512-dlq-it";
        Path textOnly = ModelRegistryFile.write(dir.resolve("models-v1.yaml"), MODEL, version, "[TEXT]", "");
        Path withDocuments = ModelRegistryFile.write(dir.resolve("models-v2.yaml"), MODEL, version, "[TEXT, DOCUMENT]",
                ModelRegistryFile.DOCUMENT_BY_TESSERACT);
        Document abstractText;
        try (Stream<Document> docs = new SciFactCorpus(SharedStack.sharedData().resolve("scifact/scifact.zip")).documents()) {
            abstractText = docs.findFirst().orElseThrow();
        }

        Map<String, String> settings = new HashMap<>();
        settings.put("launcher.milvus.fresh", "true");
        settings.put("launcher.metrics.port", "0");
        settings.put("launcher.web.port", "0");
        settings.put("launcher.control.port", "0");
        settings.put("ingest.http.port", "0");
        settings.put("search.http.port", "0");
        settings.put("launcher.quality-job.enabled", "false");
        settings.put("launcher.bias-job.enabled", "false");
        settings.put("encoder.models.file", textOnly.toString());
        settings.put("encoder.model", MODEL);
        try (EmbeddedStack stack = EmbeddedStack.start(ConfigSource.load(null, settings), System.out)) {
            String[] kafka = {"--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl()};
            // 1. the worker's model cannot embed a document page: dead-lettered with its original bytes
            stack.producer().publish(MediaEvent.newBuilder().setContentId(ID).setTenant("dlq-it")
                    .setModality(Modality.DOCUMENT).setMimeType("application/pdf").setSource("dlq-it")
                    .setPayload(ByteBuffer.wrap(TestPdfs.onePage(abstractText))).setEventTimeMs(System.currentTimeMillis())
                    .build()).get();
            DeadLetter[] letter = new DeadLetter[1];
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                letter[0] = DeadLetterQueue.read(stack.bootstrapServers(), stack.registryUrl(), stack.dlqTopic(),
                        Duration.ofSeconds(10)).stream().filter(l -> Tenants.recordKey("dlq-it", ID).equals(l.key()))
                        .findFirst().orElse(null);
                return letter[0] != null;
            });
            assertThat(letter[0].event().getStage()).isEqualTo("encode");
            assertThat(letter[0].event().getOriginalTopic()).isEqualTo(stack.mediaTopic());
            assertThat(Cli.run(concat(new String[] {"dlq", "list", "--stage", "encode"}, kafka)))
                    .contains("1 dead letter(s)").contains(ID).doesNotContain("REDRIVEN");

            // 2. the fix: the same model id, a version that serves DOCUMENT through OCR
            stack.stopWorker();
            EncoderWorkerConfig config = new EncoderWorkerConfig(ConfigSource.of(Map.of(
                    "kafka.bootstrap.servers", stack.bootstrapServers(),
                    "schema.registry.url", stack.registryUrl(),
                    "encoder.models.file", withDocuments.toString(),
                    "encoder.model", MODEL,
                    "encoder.input.topic", stack.mediaTopic(),
                    "encoder.group.id", stack.encoderGroupId())));
            TextEncoder text = TextEncoder.load(config.modelSpec(), config.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()));
            EncodingChain chain = Cascades.chain(config.modelSpec(), text);
            try (text; EncoderWorker worker = new EncoderWorker(config, chain, new WorkerMetrics(new PrometheusRegistry()))) {
                worker.start();

                // 3. redrive, as the operator would
                assertThat(Cli.run(concat(new String[] {"dlq", "redrive", "--stage", "encode", "--dry-run"}, kafka)))
                        .contains("1 to redrive").contains("would republish 1 record(s) to " + stack.mediaTopic());
                assertThat(Cli.run(concat(new String[] {"dlq", "redrive", "--stage", "encode"}, kafka)))
                        .contains("redrove 1 letter(s)");
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                        stack.searcher().rowsPerContentId(chain.modelVersion(), List.of(ID)).getOrDefault(ID, 0L) > 0);

                // 4. again: the ledger says it is done; nothing is republished, the page is in Milvus once
                assertThat(Cli.run(concat(new String[] {"dlq", "redrive", "--stage", "encode"}, kafka)))
                        .contains("0 to redrive, 1 already redriven").contains("redrove 0 letter(s)");
                assertThat(Cli.run(concat(new String[] {"dlq", "list"}, kafka))).contains("REDRIVEN");
                long redriven = TopicSnapshot.read(stack.bootstrapServers(), stack.mediaTopic(), Duration.ofSeconds(30))
                        .stream().filter(r -> r.headers().lastHeader(DeadLetterRedrive.HEADER_SOURCE) != null).count();
                assertThat(redriven).as("redriven records on " + stack.mediaTopic()).isEqualTo(1);
                assertThat(stack.searcher().rowsPerContentId(chain.modelVersion(), List.of(ID))).containsEntry(ID, 1L);
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
