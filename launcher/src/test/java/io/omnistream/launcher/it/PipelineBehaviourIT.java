package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.PipelineProbe;
import io.omnistream.schemas.avro.FailedEvent;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance point 3 on the real embedded stack: bad input is refused or dead-lettered with a reason and never
 * blocks good input; tombstones delete; duplicates add no row; a worker restart loses nothing.
 */
class PipelineBehaviourIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static EmbeddedStack stack;
    private static HttpClient http;
    private static PipelineProbe probe;

    @BeforeAll
    static void start() {
        stack = SharedStack.get();
        http = HttpClient.newHttpClient();
        probe = new PipelineProbe(stack.bootstrapServers());
    }

    private static HttpResponse<String> post(String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(stack.ingest().baseUri().resolve(path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + stack.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> text(String id, String text) {
        return Map.of("contentId", id, "modality", "TEXT", "text", text, "source", "it");
    }

    private static long rows(String id) {
        return stack.searcher().rowsPerContentId(stack.modelVersion(), List.of(id)).getOrDefault(id, 0L);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @Test
    void oversizeAndCorruptPayloadsGet4xxAndNothingIsProduced() throws Exception {
        long before = probe.recordCount(stack.mediaTopic());

        byte[] oversize = new byte[25 * 1024 * 1024]; // default ingest.max-payload-bytes is 20 MiB
        new Random(7).nextBytes(oversize);
        HttpResponse<String> tooBig = post("/v1/media", Map.of("contentId", unique("big"), "modality", "IMAGE",
                "payloadBase64", Base64.getEncoder().encodeToString(oversize)));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooBig.body()).path("error").asText()).isNotBlank();

        byte[] garbage = new byte[4096];
        new Random(11).nextBytes(garbage);
        HttpResponse<String> corrupt = post("/v1/media", Map.of("contentId", unique("garbage"), "modality", "IMAGE",
                "payloadBase64", Base64.getEncoder().encodeToString(garbage)));
        assertThat(corrupt.statusCode()).isBetween(400, 499);
        assertThat(JSON.readTree(corrupt.body()).path("message").asText()).containsIgnoringCase("application/octet-stream");

        HttpResponse<String> badBase64 = post("/v1/media", Map.of("contentId", unique("b64"), "modality", "IMAGE",
                "payloadBase64", "%%% not base64 %%%"));
        assertThat(badBase64.statusCode()).isEqualTo(400);

        HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(stack.ingest().baseUri().resolve("/v1/media"))
                .header("Authorization", "Bearer " + stack.apiKey()).POST(HttpRequest.BodyPublishers.ofString("{\"contentId\": ")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);

        assertThat(probe.recordCount(stack.mediaTopic())).as("records on " + stack.mediaTopic()).isEqualTo(before);
    }

    @Test
    void anEventTheEncoderCannotTakeIsDeadLetteredWithAReasonAndLaterEventsStillGetEmbedded() throws Exception {
        // A real PNG passes ingest validation as an IMAGE event, but the default model has only a text tower.
        Path png = Files.list(SharedStack.sharedData().resolve("tuxpaint-stamps/animals/amphibians"))
                .filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow();
        String imageId = unique("image");
        HttpResponse<String> image = post("/v1/media", Map.of("contentId", imageId, "modality", "IMAGE",
                "payloadBase64", Base64.getEncoder().encodeToString(Files.readAllBytes(png))));
        assertThat(image.statusCode()).isEqualTo(202);

        // And raw bytes that are not an Avro MediaEvent at all, written straight to the topic.
        String poisonId = unique("poison");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(stack.mediaTopic(), poisonId, "not avro".getBytes())).get();
        }

        String textId = unique("after-bad");
        assertThat(post("/v1/media", text(textId, "Vitamin D deficiency and tuberculosis risk in adults.")).statusCode()).isEqualTo(202);

        await().atMost(WAIT).until(() -> rows(textId) == 1);
        Map<String, FailedEvent> dlq = new HashMap<>();
        await().atMost(WAIT).until(() -> {
            dlq.putAll(DlqReader.readAll(stack));
            return dlq.containsKey(imageId) && dlq.containsKey(poisonId);
        });
        FailedEvent imageFailure = dlq.get(imageId);
        assertThat(imageFailure.getReason()).contains("no encoder for modality IMAGE in model");
        assertThat(imageFailure.getStage()).isEqualTo("encode");
        assertThat(imageFailure.getOriginalValue()).isNotNull();
        assertThat(dlq.get(poisonId).getStage()).isEqualTo("deserialize");
        assertThat(rows(imageId)).isZero();
    }

    @Test
    void aPayloadOverKafkasDefaultOneMegabyteButUnderTheIngestLimitFlowsThrough() throws Exception {
        // ~4 MB of PNG (noise does not compress): above Kafka's 1 MiB default record limit, below ingest's 20 MiB.
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(1200, 1200, java.awt.image.BufferedImage.TYPE_INT_RGB);
        Random random = new Random(3);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(noise, "png", png);
        assertThat(png.size()).isGreaterThan(2 * 1024 * 1024);

        String id = unique("large-image");
        HttpResponse<String> accepted = post("/v1/media", Map.of("contentId", id, "modality", "IMAGE",
                "payloadBase64", Base64.getEncoder().encodeToString(png.toByteArray())));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        // the text-only default model cannot embed it, so the worker dead-letters it: proof it crossed Kafka whole
        Map<String, FailedEvent> dlq = new HashMap<>();
        await().atMost(WAIT).until(() -> {
            dlq.putAll(DlqReader.readAll(stack));
            return dlq.containsKey(id);
        });
        assertThat(dlq.get(id).getOriginalValue().remaining()).isGreaterThan(png.size());
    }

    @Test
    void aTombstoneDeletesTheRowFromMilvus() throws Exception {
        String id = unique("to-delete");
        assertThat(post("/v1/media", text(id, "Aspirin reduces the risk of colorectal cancer.")).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> rows(id) == 1);

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(stack.ingest().baseUri().resolve("/v1/media/" + id))
                .header("Authorization", "Bearer " + stack.apiKey()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> rows(id) == 0);
    }

    @Test
    void aDuplicateSubmissionProducesNoSecondRecordAndNoSecondRow() throws Exception {
        String id = unique("dup");
        long before = probe.recordCount(stack.mediaTopic());
        HttpResponse<String> first = post("/v1/media", text(id, "Statins lower LDL cholesterol."));
        HttpResponse<String> second = post("/v1/media", text(id, "Statins lower LDL cholesterol."));
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).path("duplicate").asBoolean()).isTrue();
        assertThat(probe.recordCount(stack.mediaTopic())).isEqualTo(before + 1);
        await().atMost(WAIT).until(() -> rows(id) == 1);
    }

    @Test
    void aWorkerRestartedMidStreamLosesNothing() throws Exception {
        List<Map<String, Object>> batch = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 200; i++) {
            String id = "restart-" + run + "-" + i;
            ids.add(id);
            batch.add(text(id, "Claim number " + i + ": exercise improves insulin sensitivity in cohort " + run + "."));
        }
        HttpResponse<String> accepted = post("/v1/media:batch", batch);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(accepted.body()).path("accepted").asInt()).isEqualTo(200);

        // stop the worker once it has made some progress but not all
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
                stack.searcher().rowsPerContentId(stack.modelVersion(), ids).values().stream().anyMatch(n -> n > 0));
        stack.stopWorker();
        long searchableWhileStopped = stack.searcher().rowsPerContentId(stack.modelVersion(), ids).values().stream().filter(n -> n > 0).count();
        stack.startWorker();

        await().atMost(WAIT).until(() -> stack.searcher().rowsPerContentId(stack.modelVersion(), ids).values().stream().allMatch(n -> n > 0));
        Map<String, Long> rows = stack.searcher().rowsPerContentId(stack.modelVersion(), ids);
        assertThat(rows).hasSize(200);
        assertThat(rows.values()).allMatch(n -> n == 1);
        System.out.printf("restart test: %d of 200 searchable when the worker was stopped; all 200 after restart%n", searchableWhileStopped);
    }
}
