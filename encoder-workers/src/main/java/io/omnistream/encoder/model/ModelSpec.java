package io.omnistream.encoder.model;

import io.omnistream.encoder.batch.PaddingSide;
import io.omnistream.encoder.postprocess.PostProcessStep;
import io.omnistream.encoder.tower.TowerSpec;
import io.omnistream.schemas.avro.Modality;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the model registry: everything that determines the vectors a model produces. Two specs with the same
 * {@link #version()} must produce the same vectors for the same input, so the version names the weights, the
 * quantisation, the pooling and the token limit (and {@link TextEncoder#modelVersion()} adds a fingerprint of the
 * actual artefacts and settings, so a silently swapped file cannot masquerade as the declared version).
 *
 * @param id                  stable model id; used in topic names ({@code embeddings.<id>.v1}) and Milvus collections
 * @param version             declared version of the whole encoding chain, e.g. {@code bge-small-en-v1.5-fp32-cls-512}
 * @param onnx                the ONNX graph: inputs input_ids / attention_mask [/ token_type_ids] [/ position_ids]
 *                            int64 [batch, seq], output last_hidden_state float [batch, seq, dimension]
 * @param tokenizer           the model's own Hugging Face tokenizer.json
 * @param pooling             token pooling
 * @param dimension           vector length the model must produce (checked against the graph at load and per run)
 * @param maxTokens           texts are truncated to this many tokens, special tokens, instruction, template and
 *                            appended EOS included
 * @param instructionMode     whether and how instructions are applied
 * @param queryInstruction    default prefix for {@link Side#QUERY} texts ("" = none)
 * @param documentInstruction default prefix for {@link Side#DOCUMENT} texts ("" = none)
 * @param modalities          modalities this model can embed
 * @param cascades            non-text modalities turned into text first by a recogniser (cascade towers)
 * @param towers              non-text modalities embedded by their own ONNX graph (native towers, see TOWERS.md);
 *                            every non-text modality in {@code modalities} has exactly one cascade or tower
 * @param postprocess         steps applied to every finished vector, in order (part of the model version)
 * @param batching            how texts of one call are grouped into ONNX Runtime runs ({@link InferenceBatching#PER_TEXT}
 *                            for graphs whose activation scales are computed per run, i.e. dynamic quantisation)
 * @param paddingSide         where a run's shorter texts are padded ({@link PaddingSide#RIGHT} for encoders; decoder
 *                            embedders are usually trained {@link PaddingSide#LEFT})
 * @param appendEos           whether {@code eosToken} is appended to every text after truncation to
 *                            {@code maxTokens - 1} tokens, so it is never cut off (decoder embedders whose tokenizer
 *                            does not add it: last-token pooling then reads the EOS state, as they were trained)
 * @param eosToken            the end-of-sequence token as written in the tokenizer.json (e.g. {@code <|endoftext|>});
 *                            required with, and only with, {@code appendEos}
 * @param queryTemplate       {@link InstructionMode#TEMPLATE} only: how {@link Side#QUERY} texts are written
 * @param documentTemplate    {@link InstructionMode#TEMPLATE} only: how {@link Side#DOCUMENT} texts are written
 */
public record ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                        int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                        String documentInstruction, Set<Modality> modalities, Map<Modality, CascadeSpec> cascades,
                        Map<Modality, TowerSpec> towers, List<PostProcessStep> postprocess,
                        InferenceBatching batching, PaddingSide paddingSide, boolean appendEos, String eosToken,
                        PromptTemplate queryTemplate, PromptTemplate documentTemplate) {

    /** An encoder-style model: right padding, no appended EOS, no templates. */
    public ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                     int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                     String documentInstruction, Set<Modality> modalities, Map<Modality, CascadeSpec> cascades,
                     Map<Modality, TowerSpec> towers, List<PostProcessStep> postprocess, InferenceBatching batching) {
        this(id, version, onnx, tokenizer, pooling, dimension, maxTokens, instructionMode, queryInstruction,
                documentInstruction, modalities, cascades, towers, postprocess, batching, PaddingSide.RIGHT, false, "",
                null, null);
    }

    /** A model whose non-text modalities (if any) are cascades, without post-processing. */
    public ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                     int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                     String documentInstruction, Set<Modality> modalities, Map<Modality, CascadeSpec> cascades) {
        this(id, version, onnx, tokenizer, pooling, dimension, maxTokens, instructionMode, queryInstruction,
                documentInstruction, modalities, cascades, Map.of(), List.of(), InferenceBatching.BUCKETED,
                PaddingSide.RIGHT, false, "", null, null);
    }

    /** A text-only model. */
    public ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                     int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                     String documentInstruction, Set<Modality> modalities) {
        this(id, version, onnx, tokenizer, pooling, dimension, maxTokens, instructionMode, queryInstruction,
                documentInstruction, modalities, Map.of(), Map.of(), List.of(), InferenceBatching.BUCKETED,
                PaddingSide.RIGHT, false, "", null, null);
    }

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(instructionMode, "instructionMode");
        Objects.requireNonNull(batching, "batching");
        queryInstruction = queryInstruction == null ? "" : queryInstruction;
        documentInstruction = documentInstruction == null ? "" : documentInstruction;
        paddingSide = paddingSide == null ? PaddingSide.RIGHT : paddingSide;
        eosToken = eosToken == null ? "" : eosToken;
        modalities = Set.copyOf(modalities);
        cascades = Map.copyOf(cascades);
        towers = Map.copyOf(towers);
        postprocess = List.copyOf(postprocess);
        if (dimension <= 0) {
            throw new IllegalArgumentException("model '" + id + "': dimension must be > 0, got " + dimension);
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException("model '" + id + "': maxTokens must be >= 2 (room for [CLS] and [SEP]), got " + maxTokens);
        }
        if (pooling == Pooling.CLS && paddingSide == PaddingSide.LEFT) {
            throw new IllegalArgumentException("model '" + id + "': pooling CLS reads position 0, which is padding in a "
                    + "left-padded run; declare paddingSide: RIGHT, or the pooling the model was trained with "
                    + "(LAST_TOKEN for decoder embedders)");
        }
        if (appendEos && eosToken.isBlank()) {
            throw new IllegalArgumentException("model '" + id + "': appendEos needs eosToken, the end-of-sequence token "
                    + "as written in its tokenizer.json (e.g. \"<|endoftext|>\")");
        }
        if (!appendEos && !eosToken.isEmpty()) {
            throw new IllegalArgumentException("model '" + id + "': eosToken '" + eosToken + "' is declared but "
                    + "appendEos is not true; the encoder only uses eosToken to append it");
        }
        if (instructionMode == InstructionMode.TEMPLATE) {
            if (queryTemplate == null && documentTemplate == null) {
                throw new IllegalArgumentException("model '" + id + "': instructions: TEMPLATE needs queryTemplate "
                        + "and/or documentTemplate (an undeclared one is \"" + PromptTemplate.TEXT + "\")");
            }
            queryTemplate = queryTemplate == null ? PromptTemplate.TEXT_ONLY : queryTemplate;
            documentTemplate = documentTemplate == null ? PromptTemplate.TEXT_ONLY : documentTemplate;
            requireDefaultInstruction(id, "queryTemplate", queryTemplate, "queryInstruction", queryInstruction);
            requireDefaultInstruction(id, "documentTemplate", documentTemplate, "documentInstruction",
                    documentInstruction);
        } else if (queryTemplate != null || documentTemplate != null) {
            throw new IllegalArgumentException("model '" + id + "': queryTemplate / documentTemplate are used only "
                    + "with instructions: TEMPLATE, but instructions is " + instructionMode);
        }
        if (modalities.isEmpty()) {
            throw new IllegalArgumentException("model '" + id + "': modalities must not be empty");
        }
        for (Modality m : modalities) {
            if (m != Modality.TEXT && !cascades.containsKey(m) && !towers.containsKey(m)) {
                throw new IllegalArgumentException("model '" + id + "': modality " + m + " is declared but has no "
                        + "cascade or tower (the text tower embeds text only; declare cascades: " + m
                        + ": {recognizer: ...} or towers: " + m + ": {kind: onnx, ...})");
            }
            if (cascades.containsKey(m) && towers.containsKey(m)) {
                throw new IllegalArgumentException("model '" + id + "': modality " + m
                        + " has both a cascade and a tower; declare one");
            }
        }
        for (Modality m : cascades.keySet()) {
            if (!modalities.contains(m)) {
                throw new IllegalArgumentException("model '" + id + "': cascade for " + m + " but " + m
                        + " is not in modalities " + modalities);
            }
        }
        for (var t : towers.entrySet()) {
            if (t.getKey() == Modality.TEXT || !modalities.contains(t.getKey())) {
                throw new IllegalArgumentException("model '" + id + "': tower for " + t.getKey()
                        + " but it is TEXT or not in modalities " + modalities);
            }
            if (t.getValue().dimension() != dimension) {
                throw new IllegalArgumentException("model '" + id + "': tower " + t.getKey() + " has dimension "
                        + t.getValue().dimension() + " but the model's vectors have " + dimension
                        + " (all modalities share one vector space and one collection)");
            }
        }
    }

    private static void requireDefaultInstruction(String id, String templateField, PromptTemplate template,
                                                  String instructionField, String instruction) {
        if (template.usesInstruction() && instruction.isBlank()) {
            throw new IllegalArgumentException("model '" + id + "': " + templateField + " \"" + template + "\" has an "
                    + PromptTemplate.INSTRUCTION + " slot but " + instructionField + " is empty; declare the default "
                    + "task instruction (events without their own get it)");
        }
    }

    public boolean supports(Modality modality) {
        return modalities.contains(modality);
    }

    /**
     * The instruction actually applied to a text: none if the model takes no instructions (or, with templates, if the
     * side's template has no {@code {instruction}} slot), else the event's own instruction if it has a non-blank one,
     * else the side's default. Empty string means none.
     */
    public String instructionFor(Side side, String eventInstruction) {
        if (instructionMode == InstructionMode.NONE
                || (instructionMode == InstructionMode.TEMPLATE && !template(side).usesInstruction())) {
            return "";
        }
        if (eventInstruction != null && !eventInstruction.isBlank()) {
            return eventInstruction;
        }
        return side == Side.QUERY ? queryInstruction : documentInstruction;
    }

    /**
     * The exact string that is tokenised for a text: as it is ({@link InstructionMode#NONE}, or no instruction with
     * {@link InstructionMode#PREFIX}); the instruction, then the text, with one space between them only if neither
     * side has whitespace there ({@link InstructionMode#PREFIX}); the side's template filled in
     * ({@link InstructionMode#TEMPLATE}). Resolve the instruction with {@link #instructionFor} first.
     */
    public String formatInput(Side side, String instruction, String text) {
        switch (instructionMode) {
            case NONE:
                return text;
            case TEMPLATE:
                return template(side).format(instruction, text);
            default:
                if (instruction == null || instruction.isEmpty()) {
                    return text;
                }
                boolean spaced = Character.isWhitespace(instruction.charAt(instruction.length() - 1))
                        || (!text.isEmpty() && Character.isWhitespace(text.charAt(0)));
                return spaced ? instruction + text : instruction + " " + text;
        }
    }

    /** The side's template; {@link InstructionMode#TEMPLATE} only. */
    private PromptTemplate template(Side side) {
        return side == Side.QUERY ? queryTemplate : documentTemplate;
    }
}
