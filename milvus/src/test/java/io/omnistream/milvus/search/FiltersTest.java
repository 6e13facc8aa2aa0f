package io.omnistream.milvus.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FiltersTest {
    @Test
    void quotesAndEscapesQuotesAndBackslashes() {
        assertThat(Filters.quote("plain")).isEqualTo("\"plain\"");
        assertThat(Filters.quote("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(Filters.quote("c:\\dir\\")).isEqualTo("\"c:\\\\dir\\\\\"");
        // a classic injection attempt stays inside the literal
        assertThat(Filters.quote("x\" or content_id != \"")).isEqualTo("\"x\\\" or content_id != \\\"\"");
    }

    @Test
    void buildsCandidateRestriction() {
        assertThat(Filters.contentIdIn(List.of("d1", "d\"2"))).isEqualTo("content_id in [\"d1\", \"d\\\"2\"]");
        assertThat(Filters.contentIdIn(List.of())).isEqualTo("content_id in []");
    }

    @Test
    void userContentIsRowsWithoutABenchmarkTask() {
        assertThat(Filters.userContent()).isEqualTo("task_id == \"\"");
        // and-ed with a caller's filter, the restriction stays
        assertThat(Filters.and(Filters.userContent(), "content_id == \"x\""))
                .isEqualTo("(task_id == \"\") and (content_id == \"x\")");
    }

    @Test
    void buildsTaskAndIdPredicates() {
        assertThat(Filters.taskIs("scifact")).isEqualTo("task_id == \"scifact\"");
        assertThat(Filters.contentIdIs("q'1")).isEqualTo("content_id == \"q'1\"");
    }

    @Test
    void andDropsMissingSides() {
        assertThat(Filters.and("a == 1", "b == 2")).isEqualTo("(a == 1) and (b == 2)");
        assertThat(Filters.and(null, "b == 2")).isEqualTo("b == 2");
        assertThat(Filters.and("a == 1", " ")).isEqualTo("a == 1");
        assertThat(Filters.and(null, null)).isEmpty();
    }
}
