package io.omnistream.encoder.fetch;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A URI that passed {@link UriPolicy}: where to connect (only the addresses that were checked) and what to ask for.
 *
 * @param uri       the absolute URI
 * @param tls       https (true) or http
 * @param host      the host name or literal, without IPv6 brackets (used for SNI and certificate verification)
 * @param port      the port (443/80 when the URI has none)
 * @param addresses the addresses the host resolved to, every one checked; connections go only to these
 */
record FetchTarget(URI uri, boolean tls, String host, int port, List<InetAddress> addresses) {
    /** The request target: raw path (at least "/") and query. */
    String requestTarget() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** The Host header: host (IPv6 in brackets) and the port when it is not the scheme's default. */
    String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }
}
