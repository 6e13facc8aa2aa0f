package io.omnistream.encoder.model;

/** The model registry or one of its entries is invalid; the message names the file, model, field and rule. */
public class ModelRegistryException extends IllegalStateException {
    public ModelRegistryException(String message) {
        super(message);
    }

    public ModelRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
