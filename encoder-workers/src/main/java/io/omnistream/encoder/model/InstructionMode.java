package io.omnistream.encoder.model;

/** How a model consumes task instructions. Declared per model in the registry. */
public enum InstructionMode {
    /** The instruction is prepended to the text before tokenisation (BGE, E5-style models). */
    PREFIX,
    /**
     * The text is written into its side's {@link PromptTemplate} ({@link ModelSpec#queryTemplate()},
     * {@link ModelSpec#documentTemplate()}), whose {@code {instruction}} slot takes the instruction: decoder embedders
     * such as Qwen3-Embedding ({@code "Instruct: {instruction}\nQuery:{text}"} for queries, {@code "{text}"} for
     * documents), NV-Embed and e5-mistral. A side whose template has no {@code {instruction}} slot takes none.
     */
    TEMPLATE,
    /** The model was not trained with instructions: every instruction, including an event's own, is ignored. */
    NONE
}
