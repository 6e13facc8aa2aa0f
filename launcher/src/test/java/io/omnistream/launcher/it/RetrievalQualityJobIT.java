package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.encoder.model.Side;
import io.omnistream.flink.quality.job.QualityJobConfig;
import io.omnistream.flink.quality.job.RetrievalQualityJob;
import io.omnistream.ingest.load.BeirDataset;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Qrel;
import io.omnistream.ingest.load.Query;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.TopicBootstrap;
import io.omnistream.quality.kafka.AvroTopicReader;
import io.omnistream.quality.view.QualityMetricsView;
import io.omnistream.replay.evaluate.OfflineMetrics;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.GradedCandidate;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.bench.BenchContentIds;
import io.omnistream.schemas.quality.QualityVocabulary;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retrieval-quality job on a Flink MiniCluster, fed through Kafka with a fixed set of <b>real</b> vectors: DBpedia
 * (BEIR) entities and queries embedded by the default model. The test generates those vectors itself on first run
 * and stores them under {@code target/quality-it/} (reused by later runs); nothing is hand-typed. The job's task
 * metrics must equal the offline reference ({@link OfflineMetrics}, an independent plain-Java implementation; the
 * ranking here uses this test's own dot products) to 1e-9, also after the job was killed mid-stream and restored
 * from its last checkpoint.
 *
 * <p>Each test uses its own topics, so the shared stack's own quality job (which reads {@code embeddings.*.v1}) never
 * sees these events.
 */
class RetrievalQualityJobIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "dbpedia-it";
    /** Judged documents per query taken into the pool (graded 0/1/2 as DBpedia's qrels say). */
    private static final int DOCS_PER_QUERY = 8;

    private static EmbeddedStack stack;
    private static Fixture fixture;

    /** The vectors and judgments, plus the offline reference computed from them. */
    record Fixture(String modelId, String modelVersion, Map<String, float[]> candidates, Map<String, float[]> queries,
                   Map<String, Map<String, Integer>> grades, Map<String, Double> reference) {}

    @BeforeAll
    static void setUp() throws IOException {
        stack = SharedStack.get();
        fixture = fixture(Path.of("target", "quality-it", "dbpedia-vectors.json"));
    }

    @Test
    void taskMetricsEqualTheOfflineReference() throws Exception {
        Topics topics = Topics.create();
        produce(topics, new ArrayList<>(fixture.queries.keySet()));
        JobClient job = RetrievalQualityJob.start(config(topics, Files.createTempDirectory("quality-it-chk")),
                new Configuration());
        try (Reading reading = read(topics)) {
            Map<String, RetrievalMetric> finals = awaitFinal(reading.view(), fixture.queries.size());
            assertEqualsReference(finals);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killedMidStreamAndRestoredFromCheckpointCountsEveryQueryOnce() throws Exception {
        Topics topics = Topics.create();
        Path checkpoints = Files.createTempDirectory("quality-it-chk");
        List<String> queryIds = new ArrayList<>(fixture.queries.keySet());
        List<String> firstHalf = queryIds.subList(0, queryIds.size() / 2);
        List<String> secondHalf = queryIds.subList(queryIds.size() / 2, queryIds.size());
        produce(topics, firstHalf);

        JobClient first = RetrievalQualityJob.start(config(topics, checkpoints), new Configuration());
        Path checkpoint;
        try (Reading reading = read(topics)) {
            // mid-stream: some queries scored, and a checkpoint completed after that
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> reading.view().queriesScored(TASK, 0, "exact") >= firstHalf.size() / 2);
            long scoredBefore = reading.view().queriesScored(TASK, 0, "exact");
            // a checkpoint completed after those scores, so the restored state holds scored queries
            long seen = latestCheckpoint(checkpoints).map(RetrievalQualityJobIT::checkpointId).orElse(0L);
            checkpoint = Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> latestCheckpoint(checkpoints), c -> c.isPresent() && checkpointId(c.get()) > seen)
                    .orElseThrow();
            first.cancel().get(30, TimeUnit.SECONDS);
            System.out.printf("killed the job after %d scored queries; restoring from %s%n", scoredBefore, checkpoint);
        }

        produce(topics, secondHalf);
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.toUri().toString());
        JobClient second = RetrievalQualityJob.start(config(topics, checkpoints), restore);
        try (Reading reading = read(topics)) {
            Map<String, RetrievalMetric> finals = awaitFinal(reading.view(), fixture.queries.size());
            assertEqualsReference(finals);
        } finally {
            second.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void assertEqualsReference(Map<String, RetrievalMetric> finals) {
        assertThat(finals.keySet()).containsExactlyInAnyOrderElementsOf(QualityVocabulary.RETRIEVAL_METRICS);
        for (String metric : QualityVocabulary.RETRIEVAL_METRICS) {
            RetrievalMetric m = finals.get(metric);
            assertThat(m.getN()).as(metric).isEqualTo(fixture.queries.size());
            assertThat(m.getModelVersion()).isEqualTo(fixture.modelVersion);
            assertThat(m.getValue()).as(metric).isCloseTo(fixture.reference.get(metric), within(1e-9));
        }
        System.out.println("job = offline reference on " + fixture.queries.size() + " DBpedia queries, "
                + fixture.candidates.size() + " candidates: " + fixture.reference);
    }

    /**
     * Waits until every metric of the task (exact path, epoch 0) has n >= queries and returns those records; n is
     * then asserted to be exactly the number of queries (a double-counted query would make it larger).
     */
    private static Map<String, RetrievalMetric> awaitFinal(QualityMetricsView view, int queries) {
        return Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<String, RetrievalMetric> byMetric = new HashMap<>();
                    for (RetrievalMetric m : view.latest()) {
                        if ("task".equals(m.getScope()) && TASK.equals(m.getTaskId()) && "exact".equals(m.getPath())
                                && Integer.valueOf(0).equals(m.getEpoch()) && QualityVocabulary.RETRIEVAL_METRICS.contains(m.getMetric())) {
                            byMetric.put(m.getMetric(), m);
                        }
                    }
                    return byMetric;
                }, byMetric -> byMetric.size() == QualityVocabulary.RETRIEVAL_METRICS.size()
                        && byMetric.values().stream().allMatch(m -> m.getN() >= queries));
    }

    // ---- the job, its topics -------------------------------------------------------------------------------------

    /** Fresh topics per test. */
    record Topics(String embeddings, String judgments, String dlq, String metrics, String rankings) {
        static Topics create() {
            String id = UUID.randomUUID().toString().substring(0, 8);
            Topics t = new Topics("it-quality-" + id + ".embeddings", "it-quality-" + id + ".judgments",
                    "it-quality-" + id + ".dlq", "it-quality-" + id + ".metrics", "it-quality-" + id + ".rankings");
            try (TopicBootstrap admin = new TopicBootstrap(stack.bootstrapServers())) {
                admin.ensure(t.embeddings, 2, false);
                admin.ensure(t.judgments, 2, false);
                admin.ensure(t.dlq, 1, false);
                admin.ensure(t.metrics, 1, false);
                admin.ensure(t.rankings, 1, false);
            }
            return t;
        }
    }

    private static QualityJobConfig config(Topics topics, Path checkpoints) {
        return QualityJobConfig.from(ConfigSource.of(Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", stack.bootstrapServers()),
                Map.entry("schema.registry.url", stack.registryUrl()),
                Map.entry("milvus.uri", stack.milvusUri()),
                Map.entry("quality.embedding-topics", java.util.regex.Pattern.quote(topics.embeddings)),
                Map.entry("quality.judgments.topic", topics.judgments),
                Map.entry("quality.dlq.topic", topics.dlq),
                Map.entry("quality.metrics.topic", topics.metrics),
                Map.entry("quality.rankings.topic", topics.rankings),
                Map.entry("quality.group.id", "quality-it-" + topics.embeddings),
                Map.entry("quality.parallelism", "2"),
                Map.entry("quality.checkpoint.interval", "500ms"),
                Map.entry("quality.checkpoint.dir", checkpoints.toUri().toString()),
                Map.entry("quality.served.enabled", "false"),
                Map.entry("quality.window.size", "0s"),
                Map.entry("quality.restart.max-failures-per-interval", "0"))));
    }

    /** The metrics topic of one test, read into a view. */
    record Reading(QualityMetricsView view, AvroTopicReader<RetrievalMetric> consumer) implements AutoCloseable {
        @Override
        public void close() {
            consumer.close();
        }
    }

    private static Reading read(Topics topics) {
        QualityMetricsView view = new QualityMetricsView();
        AvroTopicReader<RetrievalMetric> consumer = AvroTopicReader.start(stack.bootstrapServers(), stack.registryUrl(),
                topics.metrics, RetrievalMetric.class, view::accept);
        return new Reading(view, consumer);
    }

    /** The newest completed checkpoint ({@code chk-N} with its {@code _metadata}) under {@code root}. */
    static Optional<Path> latestCheckpoint(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(RetrievalQualityJobIT::checkpointId));
        }
    }

    private static long checkpointId(Path chkDir) {
        return Long.parseLong(chkDir.getFileName().toString().substring("chk-".length()));
    }

    /** All candidates, then the given queries each followed by its judgment (the replayer's order). */
    private static void produce(Topics topics, List<String> queryIds) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
             ConfluentAvroSerializer<EmbeddingEvent> events = new ConfluentAvroSerializer<>(EmbeddingEvent.class, stack.registryUrl());
             ConfluentAvroSerializer<Judgment> judgments = new ConfluentAvroSerializer<>(Judgment.class, stack.registryUrl())) {
            fixture.candidates.forEach((id, v) -> send(producer, topics.embeddings,
                    BenchContentIds.contentId(TASK, 0, BenchmarkRole.CANDIDATE, id),
                    events.serialize(topics.embeddings, event(id, BenchmarkRole.CANDIDATE, v))));
            for (String q : queryIds) {
                send(producer, topics.embeddings, BenchContentIds.contentId(TASK, 0, BenchmarkRole.QUERY, q),
                        events.serialize(topics.embeddings, event(q, BenchmarkRole.QUERY, fixture.queries.get(q))));
                send(producer, topics.judgments, q, judgments.serialize(topics.judgments, judgment(q)));
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    private static EmbeddingEvent event(String itemId, BenchmarkRole role, float[] vector) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float x : vector) {
            values.add(x);
        }
        return EmbeddingEvent.newBuilder()
                .setContentId(BenchContentIds.contentId(TASK, 0, role, itemId))
                .setModelId(fixture.modelId).setModelVersion(fixture.modelVersion).setModality(Modality.TEXT)
                .setVector(values).setDimension(vector.length).setSourceEventTimeMs(System.currentTimeMillis())
                .setEmbeddedAtMs(System.currentTimeMillis())
                .setBenchmark(new BenchmarkMarker(TASK, role, itemId, 0))
                .build();
    }

    private static Judgment judgment(String queryId) {
        List<GradedCandidate> gold = new ArrayList<>();
        fixture.grades.get(queryId).forEach((doc, grade) -> gold.add(new GradedCandidate(doc, grade)));
        return Judgment.newBuilder().setTaskId(TASK).setQueryItemId(queryId).setEpoch(0).setMetaTask("BEIR")
                .setQueryModality(Modality.TEXT).setTargetModality(Modality.TEXT).setPrimaryMetric("ndcg@10")
                .setCandidateCount(fixture.candidates.size()).setCandidateIds(null).setGold(gold).build();
    }

    // ---- the fixture: real vectors, generated once and stored ----------------------------------------------------

    private static Fixture fixture(Path file) throws IOException {
        BeirDataset dbpedia = new BeirDataset(SharedStack.sharedData().resolve("beir-dbpedia"));
        List<Query> queries = dbpedia.queries();
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        for (Qrel q : dbpedia.qrels()) {
            qrels.computeIfAbsent(q.queryId(), k -> new LinkedHashMap<>()).put(q.docId(), q.relevance());
        }
        // The pool: per query its first DOCS_PER_QUERY judged documents (qrels order), relevant or not.
        Set<String> pool = new LinkedHashSet<>();
        for (Query q : queries) {
            qrels.getOrDefault(q.id(), Map.of()).keySet().stream().limit(DOCS_PER_QUERY).forEach(pool::add);
        }
        Map<String, Document> docs = new LinkedHashMap<>();
        try (Stream<Document> all = dbpedia.documents()) {
            all.filter(d -> pool.contains(d.id())).forEach(d -> docs.put(d.id(), d));
        }
        // Judgments restricted to the pool (graded relevance kept, 0 = judged not relevant).
        Map<String, Map<String, Integer>> grades = new LinkedHashMap<>();
        for (Query q : queries) {
            Map<String, Integer> g = new LinkedHashMap<>();
            qrels.getOrDefault(q.id(), Map.of()).forEach((doc, grade) -> {
                if (docs.containsKey(doc)) {
                    g.put(doc, grade);
                }
            });
            grades.put(q.id(), g);
        }

        if (!Files.exists(file) || !JSON.readTree(file.toFile()).path("modelVersion").asText()
                .equals(stack.modelVersion())) {
            writeVectors(file, docs, queries);
        }
        JsonNode stored = JSON.readTree(file.toFile());
        Map<String, float[]> candidates = vectors(stored.get("candidates"));
        Map<String, float[]> queryVectors = vectors(stored.get("queries"));
        assertThat(candidates.keySet()).containsExactlyInAnyOrderElementsOf(docs.keySet());

        // Offline reference: own dot products in double, OfflineMetrics' ranking and formulas, mean over queries.
        Map<String, Double> sums = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> q : queryVectors.entrySet()) {
            List<Map.Entry<String, Double>> scored = new ArrayList<>();
            candidates.forEach((id, c) -> scored.add(new AbstractMap.SimpleEntry<>(id, dot(q.getValue(), c))));
            Map<String, Double> metrics = OfflineMetrics.score(OfflineMetrics.rank(scored), grades.get(q.getKey()));
            metrics.forEach((name, value) -> sums.merge(name, value, Double::sum));
        }
        Map<String, Double> reference = new LinkedHashMap<>();
        sums.forEach((name, sum) -> reference.put(name, sum / queryVectors.size()));
        return new Fixture(stored.get("modelId").asText(), stored.get("modelVersion").asText(), candidates,
                queryVectors, grades, reference);
    }

    private static void writeVectors(Path file, Map<String, Document> docs, List<Query> queries) throws IOException {
        System.out.printf("embedding %d DBpedia documents and %d queries with %s (stored in %s)...%n", docs.size(),
                queries.size(), stack.encoder().modelId(), file);
        List<String> docIds = new ArrayList<>(docs.keySet());
        float[][] docVectors = stack.encoder().encode(docIds.stream().map(id -> docs.get(id).text()).toList(),
                Side.DOCUMENT);
        float[][] queryVectors = stack.encoder().encode(queries.stream().map(Query::text).toList(), Side.QUERY);
        ObjectNode root = JSON.createObjectNode();
        root.put("modelId", stack.encoder().modelId());
        root.put("modelVersion", stack.modelVersion());
        ObjectNode c = root.putObject("candidates");
        for (int i = 0; i < docIds.size(); i++) {
            put(c, docIds.get(i), docVectors[i]);
        }
        ObjectNode q = root.putObject("queries");
        for (int i = 0; i < queries.size(); i++) {
            put(q, queries.get(i).id(), queryVectors[i]);
        }
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), root);
    }

    private static void put(ObjectNode node, String id, float[] v) {
        ArrayNode a = node.putArray(id);
        for (float x : v) {
            a.add(x);
        }
    }

    private static Map<String, float[]> vectors(JsonNode node) {
        Map<String, float[]> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            float[] v = new float[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getValue().get(i).floatValue();
            }
            out.put(e.getKey(), v);
        });
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
