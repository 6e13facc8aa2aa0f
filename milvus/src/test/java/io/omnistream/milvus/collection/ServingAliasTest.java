package io.omnistream.milvus.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Alias naming; the alias's behaviour on a real server is {@link ServingAliasIT}'s. */
class ServingAliasTest {
    @Test
    void namesTheAliasOfADeployment() {
        assertThat(ServingAlias.nameFor("default")).isEqualTo("omnistream_default");
        assertThat(ServingAlias.nameFor("  Team-A / Search.v2 ")).isEqualTo("omnistream_team_a_search_v2");
    }

    @Test
    void anAliasNeverTakesTheNameOfACollection() {
        // Milvus refuses an alias named like an existing collection: the prefixes keep the two name spaces apart
        for (String s : new String[] {"default", "bge-small-en-v1.5/fp32/cls/512", "emb_x"}) {
            assertThat(ServingAlias.nameFor(s)).startsWith("omnistream_").isNotEqualTo(CollectionNames.forModelVersion(s));
        }
    }

    @Test
    void namesAreMilvusSafeAndLongOnesStayDistinct() {
        for (String d : new String[] {"9lives", "ünïcödé", "a\"b'c;drop", "///"}) {
            assertThat(ServingAlias.nameFor(d)).matches("omnistream_[a-z0-9_]{1,244}");
        }
        String base = "d".repeat(300);
        assertThat(ServingAlias.nameFor(base + "1")).hasSize(255).isNotEqualTo(ServingAlias.nameFor(base + "2"));
    }

    @Test
    void blankDeploymentIsRejected() {
        assertThatThrownBy(() -> ServingAlias.nameFor(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("deployment name must not be blank");
        assertThatThrownBy(() -> CollectionNames.forModelVersion(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("model version must not be blank");
    }
}
