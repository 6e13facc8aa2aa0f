package io.omnistream.encoder.model;

/** How a model consumes task instructions. Declared per model in the registry. */
public enum InstructionMode {
    /** The instruction is prepended to the text before tokenisation (BGE, E5-style models). */
    PREFIX,
    /** The model was not trained with instructions: every instruction, including an event's own, is ignored. */
    NONE
}
