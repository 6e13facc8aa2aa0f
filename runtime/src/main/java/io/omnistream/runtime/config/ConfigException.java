package io.omnistream.runtime.config;

/** A configuration value is missing or invalid; the message names the key, the value, the rule and where it came from. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
