package io.omnistream.encoder.model;

/** A model cannot be loaded or does not match its registry entry (e.g. dimension mismatch). Fatal at start-up. */
public class ModelLoadException extends IllegalStateException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
