package io.omnistream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import io.omnistream.replay.MmebConverter.Direction;
import io.omnistream.replay.MmebConverter.Pair;
import io.omnistream.replay.MmebConverter.Spec;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmebConverterTest {
    static Path root() {
        return TestData.shared().resolve("data");
    }

    static String convert(List<Pair> pairs, Spec spec) throws IOException {
        StringWriter w = new StringWriter();
        MmebConverter.write(pairs, spec, w);
        return w.toString();
    }

    @Test
    void cocoHas159ImagesWithDistinctFirstCaptions() throws IOException {
        List<Pair> coco = MmebConverter.cocoPairs(root());
        assertThat(coco).hasSize(159);
        assertThat(coco.stream().map(Pair::text).distinct()).hasSize(159);
        assertThat(coco.get(0).imagePath()).startsWith("coco-mini/val2017/").endsWith(".jpg");
        assertThat(coco).allSatisfy(p -> assertThat(root().resolve(p.imagePath())).isRegularFile());
        // first caption in annotation order of the first val image (397133)
        assertThat(coco.get(0).key()).isEqualTo("coco-397133");
    }

    @Test
    void tuxKeeps569StampsWithAUniqueEnglishDescription() throws IOException {
        List<Pair> tux = MmebConverter.tuxPairs(root());
        assertThat(tux).hasSize(569); // 785 stamps, 216 share one of 105 descriptions
        assertThat(tux.stream().map(Pair::text).distinct()).hasSize(569);
        assertThat(tux).noneMatch(p -> p.text().contains(".utf8="));
        Map<String, Pair> byPath = tux.stream().collect(Collectors.toMap(Pair::imagePath, Function.identity()));
        assertThat(byPath.get("tuxpaint-stamps/symbols/money/us/coins/005nickel.png").text())
                .isEqualTo("A US 5 cent piece ($.05) called a nickel.");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherDistractors() throws IOException {
        List<Pair> coco = MmebConverter.cocoPairs(root());
        Spec spec = new Spec(Direction.I2T, "Find an image caption describing the given everyday image.", null, 9, 7L);
        String a = convert(coco, spec);
        String b = convert(MmebConverter.cocoPairs(root()), spec);
        assertThat(a).isEqualTo(b);
        assertThat(a.lines()).hasSize(159);
        assertThat(convert(coco, new Spec(Direction.I2T, spec.queryInstruction(), null, 9, 8L))).isNotEqualTo(a);
    }

    @Test
    void fileOutputIsByteIdentical(@TempDir Path dir) throws IOException {
        List<Pair> tux = MmebConverter.tuxPairs(root());
        Spec spec = new Spec(Direction.T2I, "q", "Represent the given image.", 99, 1L);
        MmebConverter.write(tux, spec, dir.resolve("a.jsonl"));
        MmebConverter.write(tux, spec, dir.resolve("b.jsonl"));
        assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isEqualTo(Files.readAllBytes(dir.resolve("b.jsonl")));
        assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isEqualTo(convert(tux, spec).getBytes("UTF-8"));
    }

    @Test
    void roundTripCocoAndTuxBothDirections(@TempDir Path dir) throws IOException {
        for (String source : List.of(MmebConverter.COCO_DIR, MmebConverter.TUX_DIR)) {
            List<Pair> pairs = MmebConverter.pairs(source, root());
            for (Direction d : Direction.values()) {
                Spec spec = new Spec(d, "inst " + d, d == Direction.T2I ? "Represent the given image." : null, 99, 42L);
                Path file = dir.resolve(source + "-" + d + ".jsonl");
                assertThat(MmebConverter.write(pairs, spec, file)).isEqualTo(pairs.size());
                BenchmarkTask t = MmebTaskReader.read(source + d, file, root(), MetaTask.RET, RankingScope.LOCAL,
                        null, null, null, null, null);
                boolean i2t = d == Direction.I2T;
                assertThat(t.queryModality()).isEqualTo(i2t ? Modality.IMAGE : Modality.TEXT);
                assertThat(t.targetModality()).isEqualTo(i2t ? Modality.TEXT : Modality.IMAGE);
                assertThat(t.queryInstruction()).isEqualTo("inst " + d);
                List<BenchQuery> queries = t.queries();
                assertThat(queries).hasSize(pairs.size());
                for (int i = 0; i < pairs.size(); i++) {
                    Pair p = pairs.get(i);
                    BenchQuery q = queries.get(i);
                    assertThat(q.itemId()).isEqualTo(p.key());
                    if (i2t) {
                        assertThat(q.mediaPath()).isEqualTo(root().resolve(p.imagePath()).toAbsolutePath().normalize());
                        assertThat(q.text()).isNull();
                    } else {
                        assertThat(q.text()).isEqualTo(p.text());
                        assertThat(q.mediaPath()).isNull();
                    }
                    String goldId = i2t ? MmebTaskReader.candidateId(p.text(), null)
                            : MmebTaskReader.candidateId(null, p.imagePath());
                    assertThat(q.gold()).containsExactly(new GoldCandidate(goldId, 1));
                    assertThat(q.candidateIds()).hasSize(100).startsWith(goldId);
                    assertThat(new HashSet<>(q.candidateIds())).hasSize(100);
                }
                // every pair's target is somebody's gold, so the union is the whole pair set
                try (Stream<BenchItem> s = t.candidates()) {
                    List<BenchItem> items = s.toList();
                    assertThat(items).hasSize(pairs.size());
                    if (!i2t) {
                        assertThat(items).allSatisfy(it -> assertThat(it.mediaPath()).isRegularFile());
                    }
                }
            }
        }
    }
}
