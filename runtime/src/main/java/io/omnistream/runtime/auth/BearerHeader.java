package io.omnistream.runtime.auth;

import java.util.regex.Pattern;

/**
 * Parses an {@code Authorization} header of exactly the form {@code Bearer <token>} (RFC 6750 section 2.1): the scheme
 * is case-insensitive, one space separates it from the token, the token is RFC 6750's {@code b64token} (letters,
 * digits, {@code -._~+/}, then optional {@code =} padding). Anything else is refused before any key lookup or
 * signature check, so a hostile header costs at most one bounded regex match.
 */
final class BearerHeader {
    /** Longest header accepted, in chars: far above any API key (~70) or realistic JWT (2-4 KiB). */
    static final int MAX_HEADER_CHARS = 8 * 1024;

    private static final String SCHEME = "Bearer";
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    /** The token, or the reason the header is not a bearer credential (never echoing the header). */
    record Parsed(String token, String problem) {
        boolean ok() {
            return token != null;
        }
    }

    private BearerHeader() {
    }

    static Parsed parse(String header) {
        if (header == null || header.isEmpty()) {
            return problem("missing Authorization header; send 'Authorization: Bearer <api key or token>'");
        }
        if (header.length() > MAX_HEADER_CHARS) {
            return problem("Authorization header longer than " + MAX_HEADER_CHARS + " characters");
        }
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase(SCHEME)) {
            return problem("Authorization header is not of the form 'Bearer <token>' (only the Bearer scheme is accepted)");
        }
        String token = header.substring(space + 1);
        if (!B64TOKEN.matcher(token).matches()) {
            return problem("malformed bearer token (expected one space after 'Bearer', then the key or token with no "
                    + "other characters)");
        }
        return new Parsed(token, null);
    }

    private static Parsed problem(String reason) {
        return new Parsed(null, reason);
    }
}
