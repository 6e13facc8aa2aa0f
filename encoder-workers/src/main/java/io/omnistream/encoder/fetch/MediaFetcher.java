package io.omnistream.encoder.fetch;

import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Fetches the media of a {@code uri} event, safely: only {@code https://} URIs (plain http only when
 * {@code encoder.fetch.allow-http}) on allow-listed hosts whose every resolved address is public
 * ({@link UriPolicy}, {@link AddressPolicy}), connecting to exactly the addresses that were checked
 * ({@link Http1Exchange}).
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>DNS rebinding: a name is resolved once per hop, all its addresses are checked, and the TCP connection goes to
 *       one of those {@link java.net.InetAddress}es; nothing resolves the name again. (The JDK {@code HttpClient}
 *       was not used for this reason: it resolves the name itself and has no hook to pin the address.)</li>
 *   <li>Redirects (301, 302, 303, 307, 308) are never followed blindly: each {@code Location} is resolved against the
 *       current URI and passes the same rules as the event's URI (scheme, user info, allow-list, addresses), at most
 *       {@code encoder.fetch.max-redirects} times.</li>
 *   <li>Budgets: a Content-Length over {@code encoder.fetch.max-bytes} is refused before the body is read, and the
 *       read stops as soon as the body exceeds it; each connect waits at most {@code encoder.fetch.connect-timeout};
 *       the whole fetch (every hop, connect, TLS, headers, body) ends within {@code encoder.fetch.timeout}.</li>
 *   <li>Type: the response's Content-Type must name media of the event's modality and the bytes' signature must be a
 *       format the modality's decoders read ({@link MediaSignature}); the sniffed type is what is recorded.</li>
 * </ul>
 *
 * <p><b>Failures</b> (classified by {@code FailureClassifier}): a refused URI or redirect, an exceeded budget (size
 * or time), a 4xx status (but 408 and 429), a content-type or signature mismatch or a malformed response are
 * {@link PermanentFailureException}s with stage {@value #STAGE} and a precise reason (dead-lettered); a connection that
 * is refused, reset or times out, a TLS failure, a name that does not resolve, 5xx, 408 and 429 are transient
 * ({@link UncheckedIOException} around the {@link IOException}): the stage retries the batch. Thread-safe.
 */
public final class MediaFetcher {
    /** The stage named in dead letters of fetch failures. */
    public static final String STAGE = "fetch";
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final FetchSettings settings;
    private final UriPolicy policy;
    private final SSLSocketFactory tls;

    /**
     * @throws ConfigException if the trust store cannot be read
     */
    public MediaFetcher(FetchSettings settings) {
        this.settings = settings;
        this.policy = new UriPolicy(settings);
        this.tls = socketFactory(settings);
    }

    /** True if any host is allowed; otherwise every fetch is refused with that reason. */
    public boolean enabled() {
        return !settings.allowedHosts().isEmpty();
    }

    /**
     * Fetches {@code uri} for an event of {@code modality}.
     *
     * @throws PermanentFailureException (stage {@value #STAGE}) when the fetch is refused or can never succeed
     * @throws UncheckedIOException      when it may succeed later (network, server overloaded or down)
     */
    public FetchedMedia fetch(String uri, Modality modality) {
        if (modality == Modality.TEXT) {
            throw refused("TEXT events are not fetched from a uri");
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        FetchTarget target = policy.check(uri);
        int redirects = 0;
        while (true) {
            Http1Exchange.Response response;
            try {
                response = Http1Exchange.get(target, tls, settings.connectTimeout().toMillis(), deadline,
                        settings.maxBytes(), accept(modality), (status, headers) -> status == 200);
            } catch (Http1Exchange.BudgetExceeded e) {
                // no network exception as cause: the classifier would call it transient, and the budget is the rule
                throw refused(e.getMessage() + " fetching " + UriPolicy.abbreviate(target.uri().toString())
                        + " (encoder.fetch.timeout " + settings.timeout().toMillis() + " ms)");
            } catch (IOException e) {
                throw new UncheckedIOException("fetching " + UriPolicy.abbreviate(target.uri().toString()) + " failed: "
                        + e.getMessage(), e);
            } catch (PermanentFailureException e) {
                throw refused(e.getMessage() + " fetching " + UriPolicy.abbreviate(target.uri().toString()));
            }
            int status = response.status();
            String shown = UriPolicy.abbreviate(target.uri().toString());
            if (REDIRECTS.contains(status)) {
                String location = response.header("location");
                if (location == null || location.isBlank()) {
                    throw refused("redirect " + status + " from " + shown + " without a Location");
                }
                if (redirects >= settings.maxRedirects()) {
                    throw refused("more than " + settings.maxRedirects() + " redirects (encoder.fetch.max-redirects)"
                            + " fetching " + UriPolicy.abbreviate(uri));
                }
                URI next;
                try {
                    next = target.uri().resolve(new URI(location.trim()));
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw refused("redirect from " + shown + " to an invalid Location: " + e.getMessage());
                }
                try {
                    target = policy.check(next);
                } catch (PermanentFailureException e) {
                    throw refused("redirect " + status + " from " + shown + " refused: " + e.getMessage());
                }
                redirects++;
                continue;
            }
            if (status == 408 || status == 429 || status >= 500) {
                String retryAfter = response.header("retry-after");
                throw new UncheckedIOException(new IOException("HTTP " + status + " fetching " + shown
                        + (retryAfter == null ? "" : " (Retry-After " + retryAfter + ")")));
            }
            if (status != 200) {
                throw refused("HTTP " + status + " fetching " + shown);
            }
            String contentType = response.header("content-type");
            if (contentType == null || !MediaSignature.declaredTypeFits(modality, contentType)) {
                throw refused("the server declares " + (contentType == null ? "no Content-Type" : "Content-Type '"
                        + UriPolicy.abbreviate(contentType) + "'") + " for " + shown + ", not " + modality + " media");
            }
            byte[] bytes = response.body();
            if (bytes.length == 0) {
                throw refused("empty body fetching " + shown);
            }
            String sniffed = MediaSignature.sniff(bytes);
            if (!MediaSignature.sniffedTypeFits(modality, sniffed)) {
                throw refused("the bytes fetched from " + shown + " are " + (sniffed.equals(MediaSignature.UNKNOWN)
                        ? "of no known media format" : sniffed) + ", not " + modality + " media (declared "
                        + MediaSignature.baseType(contentType) + ")");
            }
            return new FetchedMedia(bytes, sniffed, contentType, target.uri(), redirects);
        }
    }

    private static String accept(Modality modality) {
        return switch (modality) {
            case IMAGE -> "image/*";
            case AUDIO -> "audio/*, application/ogg";
            case VIDEO -> "video/*, application/ogg, application/mp4";
            case DOCUMENT -> "application/pdf";
            default -> "*/*";
        };
    }

    private static PermanentFailureException refused(String reason) {
        return new PermanentFailureException(STAGE, reason);
    }

    private static SSLSocketFactory socketFactory(FetchSettings settings) {
        if (settings.truststore() == null || settings.truststore().isBlank()) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        Path file = Path.of(settings.truststore());
        char[] password = settings.truststorePassword() == null ? null : settings.truststorePassword().toCharArray();
        try {
            KeyStore store = KeyStore.getInstance(file.toFile(), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot load the trust store '" + file + "' (encoder.fetch.truststore): " + e, e);
        }
    }

    /** For logs: what the fetcher allows. */
    @Override
    public String toString() {
        return "MediaFetcher{hosts=[" + settings.allowedHosts() + "], http=" + settings.allowHttp() + ", private="
                + settings.allowPrivateAddresses() + ", maxBytes=" + settings.maxBytes() + "}";
    }
}
