package io.omnistream.runtime.service;

import java.util.Objects;

/**
 * One probe answer: {@code ok} becomes HTTP 200, otherwise 503; {@code detail} is shown in the response body so that
 * {@code kubectl describe pod} (probe failure events) says why.
 */
public record Health(boolean ok, String detail) {
    public Health {
        Objects.requireNonNull(detail, "detail");
    }

    public static Health up(String detail) {
        return new Health(true, detail);
    }

    public static Health down(String detail) {
        return new Health(false, detail);
    }

    /** Both must be up; the detail of the first one that is down, else both details. */
    public Health and(Health other) {
        if (!ok) {
            return this;
        }
        if (!other.ok) {
            return other;
        }
        return up(detail + "; " + other.detail);
    }
}
