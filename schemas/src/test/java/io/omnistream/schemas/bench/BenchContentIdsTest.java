package io.omnistream.schemas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.BenchmarkRole;
import org.junit.jupiter.api.Test;

class BenchContentIdsTest {

    @Test
    void ordinaryIdsPassUnchanged() {
        assertThat(BenchContentIds.contentId("dbpedia", 3, BenchmarkRole.CANDIDATE, "<dbpedia:Albert_Einstein>"))
                .isEqualTo("bench:dbpedia:3:c:<dbpedia:Albert_Einstein>");
        assertThat(BenchContentIds.contentId("scifact", 0, BenchmarkRole.QUERY, "13"))
                .isEqualTo("bench:scifact:0:q:13");
    }

    @Test
    void forbiddenCharactersArePercentEncodedAsUtf8() {
        assertThat(BenchContentIds.contentId("t", 0, BenchmarkRole.CANDIDATE, "a b%\u00e9\u200b"))
                .isEqualTo("bench:t:0:c:a%20b%25\u00e9%E2%80%8B");
    }

    @Test
    void parseInvertsContentId() {
        for (String item : new String[] {"13", "<dbpedia:X:Y>", "a b%c", "tab\there", "\u200bzero", "%41", "x:y:z"}) {
            for (BenchmarkRole role : BenchmarkRole.values()) {
                String id = BenchContentIds.contentId("coco-t2i", 7, role, item);
                assertThat(BenchContentIds.parse(id)).hasValue(new BenchContentIds.Parsed("coco-t2i", 7, role, item));
            }
        }
    }

    @Test
    void parseRejectsOtherIds() {
        assertThat(BenchContentIds.parse("doc-1")).isEmpty();
        assertThat(BenchContentIds.parse(null)).isEmpty();
        assertThat(BenchContentIds.parse("bench:t:x:c:1")).isEmpty();
        assertThat(BenchContentIds.parse("bench:t:0:z:1")).isEmpty();
        assertThat(BenchContentIds.parse("bench:t:0:c")).isEmpty();
        assertThat(BenchContentIds.parse("bench:t:0:c:bad%2")).isEmpty();
        assertThat(BenchContentIds.parse("bench:t:-1:c:1")).isEmpty();
    }

    @Test
    void taskIdsWithTheSeparatorAreRefused() {
        assertThatThrownBy(() -> BenchContentIds.contentId("a:b", 0, BenchmarkRole.QUERY, "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
    }

    @Test
    void candidatePrefixIsAPrefixOfEveryCandidateId() {
        String prefix = BenchContentIds.rolePrefix("scifact", 2, BenchmarkRole.CANDIDATE);
        assertThat(BenchContentIds.contentId("scifact", 2, BenchmarkRole.CANDIDATE, "a b")).startsWith(prefix);
        assertThat(BenchContentIds.contentId("scifact", 2, BenchmarkRole.QUERY, "a b")).doesNotStartWith(prefix);
    }
}
