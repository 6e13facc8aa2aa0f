package io.omnistream.search.http;

import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.http.HttpTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** Settings of the search HTTP API ({@link SearchServer}); TLS from the shared {@code http.tls.*} keys. */
public record SearchConfig(String host, int port, int threads, int maxK, int maxQueryChars, Optional<SSLContext> tls) {
    public static final ConfigOption<String> HTTP_HOST = ConfigOption.string("search.http.host", "127.0.0.1",
            "Address the search API binds to (0.0.0.0 for all interfaces).");
    public static final ConfigOption<Integer> HTTP_PORT = ConfigOption.integer("search.http.port", 8082, 0, 65535,
            "TCP port of the search API; 0 picks a free ephemeral port.");
    public static final ConfigOption<Integer> HTTP_THREADS = ConfigOption.integer("search.http.threads", 4, 1, 256,
            "Worker threads answering searches (each embeds one query on the CPU/GPU, then asks Milvus).");
    public static final ConfigOption<Integer> MAX_K = ConfigOption.integer("search.max-k", 100, 1, 16_384,
            "Largest number of hits one search may ask for.");
    public static final ConfigOption<Integer> MAX_QUERY_CHARS = ConfigOption.integer("search.max-query-chars", 4096, 1,
            1_000_000, "Longest query text accepted, in characters.");

    public static SearchConfig from(ConfigSource source) {
        return new SearchConfig(source.get(HTTP_HOST), source.get(HTTP_PORT), source.get(HTTP_THREADS),
                source.get(MAX_K), source.get(MAX_QUERY_CHARS), HttpTls.sslContext(source));
    }

    /** Every option of the search API, the shared authentication keys included, in documentation order. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(List.of(HTTP_HOST, HTTP_PORT, HTTP_THREADS, MAX_K, MAX_QUERY_CHARS));
        all.addAll(HttpTls.options());
        all.addAll(AuthOptions.options());
        return List.copyOf(all);
    }
}
