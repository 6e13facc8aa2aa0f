package io.omnistream.milvus.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CollectionNamesTest {
    @Test
    void mapsModelVersionToMilvusSafeName() {
        assertThat(CollectionNames.forModelVersion("bge-small-en-v1.5/fp32/cls/512"))
                .isEqualTo("emb_bge_small_en_v1_5_fp32_cls_512");
        assertThat(CollectionNames.forModelVersion("  All-MiniLM L6 (int8)  ")).isEqualTo("emb_all_minilm_l6_int8");
    }

    @Test
    void resultOnlyHasLettersDigitsUnderscoresAndStartsWithLetter() {
        for (String v : new String[] {"9lives", "ünïcödé-модель", "a\"b'c;drop", "x__y"}) {
            assertThat(CollectionNames.forModelVersion(v)).matches("[a-z][a-z0-9_]{0,254}");
        }
    }

    @Test
    void versionWithoutUsableCharactersGetsDistinctHashNames() {
        String a = CollectionNames.forModelVersion("///");
        String b = CollectionNames.forModelVersion("---");
        assertThat(a).startsWith("emb_").matches("emb_[0-9a-f]{12}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void longVersionsAreTruncatedToMilvusLimitWithDistinguishingHash() {
        String base = "m".repeat(300);
        String a = CollectionNames.forModelVersion(base + "a");
        String b = CollectionNames.forModelVersion(base + "b");
        assertThat(a).hasSize(CollectionNames.MAX_LENGTH);
        assertThat(b).hasSize(CollectionNames.MAX_LENGTH);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void blankVersionIsRejected() {
        assertThatThrownBy(() -> CollectionNames.forModelVersion(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
