package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.worker.EncoderWorker;
import io.omnistream.encoder.worker.WorkerMetrics;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.load.SciFactCorpus;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.report.BiasReport;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.quality.kafka.AvroTopicReader;
import io.omnistream.quality.metrics.DriftAlertsConsumer;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.TaskCatalog;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.DriftAlert;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The modality-bias job and its drift detection end to end, on a dedicated embedded stack (its own Kafka, so the
 * series and alerts are this test's alone) serving a text+document cascade model ({@code bias-it-cascade}, Tesseract
 * OCR for PDF pages) from a registry file the test writes:
 * <ol>
 *   <li><b>stable</b>: a tiny mixed task (4 SciFact abstracts as TEXT and as a rendered PDF page; each claim twice, with
 *       an instruction naming TEXT or DOCUMENT; gold = the abstract in that modality) replayed for
 *       {@value #STABLE_EPOCHS} epochs: no drift alert;</li>
 *   <li><b>change</b>: the encoder worker is replaced by one serving a new version of the <em>same</em> model id whose
 *       registry entry adds {@code postprocess: [{offset: {modality: DOCUMENT, value: 0.05}}]} (the real
 *       post-processing option; the test edits no data), and two more epochs are replayed: a drift alert naming a
 *       modality-bias metric and the DOCUMENT modality is raised, for the first changed epoch, when the next epoch's
 *       records arrive (detection delay: 1 epoch).</li>
 * </ol>
 */
class ModalityDriftIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "bias-it-cascade";
    private static final String TASK = "bias-it-mixed";
    private static final int ABSTRACTS = 4;
    private static final int STABLE_EPOCHS = 6;
    /** bias.drift.close-idle for this test: an epoch is final after this long without a record. */
    private static final Duration CLOSE_IDLE = Duration.ofSeconds(30);
    /** The bias series whose records are traced (printed if the expected alert does not come). */
    private static final String TRACED_METRIC = "topk_share@1";

    @Test
    void stableReplayRaisesNoAlertAndADocumentOffsetRaisesTheRightOne() throws Exception {
        Assumptions.assumeTrue(MediaTools.onPath("tesseract"), "tesseract not installed (scripts/install-media-tools.sh)");
        Assumptions.assumeTrue(Files.exists(TestPdfs.DEJAVU), "DejaVu fonts not installed (scripts/install-media-tools.sh)");
        Path dir = Files.createTempDirectory("omnistream-bias-it");
        BenchmarkTask task = writeTask(dir);
        Path v1 = registry(dir.resolve("models-v1.yaml"), "");
        Path v2 = registry(dir.resolve("models-v2.yaml"),
                "    postprocess:\n      - offset: {modality: DOCUMENT, value: 0.05}\n");

        Map<String, String> settings = new HashMap<>();
        settings.put("launcher.milvus.fresh", "true");
        settings.put("launcher.metrics.port", "0");
        settings.put("launcher.web.port", "0");
        settings.put("launcher.control.port", "0");
        settings.put("ingest.http.port", "0");
        settings.put("search.http.port", "0");
        settings.put("encoder.models.file", v1.toString());
        settings.put("encoder.model", MODEL);
        settings.put("encoder.batch.max-size", "8");
        settings.put("quality.served.enabled", "false");
        settings.put("bias.emit-interval", "500ms");
        settings.put("bias.drift.ks.min-samples", "8");
        // longer than any pause between one epoch's records (an OCR'd page: 5-10 s on a loaded 2-core machine)
        settings.put("bias.drift.close-idle", CLOSE_IDLE.toSeconds() + "s");
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        // the detectors' progress: per watched series, the newest epoch a detector has closed and tested
        Map<String, Integer> checked = new ConcurrentHashMap<>();
        try (EmbeddedStack stack = EmbeddedStack.start(ConfigSource.load(null, settings), System.out);
             AvroTopicReader<RetrievalMetric> traced = AvroTopicReader.start(stack.bootstrapServers(), stack.registryUrl(),
                     Topics.QUALITY_METRICS, RetrievalMetric.class, m -> {
                         if (QualityVocabulary.SCOPE_DRIFT_CHECK.equals(m.getScope()) && MODEL.equals(m.getModelId())
                                 && m.getEpoch() != null) {
                             checked.merge(seriesKey(m, m.getDetail()), m.getEpoch(), Math::max);
                         }
                         if (TRACED_METRIC.equals(m.getMetric()) && "modality_bias".equals(m.getScope())
                                 && m.getTaskId() == null && "DOCUMENT".equals(String.valueOf(m.getTargetModality()))) {
                             trace.add(String.format("  read at %tT.%<tL: epoch %s value %.3f n %d emitted %tT.%<tL version …%s",
                                     System.currentTimeMillis(), m.getEpoch(), m.getValue(), m.getN(), m.getEmittedAtMs(),
                                     m.getModelVersion().substring(Math.max(0, m.getModelVersion().length() - 12))));
                         }
                     })) {
            String v1Version = stack.modelVersion();

            // 1. stable
            ReplayCommand.Outcome stable = ReplayCommand.run(stack, List.of(task), 0, STABLE_EPOCHS, List.of("exact"),
                    Duration.ofMinutes(10), 0, System.out);
            assertThat(stable.complete()).isTrue();
            assertThat(BiasReport.awaitSettled(stack.qualityView(), STABLE_EPOCHS - 1, Duration.ofSeconds(3),
                    Duration.ofMinutes(1))).isTrue();
            // every epoch but the last closes once it has been quiet for CLOSE_IDLE: wait until the detector reports
            // it has closed and tested the last closable epoch of every watched epoch series, then look at the alerts
            Set<String> series = watchedSeries(stack);
            Set<String> epochSeries = series.stream().filter(k -> !k.contains("|modality_gap|")).collect(Collectors.toSet());
            try {
                Awaitility.await().atMost(CLOSE_IDLE.plusMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        epochSeries.stream().allMatch(k -> checked.getOrDefault(k, -1) >= STABLE_EPOCHS - 2));
            } catch (ConditionTimeoutException e) {
                System.out.println("series without a check of epoch " + (STABLE_EPOCHS - 2) + ": " + epochSeries.stream()
                        .filter(k -> checked.getOrDefault(k, -1) < STABLE_EPOCHS - 2).map(k -> k + " -> " + checked.get(k))
                        .toList());
                throw e;
            }
            List<DriftAlert> stableAlerts = alerts(stack);
            int closedEpochs = STABLE_EPOCHS - 1; // the last epoch closes only when a later one starts
            System.out.printf("stable: %d alerts over %d series x %d closed epochs (false-alarm rate %.4f)%n",
                    stableAlerts.size(), series.size(), closedEpochs,
                    (double) stableAlerts.size() / (series.size() * closedEpochs));
            System.out.println("stable bias report: " + BiasReport.of(stack.qualityView()));
            assertThat(series).as("series watched").hasSizeGreaterThan(20);
            assertThat(stableAlerts).isEmpty();

            // 2. change: same model id, new version with a constant DOCUMENT offset
            stack.stopWorker();
            EncoderWorkerConfig config = new EncoderWorkerConfig(ConfigSource.of(Map.of(
                    "kafka.bootstrap.servers", stack.bootstrapServers(),
                    "schema.registry.url", stack.registryUrl(),
                    "encoder.models.file", v2.toString(),
                    "encoder.model", MODEL,
                    "encoder.input.topic", stack.mediaTopic(),
                    "encoder.group.id", stack.encoderGroupId(),
                    "encoder.batch.max-size", "8")));
            TextEncoder text = TextEncoder.load(config.modelSpec(), config.encoderSettings(),
                    new ProviderMetrics(new PrometheusRegistry()));
            EncodingChain chain = Cascades.chain(config.modelSpec(), text);
            assertThat(chain.modelVersion()).isNotEqualTo(v1Version).contains("+post@");
            try (text; EncoderWorker worker = new EncoderWorker(config, chain, new WorkerMetrics(new PrometheusRegistry()))) {
                worker.start();
                ReplayCommand.Outcome changed = ReplayCommand.run(stack, List.of(task), STABLE_EPOCHS, 2,
                        List.of("exact"), Duration.ofMinutes(10), 0, System.out);
                assertThat(changed.complete()).isTrue();
                // epoch 6 closes CLOSE_IDLE after its last record, now that epoch 7 has begun
                List<DriftAlert> raised = new ArrayList<>();
                try {
                    Awaitility.await().atMost(CLOSE_IDLE.plusMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                        raised.clear();
                        raised.addAll(alerts(stack).stream().filter(ModalityDriftIT::namesDocument).toList());
                        return raised.stream().anyMatch(a -> a.getLabels().get("scope").equals("modality_bias"));
                    });
                } catch (ConditionTimeoutException e) {
                    System.out.println("no modality_bias alert naming DOCUMENT; all alerts:");
                    alerts(stack).forEach(a -> System.out.println("  " + a));
                    System.out.println("bias report: " + BiasReport.of(stack.qualityView()));
                    System.out.println(TRACED_METRIC + " TEXT->DOCUMENT records (all tasks) as read from "
                            + Topics.QUALITY_METRICS + ":");
                    synchronized (trace) {
                        trace.forEach(System.out::println);
                    }
                    throw e;
                }
                System.out.println("alerts after the change:");
                alerts(stack).forEach(a -> System.out.println("  " + a));
                DriftAlert bias = raised.stream().filter(a -> a.getLabels().get("scope").equals("modality_bias"))
                        .findFirst().orElseThrow();
                assertThat(bias.getModelVersion()).isEqualTo(chain.modelVersion());
                assertThat(bias.getLabels()).containsEntry("model_id", MODEL)
                        .containsEntry("epoch", Integer.toString(STABLE_EPOCHS));
                assertThat(bias.getDirection()).isIn("up", "down");
                assertThat(bias.getStatistic()).isGreaterThan(bias.getThreshold());
                // and the user sees it with ./omnistream alerts
                assertThat(Cli.run("alerts", "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(),
                        "--since", "1h")).contains("id " + bias.getAlertId()).contains(" " + bias.getMetric() + " ");
                System.out.println("changed bias report: " + BiasReport.of(stack.qualityView()));
            }
        }
    }

    private static boolean namesDocument(DriftAlert a) {
        return !"cleared".equals(a.getDirection()) && MODEL.equals(a.getLabels().get("model_id"))
                && ("DOCUMENT".equals(a.getLabels().get("target_modality"))
                    || "DOCUMENT".equals(a.getLabels().get("query_modality")));
    }

    private static List<DriftAlert> alerts(EmbeddedStack stack) {
        return DriftAlertsConsumer.read(stack.bootstrapServers(), stack.registryUrl(), Topics.QUALITY_ALERTS,
                Duration.ofSeconds(30));
    }

    /** The detector's series of this model: (metric, scope, task, path, modalities) of the watched scopes. */
    private static Set<String> watchedSeries(EmbeddedStack stack) {
        return stack.qualityView().latest().stream()
                .filter(m -> MODEL.equals(m.getModelId()) && Set.of("task", "modality_pair", "modality_bias",
                        "modality_gap").contains(m.getScope()))
                .map(ModalityDriftIT::seriesKey).collect(Collectors.toSet());
    }

    private static String seriesKey(RetrievalMetric m) {
        return seriesKey(m, m.getScope());
    }

    /** (metric, scope, task, path, modalities); a drift_check record names its series' scope in its detail. */
    private static String seriesKey(RetrievalMetric m, String scope) {
        return String.join("|", m.getMetric(), scope, String.valueOf(m.getTaskId()), m.getPath(),
                String.valueOf(m.getQueryModality()), String.valueOf(m.getTargetModality()));
    }

    /** A registry with the text+document cascade entry under {@link #MODEL}, plus {@code extra} entry lines. */
    private static Path registry(Path file, String extra) throws Exception {
        return ModelRegistryFile.write(file, MODEL, "bge-small-en-v1.5-fp32-cls-512-bias-it", "[TEXT, DOCUMENT]",
                ModelRegistryFile.DOCUMENT_BY_TESSERACT + extra);
    }

    /** The mixed task: the first ABSTRACTS cited SciFact abstracts as text and as a PDF page, claims as queries. */
    private static BenchmarkTask writeTask(Path dir) throws Exception {
        SciFactCorpus corpus = new SciFactCorpus(SharedStack.sharedData().resolve("scifact/scifact.zip"));
        Map<String, String> cited = new LinkedHashMap<>();
        for (Qrel q : corpus.qrels()) {
            cited.putIfAbsent(q.queryId(), q.docId());
        }
        Map<String, Query> claims = new LinkedHashMap<>();
        for (Query q : corpus.queries()) {
            if (cited.containsKey(q.id()) && !claims.values().stream().map(c -> cited.get(c.id()))
                    .toList().contains(cited.get(q.id()))) {
                claims.put(q.id(), q);
            }
            if (claims.size() == ABSTRACTS) {
                break;
            }
        }
        Set<String> docIds = claims.keySet().stream().map(cited::get).collect(Collectors.toSet());
        Map<String, Document> docs = new HashMap<>();
        try (Stream<Document> all = corpus.documents()) {
            all.filter(d -> docIds.contains(d.id())).forEach(d -> docs.put(d.id(), d));
        }
        Files.createDirectories(dir.resolve("media"));
        StringBuilder jsonl = new StringBuilder();
        for (Query claim : claims.values()) {
            Document d = docs.get(cited.get(claim.id()));
            String pdf = "doc-" + d.id() + ".pdf";
            Files.write(dir.resolve("media").resolve(pdf), TestPdfs.onePage(d));
            ObjectNode asText = JSON.createObjectNode().put("qry_id", claim.id() + "-text").put("qry_text", claim.text())
                    .put("qry_inst", "Find the text of the scientific abstract that this claim cites: ");
            asText.putArray("tgt_text").add(d.text());
            ObjectNode asPage = JSON.createObjectNode().put("qry_id", claim.id() + "-document")
                    .put("qry_text", claim.text())
                    .put("qry_inst", "Find the PDF document page of the scientific abstract that this claim cites: ");
            asPage.putArray("tgt_media_path").add(pdf);
            asPage.putArray("tgt_modality").add("DOCUMENT");
            jsonl.append(JSON.writeValueAsString(asText)).append('\n').append(JSON.writeValueAsString(asPage))
                    .append('\n');
        }
        Files.writeString(dir.resolve(TASK + ".jsonl"), jsonl.toString());
        ObjectNode catalog = JSON.createObjectNode();
        ArrayNode tasks = catalog.putArray("tasks");
        tasks.addObject().put("id", TASK).put("description", "bias IT: claims to abstracts as text or PDF page")
                .put("format", "mmeb").put("path", TASK + ".jsonl").put("imageRoot", "media").put("metaTask", "RET")
                .put("queryModality", "TEXT").put("primaryMetric", "hit@1").put("scope", "GLOBAL");
        Files.writeString(dir.resolve("tasks.json"), JSON.writeValueAsString(catalog));
        return TaskCatalog.read(dir.resolve("tasks.json")).open(TASK, dir, dir.resolve("gen"));
    }
}
