package io.omnistream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.ingest.TestData;
import io.omnistream.ingest.dedup.ContentHasher;
import io.omnistream.ingest.validate.MediaTypes;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.GradedCandidate;
import io.omnistream.schemas.avro.Judgment;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayPlanTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final MediaTypes TYPES = new MediaTypes();
    static BenchmarkTask scifact;

    @BeforeAll
    static void load() {
        scifact = RetrievalTaskReader.scifact("scifact", TestData.data("scifact/scifact.zip"), RetrievalTaskReaderTest.BGE);
    }

    static ReplayPlan plan(BenchmarkTask t, int epoch) {
        return new ReplayPlan(t, epoch, "default", "replayer", ReplayPlan.DEFAULT_MAX_PAYLOAD_BYTES, CLOCK, TYPES);
    }

    /** Records the plan in order, events and judgments interleaved as published. */
    static List<Object> record(ReplayPlan p) {
        List<Object> out = new ArrayList<>();
        p.stream(new ReplayPlan.Sink() {
            @Override
            public void event(MediaEvent e) {
                out.add(e);
            }

            @Override
            public void judgment(Judgment j) {
                out.add(j);
            }
        });
        return out;
    }

    @Test
    void scifactPlanIsCandidatesThenQueriesEachFollowedByItsJudgment() {
        List<Object> all = record(plan(scifact, 3));
        assertThat(all).hasSize(5183 + 300 + 300);
        for (int i = 0; i < 5183; i++) {
            MediaEvent e = (MediaEvent) all.get(i);
            assertThat(e.getBenchmark().getRole()).isEqualTo(BenchmarkRole.CANDIDATE);
            assertThat(e.getContentId()).isEqualTo("bench:scifact:3:c:" + e.getBenchmark().getItemId());
            assertThat(e.getModality()).isEqualTo(Modality.TEXT);
            assertThat(e.getInstruction()).isNull();
        }
        int gold = 0;
        for (int i = 5183; i < all.size(); i += 2) {
            MediaEvent q = (MediaEvent) all.get(i);
            Judgment j = (Judgment) all.get(i + 1);
            assertThat(q.getBenchmark().getRole()).isEqualTo(BenchmarkRole.QUERY);
            assertThat(q.getBenchmark().getEpoch()).isEqualTo(3);
            assertThat(q.getBenchmark().getTaskId()).isEqualTo("scifact");
            assertThat(q.getContentId()).isEqualTo("bench:scifact:3:q:" + q.getBenchmark().getItemId());
            assertThat(q.getInstruction()).isEqualTo(RetrievalTaskReaderTest.BGE);
            assertThat(q.getSource()).isEqualTo("replayer");
            assertThat(q.getEventTimeMs()).isEqualTo(CLOCK.millis());
            assertThat(q.getContentHash()).isEqualTo(ContentHasher.hash("default", Modality.TEXT, null, null,
                    q.getText(), RetrievalTaskReaderTest.BGE));
            assertThat(j.getQueryItemId()).isEqualTo(q.getBenchmark().getItemId());
            assertThat(j.getTaskId()).isEqualTo("scifact");
            assertThat(j.getEpoch()).isEqualTo(3);
            assertThat(j.getMetaTask()).isEqualTo("BEIR");
            assertThat(j.getPrimaryMetric()).isEqualTo("ndcg@10");
            assertThat(j.getQueryModality()).isEqualTo(Modality.TEXT);
            assertThat(j.getTargetModality()).isEqualTo(Modality.TEXT);
            assertThat(j.getCandidateCount()).isEqualTo(5183);
            assertThat(j.getCandidateIds()).isNull();
            // BEIR's SciFact test set: 300 claims; the plan alone replays only this task
            assertThat(j.getTaskQueries()).isEqualTo(300);
            assertThat(j.getEpochTasks()).containsExactly("scifact");
            assertThat(j.getGold()).allSatisfy(g -> assertThat(g.getRelevance()).isEqualTo(1));
            gold += j.getGold().size();
        }
        assertThat(gold).isEqualTo(339);
        assertThat(plan(scifact, 3).judgments()).isEqualTo(all.stream().filter(Judgment.class::isInstance).toList());
    }

    @Test
    void contentIdsAreStableAcrossRunsAndDistinctAcrossEpochs() {
        List<String> a = ids(plan(scifact, 0));
        List<String> b = ids(plan(scifact, 0));
        List<String> c = ids(plan(scifact, 1));
        assertThat(a).isEqualTo(b).doesNotHaveDuplicates().hasSize(5483);
        Set<String> overlap = new HashSet<>(a);
        overlap.retainAll(c);
        assertThat(overlap).isEmpty();
        assertThat(a.get(0)).startsWith("bench:scifact:0:c:");
        assertThat(c.get(0)).isEqualTo(a.get(0).replace("bench:scifact:0:", "bench:scifact:1:"));
    }

    static List<String> ids(ReplayPlan p) {
        return p.events().stream().map(MediaEvent::getContentId).toList();
    }

    @Test
    void dbpediaJudgmentsCarryGradedGoldAndThePoolSize() {
        BenchmarkTask t = RetrievalTaskReader.beir("dbpedia", TestData.data("beir-dbpedia"), "test", RetrievalTaskReaderTest.BGE);
        List<Judgment> js = plan(t, 0).judgments();
        assertThat(js).hasSize(40).allSatisfy(j -> {
            assertThat(j.getCandidateCount()).isEqualTo(5000);
            assertThat(j.getCandidateIds()).isNull();
        });
        Map<Integer, Long> grades = js.stream().flatMap(j -> j.getGold().stream())
                .collect(Collectors.groupingBy(GradedCandidate::getRelevance, Collectors.counting()));
        assertThat(grades).containsExactlyInAnyOrderEntriesOf(Map.of(0, 2829L, 1, 614L, 2, 266L));
    }

    @Test
    void imageItemsCarryTheFileBytesInlineAndLocalJudgmentsTheirOwnList(@TempDir Path generated) throws IOException {
        Path data = TestData.shared().resolve("data");
        BenchmarkTask t = TaskCatalog.builtIn().open("coco-t2i", data, generated);
        List<Object> all = record(plan(t, 0));
        List<MediaEvent> candidates = all.stream().filter(MediaEvent.class::isInstance).map(MediaEvent.class::cast)
                .filter(e -> e.getBenchmark().getRole() == BenchmarkRole.CANDIDATE).toList();
        assertThat(candidates).hasSize(159);
        assertThat(all.subList(0, 159)).containsExactlyElementsOf(candidates);
        Map<String, BenchItem> items;
        try (var s = t.candidates()) {
            items = s.collect(Collectors.toMap(BenchItem::itemId, i -> i));
        }
        for (MediaEvent e : candidates) {
            BenchItem item = items.get(e.getBenchmark().getItemId());
            assertThat(e.getModality()).isEqualTo(Modality.IMAGE);
            assertThat(e.getUri()).isNull();
            assertThat(e.getMimeType()).isEqualTo("image/jpeg");
            assertThat(e.getInstruction()).isEqualTo("Represent the given image.");
            assertThat(e.getPayload()).isEqualTo(ByteBuffer.wrap(Files.readAllBytes(item.mediaPath())));
        }
        List<Judgment> js = all.stream().filter(Judgment.class::isInstance).map(Judgment.class::cast).toList();
        List<BenchQuery> queries = t.queries();
        assertThat(js).hasSize(159);
        for (int i = 0; i < js.size(); i++) {
            Judgment j = js.get(i);
            BenchQuery q = queries.get(i);
            assertThat(j.getMetaTask()).isEqualTo("RET");
            assertThat(j.getPrimaryMetric()).isEqualTo("hit@1");
            assertThat(j.getQueryModality()).isEqualTo(Modality.TEXT);
            assertThat(j.getTargetModality()).isEqualTo(Modality.IMAGE);
            assertThat(j.getCandidateCount()).isEqualTo(100);
            assertThat(j.getCandidateIds()).isEqualTo(q.candidateIds());
            assertThat(j.getGold()).containsExactly(new GradedCandidate(q.candidateIds().get(0), 1));
            assertThat(items.keySet()).containsAll(j.getCandidateIds());
        }
    }

    @Test
    void oversizedMediaFailsWithAClearError(@TempDir Path generated) throws IOException {
        BenchmarkTask t = TaskCatalog.builtIn().open("tux-i2t", TestData.shared().resolve("data"), generated);
        ReplayPlan tiny = new ReplayPlan(t, 0, "default", "replayer", 1000, CLOCK, TYPES);
        // candidates are text (fine); the first image query is over 1,000 bytes
        assertThatThrownBy(tiny::events).isInstanceOf(ReplayPlan.PayloadTooLargeException.class)
                .hasMessageContaining("task tux-i2t query").hasMessageContaining(".png")
                .hasMessageContaining("limit is 1000 bytes");
        MediaEvent q = plan(t, 0).events().stream().filter(e -> e.getBenchmark().getRole() == BenchmarkRole.QUERY)
                .findFirst().orElseThrow();
        assertThat(q.getMimeType()).isEqualTo("image/png");
        assertThat(q.getModality()).isEqualTo(Modality.IMAGE);
        assertThat(q.getText()).isNull();
    }

    @Test
    void mediaOfTheWrongModalityIsRefused(@TempDir Path dir) throws IOException {
        Files.copy(TestData.data(TestData.PNG), dir.resolve("page.png"));
        Files.writeString(dir.resolve("corpus.jsonl"), "{\"_id\": \"p1\", \"text\": \"\", \"image_path\": \"page.png\"}\n");
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"a coin\"}\n");
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\tp1\t1\n");
        BenchmarkTask t = RetrievalTaskReader.beirLayout("vd", dir, "test", MetaTask.VISDOC, Modality.TEXT,
                Modality.DOCUMENT, null, null, null, null);
        assertThatThrownBy(() -> plan(t, 0).events()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image/png").hasMessageContaining("DOCUMENT");
    }

    @Test
    void itemIdsIngestWouldRefuseAreEscapedInjectively() {
        assertThat(ReplayPlan.contentId("t", 2, BenchmarkRole.CANDIDATE, "<dbpedia:Ancient_Roman>"))
                .isEqualTo("bench:t:2:c:<dbpedia:Ancient_Roman>");
        assertThat(ReplayPlan.contentId("t", 0, BenchmarkRole.QUERY, "a b%c\u00e9"))
                .isEqualTo("bench:t:0:q:a%20b%25c\u00e9");
        assertThat(ReplayPlan.contentId("t", 0, BenchmarkRole.QUERY, "a%20b"))
                .isNotEqualTo(ReplayPlan.contentId("t", 0, BenchmarkRole.QUERY, "a b"));
        var validator = new io.omnistream.ingest.validate.MediaValidator(1000, 1000, "default", TYPES, CLOCK);
        assertThat(validator.checkContentId(ReplayPlan.contentId("t", 0, BenchmarkRole.QUERY, "a b\tc\u200b"),
                io.omnistream.schemas.tenant.Tenants.BENCHMARK)).as("valid in the benchmark tenant").isNull();
        assertThatThrownBy(() -> new ReplayPlan(scifact, -1)).hasMessageContaining("epoch");
    }
}
