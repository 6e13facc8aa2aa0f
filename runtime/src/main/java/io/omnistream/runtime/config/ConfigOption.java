package io.omnistream.runtime.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One documented, typed, validated configuration key. Services declare their options as constants in their config
 * class; {@link ConfigSource} resolves them (default &lt; file &lt; environment &lt; command line) and the README's
 * configuration table is checked against the declared options by a test.
 *
 * @param key          dotted key, e.g. {@code encoder.batch.max-size}; environment variable is
 *                     {@code OMNISTREAM_ENCODER_BATCH_MAX_SIZE}
 * @param defaultValue used when no layer sets the key; null means required
 * @param description  what it does, with its unit
 * @param constraint   human-readable rule checked by {@code validator}, shown in errors and docs
 */
public record ConfigOption<T>(String key, T defaultValue, String description, Function<String, T> parser,
                              Predicate<T> validator, String constraint) {

    public ConfigOption {
        Objects.requireNonNull(key);
        Objects.requireNonNull(description);
        Objects.requireNonNull(parser);
        Objects.requireNonNull(validator);
    }

    /** The environment variable that overrides this key. */
    public String envVar() {
        return "OMNISTREAM_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static ConfigOption<String> string(String key, String defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, s -> s, s -> !s.isBlank(), "non-empty");
    }

    public static ConfigOption<Integer> integer(String key, int defaultValue, int min, int max, String description) {
        return new ConfigOption<>(key, defaultValue, description, Integer::parseInt, v -> v >= min && v <= max,
                "integer in [" + min + ", " + max + "]");
    }

    public static ConfigOption<Long> longValue(String key, long defaultValue, long min, long max, String description) {
        return new ConfigOption<>(key, defaultValue, description, Long::parseLong, v -> v >= min && v <= max,
                "integer in [" + min + ", " + max + "]");
    }

    public static ConfigOption<Boolean> bool(String key, boolean defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description, ConfigOption::parseBoolean, v -> true, "true or false");
    }

    /** Durations as ISO-8601 ({@code PT5S}) or a number with unit suffix {@code ms}, {@code s}, {@code m}. */
    public static ConfigOption<Duration> duration(String key, Duration defaultValue, Duration min, String description) {
        return new ConfigOption<>(key, defaultValue, description, ConfigOption::parseDuration,
                d -> d.compareTo(min) >= 0, "duration >= " + min.toMillis() + " ms (e.g. 250ms, 5s, 2m, PT1M)");
    }

    public static <E extends Enum<E>> ConfigOption<E> enumValue(String key, Class<E> type, E defaultValue, String description) {
        return new ConfigOption<>(key, defaultValue, description,
                s -> Enum.valueOf(type, s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_')), v -> true,
                "one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    static boolean parseBoolean(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + s);
        };
    }

    static Duration parseDuration(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.startsWith("pt") || v.startsWith("p")) {
            return Duration.parse(s.trim().toUpperCase(java.util.Locale.ROOT));
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
        }
        return Duration.ofMillis(Long.parseLong(v));
    }
}
