package io.omnistream.runtime.http;

import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read and write time limits of the JDK's built-in HTTP server ({@code com.sun.net.httpserver}), which every omnistream
 * HTTP surface runs on. Without them a client that sends its request (or reads its response) slowly holds a worker
 * thread forever: a few slow connections take the whole pool.
 *
 * <p>The JDK reads them from the system properties {@code sun.net.httpserver.maxReqTime} (from the first byte of a
 * request until its body is read: slow headers and slow uploads) and {@code sun.net.httpserver.maxRspTime} (from the
 * first byte of the response until it is written: slow readers), in whole seconds, once per JVM when the first server
 * is created; a connection over either is closed by the server's timer (checked once a second). So they are
 * process-wide: {@link #install} must run before the first server of the process starts, and the first caller's values
 * hold (a later, different request is logged, not applied). The service shell ({@code ServiceRuntime}) and the
 * embedded stack install them from {@link #REQUEST_TIMEOUT} and {@link #RESPONSE_TIMEOUT} before they create any
 * server, the metrics endpoint included.
 */
public final class HttpTimeouts {
    public static final ConfigOption<Duration> REQUEST_TIMEOUT = ConfigOption.duration("http.request-timeout",
            Duration.ofSeconds(120), Duration.ofSeconds(1),
            "Longest a client may take to send a request (headers and body) to any HTTP endpoint of the process and "
                    + "have it answered; the connection is closed after it, so slow uploads cannot hold workers. "
                    + "Whole seconds; must exceed ingest.produce.timeout where the ingest API runs");
    public static final ConfigOption<Duration> RESPONSE_TIMEOUT = ConfigOption.duration("http.response-timeout",
            Duration.ofSeconds(30), Duration.ofSeconds(1),
            "Longest a client may take to read a response of any HTTP endpoint of the process; the connection is "
                    + "closed after it. Whole seconds");

    static final String REQUEST_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String RESPONSE_PROPERTY = "sun.net.httpserver.maxRspTime";
    private static final Logger LOG = LoggerFactory.getLogger(HttpTimeouts.class);

    private HttpTimeouts() {}

    /** The shared keys, in the order the configuration reference lists them. */
    public static List<ConfigOption<?>> options() {
        return List.of(REQUEST_TIMEOUT, RESPONSE_TIMEOUT);
    }

    /** {@link #install(Duration, Duration)} with the configured {@link #REQUEST_TIMEOUT} and {@link #RESPONSE_TIMEOUT}. */
    public static boolean install(ConfigSource source) {
        return install(source.get(REQUEST_TIMEOUT), source.get(RESPONSE_TIMEOUT));
    }

    /**
     * Sets the process-wide limits unless already set. Call before creating the server.
     *
     * @return whether these values are the ones in force (false: an earlier call or the command line set others)
     */
    public static synchronized boolean install(Duration request, Duration response) {
        long requestSeconds = Math.max(1, ceilSeconds(request));
        long responseSeconds = Math.max(1, ceilSeconds(response));
        boolean requestOk = installOne(REQUEST_PROPERTY, requestSeconds);
        boolean responseOk = installOne(RESPONSE_PROPERTY, responseSeconds);
        return requestOk && responseOk;
    }

    private static boolean installOne(String property, long seconds) {
        String current = System.getProperty(property);
        if (current == null) {
            System.setProperty(property, Long.toString(seconds));
            return true;
        }
        if (!current.equals(Long.toString(seconds))) {
            LOG.warn("{} is already {} s in this process; the requested {} s is not applied (the JDK HTTP server "
                    + "reads it once per process)", property, current, seconds);
            return false;
        }
        return true;
    }

    private static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
