package io.omnistream.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.ingest.TestData;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.ingest.http.IngestServer;
import io.omnistream.ingest.produce.MediaEventPublisher;
import io.omnistream.ingest.validate.MediaRequest;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.avro.MediaEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkLoaderTest {
    /** Producer port that fails the first publish of every 7th item transiently, then accepts it. */
    private static final class FlakyPublisher implements MediaEventPublisher {
        final Set<String> published = ConcurrentHashMap.newKeySet();
        final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletableFuture<Void> publish(MediaEvent event) {
            if (calls.incrementAndGet() % 7 == 0 && failedOnce.add(event.getContentId())) {
                return CompletableFuture.failedFuture(new NotLeaderOrFollowerException("leader moved"));
            }
            published.add(event.getContentId());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> delete(String tenant, String contentId) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean ready(Duration timeout) {
            return true;
        }

        @Override
        public void flush() {}
    }

    private IngestServer server;
    @TempDir
    Path tmp;
    private ApiKeyStore keys;
    private String key;

    @BeforeEach
    void keys() {
        keys = ApiKeyStore.open(tmp.resolve("api-keys.json"), Duration.ZERO);
        key = keys.create("loader", EnumSet.of(Scope.INGEST)).plaintext();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void loadsSciFactDocumentsRetryingTransientFailures() throws Exception {
        FlakyPublisher publisher = new FlakyPublisher();
        server = new IngestServer(IngestConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "unused:9092",
                "ingest.http.port", "0", "ingest.max-batch-items", "25"))), publisher, new PrometheusRegistry(),
                Authenticators.apiKeys(keys)).start();
        List<MediaRequest> items = new ArrayList<>();
        try (Stream<Document> docs = new SciFactCorpus(TestData.data("scifact/scifact.zip")).documents()) {
            docs.limit(200).forEach(d -> items.add(d.toMediaRequest("scifact:", "bulk-loader")));
        }
        items.add(MediaRequest.text("scifact:empty", " ")); // refused for good: missing_field

        List<BulkLoader.Progress> progress = new CopyOnWriteArrayList<>();
        BulkLoader loader = new BulkLoader(server.baseUri(), 25, 3, 5, Duration.ofSeconds(30), key);
        BulkLoader.Result result = loader.load(items.iterator(), items.size(), progress::add);

        assertThat(publisher.failedOnce).as("the test exercised retries").isNotEmpty();
        assertThat(result.accepted()).isEqualTo(200);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.contentId()).isEqualTo("scifact:empty");
            assertThat(f.error()).isEqualTo("missing_field");
            assertThat(f.httpStatus()).isEqualTo(400);
        });
        assertThat(publisher.published).hasSize(200).contains("scifact:4983");
        BulkLoader.Progress last = progress.get(progress.size() - 1);
        assertThat(last.done()).isEqualTo(201);
        assertThat(last.total()).isEqualTo(201);
        assertThat(progress).extracting(BulkLoader.Progress::done).isSorted();

        BulkLoader.Result again = loader.load(items.iterator(), items.size(), p -> { });
        assertThat(again.duplicates()).as("re-loading the same corpus produces nothing").isEqualTo(200);
        assertThat(again.accepted()).isZero();
    }

    @Test
    void givesUpAfterMaxAttemptsWhenTheServerIsGone() throws Exception {
        server = new IngestServer(IngestConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "unused:9092",
                "ingest.http.port", "0"))), new FlakyPublisher(), new PrometheusRegistry(), Authenticators.apiKeys(keys)).start();
        java.net.URI uri = server.baseUri();
        server.close();
        server = null;
        BulkLoader.Result r = new BulkLoader(uri, 10, 1, 2, Duration.ofSeconds(5), key)
                .load(List.of(MediaRequest.text("a", "x")).iterator(), 1, p -> { });
        assertThat(r.rejected()).isEqualTo(1);
        assertThat(r.failures().get(0).error()).isEqualTo("connection_error");
    }
}
