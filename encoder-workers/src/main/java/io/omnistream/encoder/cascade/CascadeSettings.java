package io.omnistream.encoder.cascade;

import io.omnistream.encoder.model.CascadeSpec;
import java.time.Duration;

/** Typed, validated reading of a {@link CascadeSpec}'s string settings, with errors naming the cascade and key. */
final class CascadeSettings {
    private final CascadeSpec spec;

    CascadeSettings(CascadeSpec spec) {
        this.spec = spec;
    }

    int integer(String key, int fallback, int min, int max) {
        String raw = spec.setting(key, Integer.toString(fallback));
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where(key) + " must be an integer, got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(where(key) + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    long longValue(String key, long fallback, long min) {
        String raw = spec.setting(key, Long.toString(fallback));
        try {
            long value = Long.parseLong(raw.trim());
            if (value < min) {
                throw new IllegalArgumentException(where(key) + " must be >= " + min + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where(key) + " must be an integer, got '" + raw + "'");
        }
    }

    Duration seconds(String key, int fallback) {
        return Duration.ofSeconds(integer(key, fallback, 1, 3600));
    }

    String string(String key, String fallback) {
        return spec.setting(key, fallback).trim();
    }

    private String where(String key) {
        return "cascade " + spec.modality() + " (" + spec.recognizer() + "): '" + key + "'";
    }
}
