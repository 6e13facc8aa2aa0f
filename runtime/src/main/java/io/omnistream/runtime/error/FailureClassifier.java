package io.omnistream.runtime.error;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The one place that decides transient vs. permanent for every service (ingest, encoder workers, Milvus sink).
 *
 * <p>Rules, first match wins, walking the cause chain:
 * <ol>
 *   <li>a network failure anywhere in the chain ({@link SocketException} such as "connection refused",
 *       {@link SocketTimeoutException}, {@link UnknownHostException}, {@link HttpTimeoutException}): TRANSIENT, even
 *       when a client wrapped it in an exception that is otherwise permanent (the Schema Registry client's
 *       {@link SerializationException} while the registry restarts): a peer that cannot be reached says nothing about
 *       the record;</li>
 *   <li>{@link PermanentFailureException}, Kafka {@link SerializationException}, a Kafka {@link ApiException} that
 *       Kafka itself does not mark retriable (record too large, invalid topic, authorization), {@link
 *       IllegalArgumentException} and Avro's {@code AvroRuntimeException}: retrying cannot help, so PERMANENT;</li>
 *   <li>Kafka {@link RetriableException}, {@link IOException}, {@link TimeoutException}, gRPC
 *       {@code StatusRuntimeException} (plain or relocated) with a status in {@link #TRANSIENT_GRPC_STATUSES}, and Milvus client errors
 *       whose message names one of those statuses or a rate limit: TRANSIENT;</li>
 *   <li>anything else: TRANSIENT, because an unknown error is more often an outage than bad data. A Kafka stage
 *       ({@code io.omnistream.runtime.stage.KafkaStage}) waits out transient failures with its partitions paused, for
 *       as long as {@code errors.retry.timeout} allows (default: no limit); set a finite timeout to dead-letter
 *       ({@code errors.tolerance=all}) or stop ({@code none}) instead of waiting for an error that never clears.</li>
 * </ol>
 * Class names are matched by name for gRPC and Milvus so this module does not depend on their clients.
 */
public final class FailureClassifier {
    static final Set<String> TRANSIENT_GRPC_STATUSES =
            Set.of("UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "ABORTED", "INTERNAL", "UNKNOWN");

    private FailureClassifier() {}

    public static FailureKind classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof SocketTimeoutException || t instanceof UnknownHostException
                    || t instanceof HttpTimeoutException) {
                return FailureKind.TRANSIENT;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentFailureException
                    || t instanceof SerializationException
                    || (t instanceof ApiException && !(t instanceof RetriableException))
                    || t instanceof IllegalArgumentException
                    || t.getClass().getName().equals("org.apache.avro.AvroRuntimeException")
                    || t.getClass().getName().equals("org.apache.avro.AvroTypeException")) {
                return FailureKind.PERMANENT;
            }
            if (t instanceof RetriableException || t instanceof IOException || t instanceof TimeoutException) {
                return FailureKind.TRANSIENT;
            }
            String name = t.getClass().getName();
            // the Milvus SDK relocates gRPC (io.milvus.shaded.io.grpc...), so match by suffix
            if (name.endsWith(".grpc.StatusRuntimeException") || name.endsWith(".MilvusClientException")
                    || name.endsWith(".ServerException")) {
                String msg = String.valueOf(t.getMessage());
                if (TRANSIENT_GRPC_STATUSES.stream().anyMatch(msg::contains) || msg.toLowerCase().contains("rate limit")) {
                    return FailureKind.TRANSIENT;
                }
                return FailureKind.PERMANENT;
            }
        }
        return FailureKind.TRANSIENT;
    }

    /** Stage to record for a permanent failure: the stage the thrower named, or {@code defaultStage}. */
    public static String stageOf(Throwable error, String defaultStage) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentFailureException p) {
                return p.stage();
            }
        }
        return defaultStage;
    }

    /** Short reason for the DLQ: the innermost message that is not blank, prefixed by nothing else. */
    public static String reasonOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentFailureException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        String reason = error.getMessage();
        return reason == null || reason.isBlank() ? error.getClass().getSimpleName() : reason;
    }
}
