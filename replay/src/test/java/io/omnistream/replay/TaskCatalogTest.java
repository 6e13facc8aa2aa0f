package io.omnistream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.ingest.TestData;
import io.omnistream.schemas.avro.Modality;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCatalogTest {
    @Test
    void builtInDeclaresTheSixShippedTasks() {
        TaskCatalog c = TaskCatalog.builtIn();
        assertThat(c.definitions()).extracting(TaskDefinition::id)
                .containsExactly("scifact", "dbpedia", "coco-i2t", "coco-t2i", "tux-i2t", "tux-t2i");
        assertThat(c.get("scifact").queryInstruction()).isEqualTo(RetrievalTaskReaderTest.BGE);
        assertThat(c.get("dbpedia").queryInstruction()).isEqualTo(RetrievalTaskReaderTest.BGE);
    }

    @Test
    void opensEveryShippedTaskOnTheRealData(@TempDir Path generated) throws IOException {
        TaskCatalog c = TaskCatalog.builtIn();
        Path data = TestData.shared().resolve("data");
        record Expect(String id, MetaTask meta, Modality q, Modality t, String metric, RankingScope scope, int queries, long pool) {}
        for (Expect e : new Expect[] {
                new Expect("scifact", MetaTask.BEIR, Modality.TEXT, Modality.TEXT, "ndcg@10", RankingScope.GLOBAL, 300, 5183),
                new Expect("dbpedia", MetaTask.BEIR, Modality.TEXT, Modality.TEXT, "ndcg@10", RankingScope.GLOBAL, 40, 5000),
                new Expect("coco-i2t", MetaTask.RET, Modality.IMAGE, Modality.TEXT, "hit@1", RankingScope.LOCAL, 159, 159),
                new Expect("coco-t2i", MetaTask.RET, Modality.TEXT, Modality.IMAGE, "hit@1", RankingScope.LOCAL, 159, 159),
                new Expect("tux-i2t", MetaTask.RET, Modality.IMAGE, Modality.TEXT, "hit@1", RankingScope.LOCAL, 569, 569),
                new Expect("tux-t2i", MetaTask.RET, Modality.TEXT, Modality.IMAGE, "hit@1", RankingScope.LOCAL, 569, 569)}) {
            BenchmarkTask t = c.open(e.id(), data, generated);
            assertThat(t.id()).isEqualTo(e.id());
            assertThat(t.metaTask()).isEqualTo(e.meta());
            assertThat(t.queryModality()).isEqualTo(e.q());
            assertThat(t.targetModality()).isEqualTo(e.t());
            assertThat(t.primaryMetric()).isEqualTo(e.metric());
            assertThat(t.scope()).isEqualTo(e.scope());
            assertThat(t.queries()).as(e.id()).hasSize(e.queries());
            assertThat(t.candidatePoolSize()).as(e.id()).isEqualTo(e.pool());
            if (e.scope() == RankingScope.LOCAL) {
                assertThat(t.queries()).allSatisfy(q -> assertThat(q.candidateIds()).hasSize(100));
            }
        }
        assertThat(generated.resolve("coco-i2t.jsonl")).isRegularFile();
        byte[] first = Files.readAllBytes(generated.resolve("tux-t2i.jsonl"));
        c.open("tux-t2i", data, generated);
        assertThat(Files.readAllBytes(generated.resolve("tux-t2i.jsonl"))).isEqualTo(first);
        assertThat(c.open("coco-t2i", data, generated).candidateInstruction()).isEqualTo("Represent the given image.");
    }

    @Test
    void rejectsBadDefinitions() {
        assertThatThrownBy(() -> read("{\"tasks\": [{\"id\": \"x\", \"format\": \"beir\", \"path\": \"p\", \"metaTask\": \"NOPE\"}]}"))
                .hasMessageContaining("unknown meta-task");
        assertThatThrownBy(() -> read("{\"tasks\": [{\"id\": \"x\", \"format\": \"beir\", \"path\": \"p\", \"metaTask\": \"BEIR\", \"colour\": 1}]}"))
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> read("{\"tasks\": [{\"id\": \"x\", \"format\": \"beir\", \"path\": \"p\", \"metaTask\": \"BEIR\"},"
                + "{\"id\": \"x\", \"format\": \"beir\", \"path\": \"p\", \"metaTask\": \"BEIR\"}]}"))
                .hasMessageContaining("twice");
        assertThat(MetaTask.parse("V-RET")).isEqualTo(MetaTask.V_RET);
        assertThat(MetaTask.parse("visdoc")).isEqualTo(MetaTask.VISDOC);
    }

    private static TaskCatalog read(String json) throws IOException {
        return TaskCatalog.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
