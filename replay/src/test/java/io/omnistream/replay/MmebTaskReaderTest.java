package io.omnistream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmebTaskReaderTest {
    // Three image-to-text records; "a red bus" is a target of records 0 and 2, "a cat" of records 0 and 1.
    static final String I2T = """
            {"qry_inst": "<|image_1|> Find an image caption describing the given everyday image.", "qry_text": "", "qry_img_path": "img/bus.jpg", "tgt_inst": "", "tgt_text": ["a red bus", "a cat", "a dog"], "tgt_img_path": ["", "", ""]}
            {"qry_inst": "Find an image caption describing the given everyday image.", "qry_text": "", "qry_img_path": "img/cat.jpg", "tgt_inst": "", "tgt_text": ["a cat", "a tree", "a cat"], "tgt_img_path": ["", "", ""]}

            {"qry_inst": "", "qry_text": "what is this?", "qry_img_path": "img/dog.jpg", "tgt_inst": "", "tgt_text": ["a dog", "a red bus"], "tgt_img_path": []}
            """;

    static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    static List<String> ids(BenchmarkTask t) {
        try (Stream<BenchItem> s = t.candidates()) {
            return s.map(BenchItem::itemId).toList();
        }
    }

    @Test
    void localScopeKeepsEachRecordsTargetsWithGoldFirstAndSharedTargetsOnce(@TempDir Path dir) throws IOException {
        BenchmarkTask t = MmebTaskReader.read("t", write(dir, "t.jsonl", I2T), dir, MetaTask.RET, RankingScope.LOCAL,
                null, null, null, null, null);
        String bus = MmebTaskReader.candidateId("a red bus", null);
        String cat = MmebTaskReader.candidateId("a cat", null);
        String dog = MmebTaskReader.candidateId("a dog", null);
        String tree = MmebTaskReader.candidateId("a tree", null);
        assertThat(ids(t)).containsExactly(bus, cat, dog, tree);
        List<BenchQuery> q = t.queries();
        assertThat(q).extracting(BenchQuery::itemId).containsExactly("q0", "q1", "q2");
        assertThat(q.get(0).gold()).containsExactly(new GoldCandidate(bus, 1));
        assertThat(q.get(0).candidateIds()).containsExactly(bus, cat, dog);
        assertThat(q.get(1).gold()).containsExactly(new GoldCandidate(cat, 1));
        assertThat(q.get(1).candidateIds()).containsExactly(cat, tree); // duplicate "a cat" collapsed
        assertThat(q.get(2).candidateIds()).containsExactly(dog, bus);
        // modality inference: image path -> IMAGE (with text if any), targets text only -> TEXT
        assertThat(t.queryModality()).isEqualTo(Modality.IMAGE);
        assertThat(t.targetModality()).isEqualTo(Modality.TEXT);
        assertThat(q.get(0).text()).isNull();
        assertThat(q.get(2).modality()).isEqualTo(Modality.IMAGE);
        assertThat(q.get(2).text()).isEqualTo("what is this?");
        assertThat(q.get(0).mediaPath()).isEqualTo(dir.toAbsolutePath().resolve("img/bus.jpg"));
        // instructions: placeholder stripped; blank per-record instruction falls back to the task's
        assertThat(q.get(0).instruction()).isEqualTo("Find an image caption describing the given everyday image.");
        assertThat(t.queryInstruction()).isEqualTo("Find an image caption describing the given everyday image.");
        assertThat(q.get(2).instruction()).isEqualTo(t.queryInstruction());
        assertThat(t.candidateInstruction()).isNull();
        assertThat(t.primaryMetric()).isEqualTo("hit@1");
    }

    @Test
    void globalScopeRanksAgainstTheUnionOfAllTargets(@TempDir Path dir) throws IOException {
        BenchmarkTask t = MmebTaskReader.read("t", write(dir, "t.jsonl", I2T), dir, MetaTask.RET, RankingScope.GLOBAL,
                null, null, null, null, null);
        assertThat(t.candidatePoolSize()).isEqualTo(4);
        assertThat(t.queries()).allSatisfy(q -> assertThat(q.candidateIds()).isNull());
        assertThat(t.queries().get(1).gold()).containsExactly(new GoldCandidate(MmebTaskReader.candidateId("a cat", null), 1));
    }

    @Test
    void imageTargetsWithTextAreImageCandidatesAndIdsDependOnPathAndText(@TempDir Path dir) throws IOException {
        String t2i = """
                {"qry_id": "cap-1", "qry_inst": "Find me an everyday image that matches the given caption.", "qry_text": "a red bus", "qry_img_path": "", "tgt_inst": "Represent the given image.", "tgt_text": ["", "a photo"], "tgt_img_path": ["img/bus.jpg", "img/cat.jpg"]}
                {"qry_id": "cap-2", "qry_inst": "Find me an everyday image that matches the given caption.", "qry_text": "a cat", "qry_img_path": "", "tgt_inst": "Represent the given image.", "tgt_text": "", "tgt_img_path": ["img/cat.jpg", "img/bus.jpg"]}
                """;
        BenchmarkTask t = MmebTaskReader.read("t", write(dir, "t.jsonl", t2i), dir, MetaTask.RET, RankingScope.LOCAL,
                null, null, null, null, null);
        assertThat(t.queryModality()).isEqualTo(Modality.TEXT);
        assertThat(t.targetModality()).isEqualTo(Modality.IMAGE);
        assertThat(t.candidateInstruction()).isEqualTo("Represent the given image.");
        List<BenchItem> items;
        try (Stream<BenchItem> s = t.candidates()) {
            items = s.toList();
        }
        // "img/cat.jpg" with text "a photo" and without text are two different candidates
        assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i.modality()).isEqualTo(Modality.IMAGE));
        assertThat(items.get(1).text()).isEqualTo("a photo");
        assertThat(items.get(1).mimeHint()).isEqualTo("image/jpeg");
        assertThat(t.queries()).extracting(BenchQuery::itemId).containsExactly("cap-1", "cap-2");
        assertThat(t.queries().get(1).candidateIds()).containsExactly(MmebTaskReader.candidateId(null, "img/cat.jpg"),
                MmebTaskReader.candidateId(null, "img/bus.jpg"));
        assertThat(MmebTaskReader.candidateId("x", null)).isNotEqualTo(MmebTaskReader.candidateId(null, "x"));
    }

    @Test
    void rejectsPathsEscapingTheImageRootAndRecordsWithoutTargets(@TempDir Path dir) throws IOException {
        Path escape = write(dir, "e.jsonl", "{\"qry_text\": \"q\", \"tgt_text\": [\"\"], \"tgt_img_path\": [\"../secret.png\"]}\n");
        assertThatThrownBy(() -> MmebTaskReader.read("t", escape, dir.resolve("root"), MetaTask.RET, RankingScope.LOCAL,
                null, null, null, null, null)).hasMessageContaining("escapes its root");
        Path none = write(dir, "n.jsonl", "{\"qry_text\": \"q\", \"tgt_text\": []}\n");
        assertThatThrownBy(() -> MmebTaskReader.read("t", none, dir, MetaTask.RET, RankingScope.LOCAL,
                null, null, null, null, null)).hasMessageContaining("no targets");
    }
}
