package io.omnistream.runtime.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a credential may do. Each HTTP operation requires one scope; {@link #ADMIN} implies every other scope (but
 * never another tenant: see {@link Authenticator#authorize}). The wire names are what key stores, JWT {@code scope}
 * claims and the {@code keys} command use.
 */
public enum Scope {
    /** Publish media ({@code POST /v1/media}). */
    INGEST("ingest"),
    /** Delete (tombstone) ids. */
    DELETE("delete"),
    /** Search the tenant's rows. */
    SEARCH("search"),
    /** Read the quality service's page and JSON API. */
    READ_QUALITY("read-quality"),
    /** Everything above. */
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name in key stores, tokens and on the command line, e.g. {@code read-quality}. */
    public String wireName() {
        return wireName;
    }

    /** The scope with this wire name (case-insensitive, surrounding blanks ignored). */
    public static Scope fromWireName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Scope s : values()) {
            if (s.wireName.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + name + "'; expected one of " + wireNames(EnumSet.allOf(Scope.class)));
    }

    /** A comma-separated list such as {@code ingest,search}; at least one scope, unknown names rejected. */
    public static Set<Scope> parseList(String commaSeparated) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                scopes.add(fromWireName(part));
            }
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("no scope given; expected one or more of " + wireNames(EnumSet.allOf(Scope.class)));
        }
        return scopes;
    }

    /** The wire names, comma-separated, in declaration order (for listings and errors). */
    public static String wireNames(Collection<Scope> scopes) {
        return Arrays.stream(values()).filter(scopes::contains).map(Scope::wireName).collect(Collectors.joining(","));
    }
}
