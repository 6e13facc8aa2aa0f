package io.omnistream.encoder.model;

/**
 * Which side of an asymmetric retrieval task a text is on; selects the model's default instruction
 * ({@link ModelSpec#queryInstruction()} or {@link ModelSpec#documentInstruction()}).
 */
public enum Side {
    QUERY,
    DOCUMENT
}
