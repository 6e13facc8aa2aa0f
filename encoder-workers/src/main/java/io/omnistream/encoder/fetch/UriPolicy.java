package io.omnistream.encoder.fetch;

import io.omnistream.runtime.error.PermanentFailureException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The rules a URI (the event's, and every redirect target) must pass before anything is sent to it, in this order:
 * at most {@value #MAX_URI_CHARS} characters and a valid absolute URI; scheme {@code https} ({@code http} only with
 * {@code encoder.fetch.allow-http}; {@code file:} and every other scheme never); no user info ({@code user:pass@});
 * a host on the allow-list; the host resolves, and every address it resolves to passes {@link AddressPolicy} (unless
 * private addresses are allowed). One refused address refuses the URI, even if another is public: the fetch could
 * otherwise be steered to the refused one. Refusals are {@link PermanentFailureException}s (stage {@code fetch});
 * a name that does not resolve is an {@link UnknownHostException} (transient: DNS may be down). Thread-safe.
 */
final class UriPolicy {
    /** Same bound as ingest's (MediaValidator.MAX_URI_CHARS). */
    static final int MAX_URI_CHARS = 8192;

    private final FetchSettings settings;

    UriPolicy(FetchSettings settings) {
        this.settings = settings;
    }

    /** Checks {@code raw}; returns the target to connect to, or throws why it is refused. */
    FetchTarget check(String raw) {
        if (settings.allowedHosts().isEmpty()) {
            throw refused("fetching uri media is disabled (encoder.fetch.allowed-hosts is empty)");
        }
        if (raw.length() > MAX_URI_CHARS) {
            throw refused("uri is longer than " + MAX_URI_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw refused("uri is not a valid URI: " + e.getMessage());
        }
        return check(uri);
    }

    FetchTarget check(URI uri) {
        if (settings.allowedHosts().isEmpty()) {
            throw refused("fetching uri media is disabled (encoder.fetch.allowed-hosts is empty)");
        }
        String shown = abbreviate(uri.toString());
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw refused("uri " + shown + " is not an absolute hierarchical URI");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        if (scheme.equals("https")) {
            tls = true;
        } else if (scheme.equals("http")) {
            if (!settings.allowHttp()) {
                throw refused("uri " + shown + ": scheme http is not allowed (https only; encoder.fetch.allow-http)");
            }
            tls = false;
        } else if (scheme.equals("file")) {
            throw refused("uri " + shown + ": file: URIs are never fetched");
        } else {
            throw refused("uri " + shown + ": scheme " + scheme + " is not fetched (https only)");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("uri " + abbreviate(uri.getScheme() + "://" + uri.getRawAuthority().replaceFirst("^[^@]*@", "***@"))
                    + ": user info in the URI is not allowed");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw refused("uri " + shown + " has no (valid) host");
        }
        if (!settings.allowedHosts().allows(host)) {
            throw refused("uri " + shown + ": host " + host + " is not in encoder.fetch.allowed-hosts ["
                    + settings.allowedHosts() + "]");
        }
        int port = uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException("cannot resolve host " + bare + " of uri " + shown, e);
        }
        if (addresses.length == 0) {
            throw new UncheckedIOException(new UnknownHostException("host " + bare + " resolved to no address"));
        }
        if (!settings.allowPrivateAddresses()) {
            for (InetAddress a : addresses) {
                String why = AddressPolicy.refusal(a);
                if (why != null) {
                    throw refused("uri " + shown + ": host " + bare + " resolves to " + a.getHostAddress() + ", " + why
                            + ", which is not fetched from (encoder.fetch.allow-private-addresses)");
                }
            }
        }
        return new FetchTarget(uri, tls, bare, port, List.copyOf(Arrays.asList(addresses)));
    }

    private static PermanentFailureException refused(String reason) {
        return new PermanentFailureException(MediaFetcher.STAGE, reason);
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
