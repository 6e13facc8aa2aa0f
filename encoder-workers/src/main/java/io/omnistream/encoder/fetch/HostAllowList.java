package io.omnistream.encoder.fetch;

import io.omnistream.runtime.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts media may be fetched from: each entry is an exact host ({@code media.example.com}, an IPv4 literal, or an
 * IPv6 literal in brackets) or {@code *.suffix}, which matches every name strictly below {@code suffix}
 * ({@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com}, not {@code example.com}). Names
 * compare case-insensitively, without a trailing dot. An empty list allows nothing. Immutable.
 *
 * <p>The list says which names may be asked for, nothing about where they point: the addresses a name resolves to
 * are checked separately ({@link AddressPolicy}), so an allow-listed name whose DNS is re-pointed at a private address
 * is still refused.
 */
public final class HostAllowList {
    private final List<String> exact;
    private final List<String> suffixes;
    private final String text;

    private HostAllowList(List<String> exact, List<String> suffixes, String text) {
        this.exact = List.copyOf(exact);
        this.suffixes = List.copyOf(suffixes);
        this.text = text;
    }

    /**
     * Parses a comma-separated list; blank means empty.
     *
     * @throws ConfigException for an entry that is not a host name, an IP literal or {@code *.suffix}
     */
    public static HostAllowList parse(String commaSeparated) {
        List<String> exact = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (String raw : commaSeparated.split(",")) {
            String entry = normalise(raw);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("*.")) {
                String suffix = entry.substring(2);
                if (!isHostName(suffix) || !suffix.contains(".")) {
                    throw new ConfigException("allowed host '" + raw.trim() + "': '*.' must be followed by a domain of"
                            + " at least two labels (e.g. *.example.com)");
                }
                suffixes.add(suffix);
            } else if (isHostName(entry) || isIpLiteral(entry)) {
                exact.add(entry);
            } else {
                throw new ConfigException("allowed host '" + raw.trim() + "' is neither a host name, an IP literal"
                        + " ([...] for IPv6) nor *.suffix");
            }
        }
        return new HostAllowList(exact, suffixes, String.join(",", exact)
                + (exact.isEmpty() || suffixes.isEmpty() ? "" : ",") + String.join(",",
                suffixes.stream().map(s -> "*." + s).toList()));
    }

    /** True when no host is allowed (fetching is disabled). */
    public boolean isEmpty() {
        return exact.isEmpty() && suffixes.isEmpty();
    }

    /** True if {@code host} (as {@link java.net.URI#getHost()} returns it) is on the list. */
    public boolean allows(String host) {
        if (host == null) {
            return false;
        }
        String h = normalise(host);
        if (exact.contains(h)) {
            return true;
        }
        for (String suffix : suffixes) {
            if (h.endsWith("." + suffix) && h.length() > suffix.length() + 1) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String normalise(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** LDH labels of 1-63 characters, not starting or ending with '-', total at most 253 characters. */
    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isIpLiteral(String s) {
        return (s.startsWith("[") && s.endsWith("]") && s.length() > 2 && s.substring(1, s.length() - 1)
                .chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.'))
                || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
