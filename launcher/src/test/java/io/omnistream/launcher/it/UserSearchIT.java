package io.omnistream.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.load.BeirDataset;
import io.omnistream.ingest.load.BulkLoader;
import io.omnistream.ingest.load.Document;
import io.omnistream.ingest.load.Query;
import io.omnistream.ingest.validate.MediaRequest;
import io.omnistream.launcher.cli.ReplayCommand;
import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.schemas.bench.BenchContentIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * User-facing search never returns benchmark rows, although the benchmark is replayed through the same path into the
 * same collection: the same DBpedia entities are ingested as a user's content and replayed as a benchmark task, so
 * both copies are equally close to every query. Unfiltered, the collection's nearest rows include the benchmark's
 * copies (the precondition that makes the check meaningful); through {@code SemanticSearch} (the CLI's and the Java
 * API's search) only the user's copies come back.
 */
class UserSearchIT {
    private static final int QUERIES = 8;
    private static final int DOCS_PER_QUERY = 4;
    private static final String USER_PREFIX = "user-dbpedia-";
    /** Epoch of this test's replay; other ITs on the shared stack use other task ids. */
    private static final int EPOCH = 0;

    @Test
    void searchAfterAReplayReturnsOnlyUsersRows() throws Exception {
        EmbeddedStack stack = SharedStack.get();
        BeirSubsets.Subset subset = BeirSubsets.firstJudged(
                Files.createTempDirectory("omnistream-usersearch").resolve("dbpedia-usersearch"), QUERIES, DOCS_PER_QUERY);
        Path dir = subset.dir();
        List<Query> queries = subset.queries();
        Set<String> pool = subset.pool();
        BeirDataset dbpedia = new BeirDataset(SharedStack.sharedData().resolve("beir-dbpedia"));

        // the user's copies, through the ingest API
        List<MediaRequest> requests = new ArrayList<>();
        try (Stream<Document> docs = dbpedia.documents()) {
            docs.filter(d -> pool.contains(d.id())).forEach(d -> requests.add(d.toMediaRequest(USER_PREFIX, "user-search-it")));
        }
        assertThat(requests).hasSize(pool.size());
        BulkLoader.Result loaded = new BulkLoader(stack.ingest().baseUri(), 32, 2, 5, Duration.ofSeconds(60), stack.apiKey())
                .load(requests.iterator(), requests.size(), p -> { });
        assertThat(loaded.rejected()).isZero();
        List<String> userIds = requests.stream().map(MediaRequest::contentId).toList();
        Awaitility.await("user rows searchable").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.searcher().rowsPerContentId(stack.modelVersion(), userIds).values().stream()
                        .filter(n -> n > 0).count() == userIds.size());

        // the benchmark's copies, replayed through the same path (exact path is enough: the rows are what matters)
        BenchmarkTask task = ReplayCommand.beirTask(dir);
        ReplayCommand.Outcome outcome = ReplayCommand.run(stack, List.of(task), EPOCH, 1, List.of("exact"),
                Duration.ofMinutes(10), 0, System.out);
        assertThat(outcome.complete()).isTrue();

        for (Query q : queries) {
            float[] vector = stack.search().queryVector(q.text());
            List<SearchHit> unfiltered = stack.searcher().search(stack.modelVersion(), vector, 20, null);
            assertThat(unfiltered).as("precondition: the collection's nearest rows include benchmark rows for '%s'", q.text())
                    .anyMatch(h -> h.contentId().startsWith(BenchContentIds.PREFIX));

            List<SearchHit> hits = stack.search().search(stack.tenant(), q.text(), 20);
            assertThat(hits).as("user search for '%s'", q.text())
                    .isNotEmpty()
                    .noneMatch(h -> h.contentId().startsWith(BenchContentIds.PREFIX))
                    .anyMatch(h -> h.contentId().startsWith(USER_PREFIX));
            // a caller's own filter cannot bring benchmark rows back
            String onlyBench = "content_id like \"" + BenchContentIds.PREFIX + "%\"";
            assertThat(stack.search().search(stack.tenant(), q.text(), 20, onlyBench)).isEmpty();
        }
    }
}
