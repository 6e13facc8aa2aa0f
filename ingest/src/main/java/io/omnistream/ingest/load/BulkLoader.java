package io.omnistream.ingest.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.ingest.validate.MediaRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Posts media requests to a running ingest API through {@code POST /v1/media:batch} (NDJSON bodies).
 *
 * <p>At most {@code maxInFlight} batches are outstanding; reading the source blocks until one completes, so memory
 * stays at about maxInFlight x batchSize items. Items answered 503 (broker unavailable, server overloaded) and batches
 * that failed on the connection are re-posted after the server's {@code Retry-After} (else exponential backoff from
 * 200 ms, capped at 5 s), up to {@code maxAttempts} posts per item; after that the item counts as failed. Every other
 * rejection is final and counted (the first {@value #KEPT_FAILURES} are kept with their codes).
 *
 * <p>Delivery: an item counted accepted was acknowledged by the broker. A re-posted item may be produced twice if a
 * response was lost, which the content-id key makes harmless downstream.
 */
public final class BulkLoader {
    static final int KEPT_FAILURES = 100;

    /**
     * Progress after each finished batch. {@code done = accepted + duplicates + rejected}; {@code total} is what the
     * caller declared (-1 if unknown); rate in items per second since the start.
     */
    public record Progress(long done, long total, long accepted, long duplicates, long rejected, double itemsPerSecond,
                           Duration elapsed) {}

    /** One item the server refused for good (or that exhausted its attempts). */
    public record Failure(String contentId, int httpStatus, String error, String message) {}

    /** Final counts; {@code failures} holds at most the first {@value #KEPT_FAILURES}. */
    public record Result(long accepted, long duplicates, long rejected, List<Failure> failures, Duration elapsed) {
        public long done() {
            return accepted + duplicates + rejected;
        }
    }

    private final HttpClient http;
    private final URI batchUri;
    private final int batchSize;
    private final int maxInFlight;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final String apiKey;
    private final ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /**
     * @param baseUri        e.g. {@code http://127.0.0.1:8080}
     * @param batchSize      items per request; must not exceed the server's {@code ingest.max-batch-items}
     * @param maxInFlight    concurrent batch requests
     * @param maxAttempts    posts per item before it counts as failed (1 = no retry)
     * @param requestTimeout per HTTP request; must exceed the server's produce timeout
     * @param apiKey         the credential sent as {@code Authorization: Bearer}, with scope {@code ingest}; every item
     *                       becomes its tenant's
     */
    public BulkLoader(URI baseUri, int batchSize, int maxInFlight, int maxAttempts, Duration requestTimeout,
                      String apiKey) {
        if (batchSize < 1 || maxInFlight < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("batchSize, maxInFlight and maxAttempts must be >= 1");
        }
        this.batchUri = baseUri.resolve("/v1/media:batch");
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        this.maxAttempts = maxAttempts;
        this.requestTimeout = Objects.requireNonNull(requestTimeout);
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Posts every item and returns when all have a final outcome. {@code progress} is called after each batch, one
     * call at a time (from HTTP client threads), so it may draw a progress bar directly.
     */
    public Result load(Iterator<MediaRequest> items, long total, Consumer<Progress> progress) throws InterruptedException {
        Tally tally = new Tally(total, progress);
        Semaphore slots = new Semaphore(maxInFlight);
        while (items.hasNext()) {
            List<MediaRequest> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && items.hasNext()) {
                batch.add(items.next());
            }
            slots.acquire();
            post(batch, 1, tally).whenComplete((ok, error) -> {
                if (error != null) { // a bug in result handling: count the batch rather than hang
                    tally.finish(0, 0, batch.size(), List.of(new Failure(null, 0, "loader_error", error.toString())));
                }
                slots.release();
            });
        }
        slots.acquire(maxInFlight); // every batch finished
        slots.release(maxInFlight);
        return tally.result();
    }

    /** Completes when every item of {@code batch} has a final outcome recorded in the tally. */
    private CompletableFuture<Void> post(List<MediaRequest> batch, int attempt, Tally tally) {
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson(batch)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        return retryOrFail(batch, attempt, null, 0, "connection_error", String.valueOf(error.getMessage()), tally);
                    }
                    return handleResponse(batch, attempt, response, tally);
                })
                .thenCompose(f -> f);
    }

    private CompletableFuture<Void> handleResponse(List<MediaRequest> batch, int attempt, HttpResponse<byte[]> response,
                                                   Tally tally) {
        String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            body = json.createObjectNode();
        }
        if (response.statusCode() != 200) { // the whole batch was refused
            String error = body.path("error").asText("http_" + response.statusCode());
            String message = body.path("message").asText("");
            if (response.statusCode() == 503 || response.statusCode() == 429) {
                // 503: the platform is briefly unavailable; 429: over the tenant's rate or share. Both say when.
                return retryOrFail(batch, attempt, retryAfter, response.statusCode(), error, message, tally);
            }
            List<Failure> failures = new ArrayList<>();
            for (MediaRequest r : batch) {
                failures.add(new Failure(r.contentId(), response.statusCode(), error, message));
            }
            tally.finish(0, 0, batch.size(), failures);
            return CompletableFuture.completedFuture(null);
        }
        long accepted = 0;
        long duplicates = 0;
        List<Failure> failures = new ArrayList<>();
        List<MediaRequest> retry = new ArrayList<>();
        String lastRetryError = null;
        String lastRetryMessage = null;
        for (JsonNode r : body.path("results")) {
            int index = r.path("index").asInt(-1);
            String status = r.path("status").asText();
            if (status.equals("accepted")) {
                accepted++;
            } else if (status.equals("duplicate")) {
                duplicates++;
            } else if (r.path("httpStatus").asInt() == 503 && index >= 0 && index < batch.size()) {
                retry.add(batch.get(index));
                lastRetryError = r.path("error").asText();
                lastRetryMessage = r.path("message").asText();
            } else {
                failures.add(new Failure(r.path("contentId").asText(null), r.path("httpStatus").asInt(),
                        r.path("error").asText(), r.path("message").asText()));
            }
        }
        tally.finish(accepted, duplicates, failures.size(), failures);
        if (retry.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return retryOrFail(retry, attempt, retryAfter, 503, lastRetryError, lastRetryMessage, tally);
    }

    private CompletableFuture<Void> retryOrFail(List<MediaRequest> items, int attempt, String retryAfter, int status,
                                                String error, String message, Tally tally) {
        if (attempt >= maxAttempts) {
            List<Failure> failures = new ArrayList<>();
            for (MediaRequest r : items) {
                failures.add(new Failure(r.contentId(), status, error, message + " (gave up after " + attempt + " attempts)"));
            }
            tally.finish(0, 0, items.size(), failures);
            return CompletableFuture.completedFuture(null);
        }
        long delayMs = backoffMillis(attempt, retryAfter);
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS))
                .thenCompose(x -> post(items, attempt + 1, tally));
    }

    static long backoffMillis(int attempt, String retryAfter) {
        if (retryAfter != null) {
            try {
                return Math.min(60_000, Math.max(0, Long.parseLong(retryAfter.trim()) * 1000));
            } catch (NumberFormatException e) {
                // an HTTP-date Retry-After: fall back to exponential backoff
            }
        }
        return Math.min(5_000, 200L << Math.min(attempt - 1, 10));
    }

    private byte[] ndjson(List<MediaRequest> batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 512);
        try {
            for (MediaRequest r : batch) {
                out.write(json.writeValueAsBytes(r));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Counts outcomes and reports progress; synchronized so the callback is never called concurrently. */
    private static final class Tally {
        private final long total;
        private final Consumer<Progress> progress;
        private final long startNanos = System.nanoTime();
        private final List<Failure> failures = new ArrayList<>();
        private long accepted;
        private long duplicates;
        private long rejected;

        Tally(long total, Consumer<Progress> progress) {
            this.total = total;
            this.progress = progress;
        }

        synchronized void finish(long accepted, long duplicates, long rejected, List<Failure> newFailures) {
            this.accepted += accepted;
            this.duplicates += duplicates;
            this.rejected += rejected;
            for (Failure f : newFailures) {
                if (failures.size() < KEPT_FAILURES) {
                    failures.add(f);
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            long done = this.accepted + this.duplicates + this.rejected;
            double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
            progress.accept(new Progress(done, total, this.accepted, this.duplicates, this.rejected, done / seconds, elapsed));
        }

        synchronized Result result() {
            return new Result(accepted, duplicates, rejected, Collections.unmodifiableList(new ArrayList<>(failures)),
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }
}
