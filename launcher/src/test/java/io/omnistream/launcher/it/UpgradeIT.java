package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.load.BulkLoader;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.ingest.validate.MediaRequest;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.demo.SciFactSubset;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.upgrade.UpgradeController;
import io.omnistream.milvus.collection.CollectionNames;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.TopicSnapshot;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.Deployment;
import io.omnistream.schemas.avro.DeploymentState;
import io.omnistream.schemas.avro.GateCheck;
import io.omnistream.schemas.avro.GateDecision;
import io.omnistream.schemas.avro.GateSpec;
import io.omnistream.schemas.tenant.Tenants;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A model upgrade on the embedded stack, end to end (issue 16): a SciFact subset served by BGE-small is upgraded to
 * all-MiniLM-L6-v2 while new content keeps arriving and a reader searches without pause.
 * <ol>
 *   <li>epoch 0 of the benchmark is scored for BGE alone;</li>
 *   <li>{@code start}: the shadow re-embeds every user item from the source topic; new items go to both; an unchanged
 *       re-submission (through ingest, and the same record straight onto the topic) is embedded once per version;</li>
 *   <li>epoch 1 is scored for both, and the gate publishes both versions' NDCG@10 — equal to what the replay reports
 *       for each model alone (epoch 0: BGE alone; epoch 2, after {@code finish}: MiniLM alone);</li>
 *   <li>promotion (automatic here: {@code --auto-promote}, the same step as {@code promote}): every user id, those
 *       ingested during the upgrade included, is in the new collection exactly once, and search goes to it; {@code rollback} moves it back in one call, and forward again; {@code finish}
 *       drops the old collection;</li>
 *   <li>a gate that must fail does: an upgrade to a registry entry that damages quality (MiniLM reading only the
 *       first 8 tokens of every text) is refused with its figures, the alias stays, {@code abort} drops the shadow.
 *       (A TEXT {@code offset} post-processing step was tried first: it shifts queries and documents alike, and
 *       moved NDCG@10 by 0.001 only);</li>
 *   <li>the reader's searches never failed and never came back empty.</li>
 * </ol>
 * The gate's tolerance for the wanted upgrade is ε = 0.25 NDCG: MiniLM is a weaker model than BGE on SciFact (MTEB
 * 64.5 vs 71.3), and this test is about the mechanism, not about MiniLM being better.
 */
class UpgradeIT {
    private static final String LIVE = "bge-small-en-v1.5";
    private static final String NEXT = "all-minilm-l6-v2";
    private static final String DAMAGED = "all-minilm-l6-v2-8-tokens";
    private static final String USER = "user-";
    private static final String NDCG = "ndcg@10";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shadowGatePromoteRollbackFinishWhileSearchingAndARefusedGate() throws Exception {
        Path dir = Files.createTempDirectory("omnistream-upgrade");
        SciFactCorpus corpus = new SciFactCorpus(SharedStack.sharedData().resolve("scifact/scifact.zip"));
        SciFactSubset subset = SciFactSubset.of(corpus, 48);
        BenchmarkTask task = ReplayCommand.beirTask(subset.writeBeir(dir.resolve("scifact-upgrade")));
        Set<String> subsetIds = new HashSet<>();
        subset.documents().forEach(d -> subsetIds.add(d.id()));
        List<Document> later;
        try (Stream<Document> docs = corpus.documents()) {
            later = docs.filter(d -> !subsetIds.contains(d.id())).limit(6).toList();
        }

        try (EmbeddedStack stack = EmbeddedStack.start(ConfigSource.load(null, Map.ofEntries(
                Map.entry("launcher.milvus.fresh", "true"),
                Map.entry("launcher.metrics.port", "0"),
                Map.entry("launcher.web.port", "0"),
                Map.entry("launcher.control.port", "0"),
                Map.entry("launcher.bias-job.enabled", "false"),
                Map.entry("ingest.http.port", "0"),
                Map.entry("search.http.port", "0"),
                Map.entry("encoder.batch.max-size", "16"),
                Map.entry("encoder.models.file", registry(dir.resolve("models.yaml")).toString()),
                Map.entry("encoder.model", LIVE))), System.out)) {
            UpgradeController upgrades = stack.upgrades();
            String bge = stack.modelVersion();
            assertThat(upgrades.deployment().getState()).isEqualTo(DeploymentState.SERVING);
            assertThat(upgrades.search().modelVersion()).isEqualTo(bge);

            // the control API ./omnistream upgrade talks to: the stack's token or an admin key, nothing else
            String token = stack.control().token();
            assertThat(control(stack, "GET", "/v1/deployment", null).statusCode()).isEqualTo(401);
            assertThat(control(stack, "GET", "/v1/deployment", stack.apiKey()).statusCode()).as("no admin scope")
                    .isEqualTo(403);
            HttpResponse<String> status = control(stack, "GET", "/v1/deployment", token);
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(status.body()).at("/deployment/state").asText()).isEqualTo("SERVING");
            HttpResponse<String> early = control(stack, "POST", "/v1/deployment/promote", token);
            assertThat(early.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(early.body()).path("reason").asText()).contains("not SHADOWING");

            List<String> userIds = new ArrayList<>();
            load(stack, subset.documents(), userIds);
            awaitRows(stack, bge, userIds);

            ReplayCommand.Outcome epoch0 = ReplayCommand.run(stack, List.of(task), 0, 1, List.of("exact", "served"),
                    Duration.ofMinutes(10), 0, System.out);
            assertThat(epoch0.complete()).isTrue();
            double bgeAlone = (Double) stack.qualityView().taskReport(task.id(), 0, "exact", bge).get(NDCG);

            // a reader searching through the alias for the whole upgrade
            List<String> claims = subset.claims().stream().map(q -> q.text()).toList();
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong searches = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();
            Set<String> servedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Thread reader = new Thread(() -> {
                int i = 0;
                while (reading.get()) {
                    String claim = claims.get(i++ % claims.size());
                    try {
                        servedBy.add(upgrades.search().modelVersion());
                        List<SearchHit> hits = upgrades.search().search(stack.tenant(), claim, 10);
                        if (hits.isEmpty()) {
                            failures.add("empty result for '" + claim + "'");
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    searches.incrementAndGet();
                }
            }, "upgrade-it-reader");
            reader.start();

            long t0 = System.nanoTime();
            // automatic promotion: the controller promotes itself (the same step as `upgrade promote`) once the gate
            // passed and the shadow caught up; the refused upgrade below checks that a failing gate stops a manual one
            Deployment shadowing = upgrades.start(NEXT, null, GateSpec.newBuilder().setPrimaryMetricEpsilon(0.25)
                    .setAutoPromote(true).build());
            String minilm = shadowing.getShadow().getModelVersion();
            assertThat(shadowing.getState()).isEqualTo(DeploymentState.SHADOWING);
            assertThat(shadowing.getShadow().getCollection()).isEqualTo(CollectionNames.forModelVersion(minilm));
            int beforeStart = userIds.size();
            Awaitility.await("the shadow re-embedded the users' content").atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(200)).until(() -> stack.searcher().liveRowCount(minilm) >= beforeStart);
            double reembedSeconds = (System.nanoTime() - t0) / 1e9;

            // new content during the shadow, and unchanged re-submissions: through ingest, and the same records again
            // straight onto the source topic (past ingest's own duplicate check)
            load(stack, later.subList(0, 3), userIds);
            List<String> resubmitted = List.copyOf(userIds.subList(0, 3));
            BulkLoader.Result again = new BulkLoader(stack.ingest().baseUri(), 8, 1, 5, Duration.ofSeconds(60),
                    stack.apiKey()).load(subset.documents().subList(0, 3).stream()
                    .map(d -> d.toMediaRequest(USER, "upgrade-it")).iterator(), 3, p -> { });
            assertThat(again.duplicates()).isEqualTo(3);
            republish(stack, resubmitted);

            ReplayCommand.Outcome epoch1 = ReplayCommand.run(stack, List.of(task), 1, 1, List.of("exact", "served"),
                    Duration.ofMinutes(10), 0, System.out);
            assertThat(epoch1.complete()).isTrue();
            load(stack, later.subList(3, 6), userIds);

            GateDecision gate = awaitGate(upgrades, bge, minilm, 1);
            System.out.println("gate: " + gate);
            assertThat(gate.getPassed()).as(gate.getReason()).isTrue();
            GateCheck primary = check(gate, "primary_metric", task.id());
            assertThat(primary.getMetric()).isEqualTo(NDCG);
            assertThat(primary.getLiveValue()).isCloseTo(bgeAlone, within(1e-12));
            assertThat(primary.getThreshold()).isCloseTo(bgeAlone - 0.25, within(1e-9));

            Awaitility.await("automatic promotion").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> upgrades.deployment().getState() == DeploymentState.PROMOTED);
            double toPromoteSeconds = (System.nanoTime() - t0) / 1e9;
            Deployment promoted = upgrades.deployment();
            assertThat(promoted.getDetail()).contains("automatic");
            assertThat(promoted.getLive().getModelVersion()).isEqualTo(minilm);
            assertThat(promoted.getPrevious().getModelVersion()).isEqualTo(bge);
            assertThat(upgrades.search().modelVersion()).isEqualTo(minilm);
            // every user id once in the new collection, those ingested during the upgrade included (the last ones may
            // have arrived after the promotion: both versions keep embedding until finish)
            Awaitility.await("every user id once in the new collection").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        assertThat(stack.searcher().liveRowsPerContentId(minilm, userIds).values())
                                .hasSize(userIds.size()).allMatch(n -> n == 1);
                        assertThat(stack.searcher().liveRowCount(minilm)).isEqualTo(userIds.size());
                    });
            // embedded once per version, though re-submitted
            for (String topic : List.of(Topics.embeddings(LIVE), Topics.embeddings(NEXT))) {
                Map<String, Integer> records = embeddingRecords(stack, topic, stack.tenant(), resubmitted);
                assertThat(records).as(topic).containsOnlyKeys(resubmitted).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            }

            upgrades.rollback();
            assertThat(upgrades.search().modelVersion()).isEqualTo(bge);
            upgrades.rollback();
            assertThat(upgrades.search().modelVersion()).isEqualTo(minilm);
            Deployment finished = upgrades.finish();
            assertThat(finished.getState()).isEqualTo(DeploymentState.SERVING);
            assertThat(finished.getLive().getModelVersion()).isEqualTo(minilm);
            assertThat(stack.searcher().liveRowCount(minilm)).isEqualTo(userIds.size());
            assertThat(stack.collections().find(bge)).as("old collection dropped").isEmpty();

            // the shadow's figure is what the replay reports for MiniLM alone
            ReplayCommand.Outcome epoch2 = ReplayCommand.run(stack, List.of(task), 2, 1, List.of("exact"),
                    Duration.ofMinutes(10), 0, System.out);
            assertThat(epoch2.complete()).isTrue();
            double minilmAlone = (Double) stack.qualityView().taskReport(task.id(), 2, "exact", minilm).get(NDCG);
            assertThat(primary.getShadowValue()).isCloseTo(minilmAlone, within(1e-12));

            // a gate that must fail: the damaged version is refused with its figures; the alias does not move
            Deployment damaged = upgrades.start(DAMAGED, null, GateSpec.newBuilder().setPrimaryMetricEpsilon(0.05).build());
            String damagedVersion = damaged.getShadow().getModelVersion();
            ReplayCommand.run(stack, List.of(task), 3, 1, List.of("exact", "served"), Duration.ofMinutes(10), 0, System.out);
            GateDecision refused = awaitGate(upgrades, minilm, damagedVersion, 3);
            System.out.println("refused: " + refused);
            assertThat(refused.getPassed()).isFalse();
            GateCheck failed = check(refused, "primary_metric", task.id());
            assertThat(failed.getPassed()).isFalse();
            assertThat(failed.getShadowValue()).isLessThan(failed.getThreshold());
            assertThat(refused.getReason()).contains(task.id());
            assertThatThrownBy(() -> upgrades.promote("upgrade-it")).hasMessageContaining("the gate refused it");
            assertThat(upgrades.search().modelVersion()).isEqualTo(minilm);
            upgrades.abort();
            assertThat(stack.collections().find(damagedVersion)).as("shadow dropped").isEmpty();

            reading.set(false);
            reader.join(TimeUnit.MINUTES.toMillis(1));
            // what the re-embeddable source costs: bytes of a user's text event on the compacted media topic
            long bytes = 0;
            long records = 0;
            String userKeys = Tenants.recordKey(stack.tenant(), USER);
            for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(stack.bootstrapServers(), stack.mediaTopic(),
                    Duration.ofSeconds(30))) {
                if (r.value() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(userKeys)) {
                    bytes += r.serializedKeySize() + r.serializedValueSize();
                    records++;
                }
            }
            System.out.printf("source topic: %d user records, %.0f bytes each (key + value) = %.2f GB per million%n",
                    records, (double) bytes / records, bytes / (double) records * 1e6 / 1e9);
            System.out.printf("upgrade: %d users' items re-embedded %.1f s after start (model load included, %.1f items/s); "
                    + "start to promote %.1f s; %d searches during the upgrade, %d failed or empty, served by %s%n",
                    beforeStart, reembedSeconds, beforeStart / reembedSeconds, toPromoteSeconds, searches.get(),
                    failures.size(), servedBy);
            assertThat(failures).isEmpty();
            assertThat(searches.get()).isGreaterThan(10);
            assertThat(servedBy).contains(bge, minilm);
        }
    }

    private static HttpResponse<String> control(EmbeddedStack stack, String method, String path, String bearer)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(stack.control().baseUri().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Loads {@code docs} as the demo tenant's content (ids {@code user-<id>}) and records their ids. */
    private static void load(EmbeddedStack stack, List<Document> docs, List<String> ids) throws InterruptedException {
        List<MediaRequest> requests = docs.stream().map(d -> d.toMediaRequest(USER, "upgrade-it")).toList();
        BulkLoader.Result r = new BulkLoader(stack.ingest().baseUri(), 8, 1, 5, Duration.ofSeconds(60), stack.apiKey())
                .load(requests.iterator(), requests.size(), p -> { });
        assertThat(r.rejected()).isZero();
        requests.forEach(m -> ids.add(m.contentId()));
    }

    private static void awaitRows(EmbeddedStack stack, String modelVersion, List<String> ids) {
        Awaitility.await("user rows searchable").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.searcher().rowsPerContentId(modelVersion, ids).values().stream()
                        .filter(n -> n > 0).count() == ids.size());
    }

    private static GateDecision awaitGate(UpgradeController upgrades, String live, String shadow, int epoch) {
        return Awaitility.await("gate decision on epoch " + epoch).atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> upgrades.gate().filter(g -> g.getLiveModelVersion().equals(live)
                        && g.getShadowModelVersion().equals(shadow) && g.getEpoch() == epoch), Optional::isPresent)
                .orElseThrow();
    }

    private static GateCheck check(GateDecision decision, String rule, String subject) {
        return decision.getChecks().stream().filter(c -> c.getRule().equals(rule) && c.getSubject().equals(subject))
                .findFirst().orElseThrow(() -> new AssertionError("no " + rule + " check of " + subject + " in " + decision));
    }

    /** Republishes the media events of {@code ids} byte for byte (their last record on the source topic). */
    private static void republish(EmbeddedStack stack, List<String> ids) throws Exception {
        Set<String> keys = new HashSet<>();
        ids.forEach(id -> keys.add(Tenants.recordKey(stack.tenant(), id)));
        Map<String, ConsumerRecord<byte[], byte[]>> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(stack.bootstrapServers(), stack.mediaTopic(),
                Duration.ofSeconds(30))) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (keys.contains(key) && r.value() != null) {
                last.put(key, r);
            }
        }
        assertThat(last).hasSize(ids.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> r : last.values()) {
                producer.send(new ProducerRecord<>(stack.mediaTopic(), r.key(), r.value())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Embedding records (not tombstones) per content id of {@code ids} on {@code topic}. */
    private static Map<String, Integer> embeddingRecords(EmbeddedStack stack, String topic, String tenant, List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(stack.bootstrapServers(), topic, Duration.ofSeconds(30))) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            for (String id : ids) {
                if (key.equals(Tenants.recordKey(tenant, id)) && r.value() != null) {
                    counts.merge(id, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** BGE-small, all-MiniLM-L6-v2 as registered, and MiniLM truncating every text to 8 tokens (damaged on purpose). */
    private static Path registry(Path file) throws Exception {
        String minilm = """
                    onnx: classpath:all-minilm-l6-v2.onnx
                    tokenizer: classpath:all-minilm-l6-v2-tokenizer.json
                    pooling: MEAN
                    dimension: 384
                    maxTokens: 256
                    instructions: NONE
                    modalities: [TEXT]
                """;
        Files.writeString(file, """
                models:
                  - id: bge-small-en-v1.5
                    version: bge-small-en-v1.5-fp32-cls-512
                    default: true
                    onnx: classpath:bge-small-en-v1.5.onnx
                    tokenizer: classpath:bge-small-en-v1.5-tokenizer.json
                    pooling: CLS
                    dimension: 384
                    maxTokens: 512
                    instructions: PREFIX
                    queryInstruction: "Represent this sentence for searching relevant passages: "
                    documentInstruction: ""
                    modalities: [TEXT]
                  - id: all-minilm-l6-v2
                    version: all-minilm-l6-v2-fp32-mean-256
                """ + minilm + """
                  - id: all-minilm-l6-v2-8-tokens
                    version: all-minilm-l6-v2-fp32-mean-8
                """ + minilm.replace("maxTokens: 256", "maxTokens: 8"));
        return file;
    }
}
