package io.omnistream.runtime.auth;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Tenant names. A tenant is bound to each credential when it is created (never taken from a request body) and ends up
 * in Milvus rows, Kafka records and metric labels, so names are restricted to a small ASCII alphabet: lowercase
 * letters, digits, {@code -} and {@code _}, starting with a letter or digit, at most {@value #MAX_LENGTH} characters
 * (= UTF-8 bytes, as everything downstream counts bytes).
 *
 * <p>One tenant is reserved: {@link #BENCHMARK}, holding the replayer's benchmark items apart from users' rows. It
 * starts with {@code _}, so it can never pass {@link #validate}; only a credential created explicitly for it (the
 * {@code keys create --reserved} flag, or the replayer) carries it.
 */
public final class Tenants {
    /** The reserved tenant of benchmark items (replayer traffic). The one place this name is spelled. */
    public static final String BENCHMARK = "__bench";

    /** Longest tenant name, in characters (ASCII only, so also in UTF-8 bytes). */
    public static final int MAX_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0," + (MAX_LENGTH - 1) + "}");

    private Tenants() {
    }

    /**
     * Checks a user tenant name.
     *
     * @return {@code tenant}, unchanged
     * @throws IllegalArgumentException with the rule, if it is not a valid user tenant (the reserved tenant included)
     */
    public static String validate(String tenant) {
        if (tenant == null || tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant is empty");
        }
        if (BENCHMARK.equals(tenant)) {
            throw new IllegalArgumentException("tenant '" + BENCHMARK + "' is reserved for benchmark traffic");
        }
        if (tenant.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH || !NAME.matcher(tenant).matches()) {
            throw new IllegalArgumentException("invalid tenant '" + printable(tenant) + "': expected 1 to " + MAX_LENGTH
                    + " characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
        }
        return tenant;
    }

    /** Whether {@code tenant} is a valid user tenant or the reserved {@link #BENCHMARK} tenant. */
    public static boolean isKnownForm(String tenant) {
        return BENCHMARK.equals(tenant) || (tenant != null && NAME.matcher(tenant).matches());
    }

    public static boolean isReserved(String tenant) {
        return BENCHMARK.equals(tenant);
    }

    /** The name with control and non-ASCII characters escaped and bounded, for error messages. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u%04x", cp));
            }
        });
        return s.codePointCount(0, s.length()) > 80 ? b + "..." : b.toString();
    }
}
