package io.omnistream.runtime.http;

import java.time.Duration;
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
 * hold (a later, different request is logged, not applied). Each service is its own process, so its values are its
 * own; in the embedded stack the first server started sets them for all.
 */
public final class HttpTimeouts {
    static final String REQUEST_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String RESPONSE_PROPERTY = "sun.net.httpserver.maxRspTime";
    private static final Logger LOG = LoggerFactory.getLogger(HttpTimeouts.class);

    private HttpTimeouts() {}

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
