package io.omnistream.milvus.config;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Milvus. {@link #open()} builds a V2 client with the SDK's own retries turned off: retry policy belongs
 * to the caller (the sink retries with its configured backoff and counts retries), and the SDK default retries
 * UNAVAILABLE for a long time, which would hide outages from the sink's metrics.
 *
 * @param uri            e.g. {@code http://127.0.0.1:19530}
 * @param token          {@code user:password} or an API key; empty for none (Milvus Lite)
 * @param requestTimeout deadline of each RPC
 */
public record MilvusConnection(String uri, String token, Duration requestTimeout) {
    public MilvusConnection {
        Objects.requireNonNull(uri, "uri");
        token = token == null ? "" : token;
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    public static MilvusConnection of(String uri) {
        return new MilvusConnection(uri, "", Duration.ofSeconds(30));
    }

    /** A new client; the caller closes it. Connecting performs a first RPC and throws if Milvus is unreachable. */
    public MilvusClientV2 open() {
        ConnectConfig.ConnectConfigBuilder b = ConnectConfig.builder()
                .uri(uri)
                .connectTimeoutMs(Math.min(10_000, requestTimeout.toMillis()))
                .rpcDeadlineMs(requestTimeout.toMillis())
                // gRPC servers with default settings (Milvus Lite's Python server among them) answer keepalive pings
                // on an idle connection more often than every 5 min with GOAWAY "too_many_pings"; ping only while
                // calls are in flight, which is when a dead connection matters.
                .keepAliveWithoutCalls(false)
                .keepAliveTimeMs(60_000);
        if (!token.isEmpty()) {
            b.token(token);
        }
        MilvusClientV2 client = new MilvusClientV2(b.build());
        client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
        return client;
    }
}
