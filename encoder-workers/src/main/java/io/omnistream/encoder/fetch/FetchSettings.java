package io.omnistream.encoder.fetch;

import java.time.Duration;

/**
 * How {@link MediaFetcher} fetches {@code uri} media; read from the {@code encoder.fetch.*} options.
 *
 * @param allowedHosts           hosts that may be fetched from; empty disables fetching
 * @param allowHttp              also fetch plain {@code http://} (never by default: the bytes could be altered in transit)
 * @param allowPrivateAddresses  also connect to loopback, link-local, private, CGNAT, multicast addresses (tests,
 *                               in-cluster stores); never by default
 * @param maxBytes               largest body accepted, bytes
 * @param connectTimeout         longest TCP connect to one address
 * @param timeout                total time budget of one fetch, redirects included (connect, TLS, headers, body)
 * @param maxRedirects           redirects followed at most (each re-checked), 0 = none
 * @param truststore             PKCS12 or JKS file of the CAs trusted for https; null = the JVM's default trust
 * @param truststorePassword     its password; null = none
 */
public record FetchSettings(HostAllowList allowedHosts, boolean allowHttp, boolean allowPrivateAddresses, long maxBytes,
                            Duration connectTimeout, Duration timeout, int maxRedirects, String truststore,
                            String truststorePassword) {
    /** Default budgets: 20 MiB (ingest's default inline limit), 5 s connect, 60 s total, 3 redirects. */
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_REDIRECTS = 3;

    /** Fetching disabled (no allowed host); what a worker without {@code encoder.fetch.allowed-hosts} gets. */
    public static FetchSettings disabled() {
        return new FetchSettings(HostAllowList.parse(""), false, false, DEFAULT_MAX_BYTES, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_TIMEOUT, DEFAULT_MAX_REDIRECTS, null, null);
    }
}
