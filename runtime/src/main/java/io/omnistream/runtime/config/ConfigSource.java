package io.omnistream.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Layered configuration: option default, then a {@code .properties} file, then environment variables
 * ({@link ConfigOption#envVar()}), then explicit overrides (command-line flags). Later layers win. Values are parsed and
 * validated when read; a bad value fails fast with a {@link ConfigException} naming key, value, rule and layer.
 */
public final class ConfigSource {
    private final Map<String, String> fileValues;
    private final Map<String, String> env;
    private final Map<String, String> overrides;
    private final String fileName;

    private ConfigSource(Map<String, String> fileValues, String fileName, Map<String, String> env, Map<String, String> overrides) {
        this.fileValues = fileValues;
        this.fileName = fileName;
        this.env = env;
        this.overrides = overrides;
    }

    /** Defaults only, plus the given overrides (handy in tests and for the embedded stack). */
    public static ConfigSource of(Map<String, String> overrides) {
        return new ConfigSource(Map.of(), null, Map.of(), new HashMap<>(overrides));
    }

    /** Defaults, then {@code file} (may be null), then the process environment, then {@code overrides}. */
    public static ConfigSource load(Path file, Map<String, String> overrides) {
        return load(file, System.getenv(), overrides);
    }

    public static ConfigSource load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
            props.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
        }
        return new ConfigSource(values, file == null ? null : file.toString(), Map.copyOf(env), new HashMap<>(overrides));
    }

    /** A copy of this source with more overrides on top. */
    public ConfigSource with(Map<String, String> more) {
        Map<String, String> merged = new HashMap<>(overrides);
        merged.putAll(more);
        return new ConfigSource(fileValues, fileName, env, merged);
    }

    /**
     * The values set explicitly in the file and the overrides (overrides win) whose keys start with {@code prefix}, for
     * handing a group of keys on to a process this one configures (e.g. a Flink job's {@code bias.*} keys). Values are
     * passed as written: the receiving side parses and validates them. Environment variables are not included (they are
     * named per option, and the receiving process may read its own environment).
     */
    public Map<String, String> explicitValues(String prefix) {
        Map<String, String> values = new TreeMap<>();
        fileValues.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                values.put(k, v);
            }
        });
        overrides.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                values.put(k, v);
            }
        });
        return values;
    }

    public <T> T get(ConfigOption<T> option) {
        String layer;
        String raw;
        if (overrides.containsKey(option.key())) {
            layer = "override";
            raw = overrides.get(option.key());
        } else if (env.containsKey(option.envVar())) {
            layer = "environment variable " + option.envVar();
            raw = env.get(option.envVar());
        } else if (fileValues.containsKey(option.key())) {
            layer = "file " + fileName;
            raw = fileValues.get(option.key());
        } else {
            if (option.defaultValue() == null) {
                throw new ConfigException("missing required configuration '" + option.key() + "' (" + option.description()
                        + "); set it in the config file or " + option.envVar());
            }
            return option.defaultValue();
        }
        T value;
        try {
            value = option.parser().apply(raw);
        } catch (RuntimeException e) {
            throw new ConfigException("invalid value '" + raw + "' for '" + option.key() + "' from " + layer
                    + ": expected " + option.constraint(), e);
        }
        if (!option.validator().test(value)) {
            throw new ConfigException("invalid value '" + raw + "' for '" + option.key() + "' from " + layer
                    + ": expected " + option.constraint());
        }
        return value;
    }
}
