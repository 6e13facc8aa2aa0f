package io.omnistream.encoder.model;

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
 * @param onnx                the ONNX graph: inputs input_ids / attention_mask [/ token_type_ids] int64 [batch, seq],
 *                            output last_hidden_state float [batch, seq, dimension]
 * @param tokenizer           the model's own Hugging Face tokenizer.json
 * @param pooling             token pooling
 * @param dimension           vector length the model must produce (checked against the graph at load and per run)
 * @param maxTokens           texts are truncated to this many tokens, special tokens and instruction included
 * @param instructionMode     whether instructions are applied
 * @param queryInstruction    default prefix for {@link Side#QUERY} texts ("" = none)
 * @param documentInstruction default prefix for {@link Side#DOCUMENT} texts ("" = none)
 * @param modalities          modalities this model can embed
 * @param cascades            non-text modalities turned into text first by a recogniser (cascade towers)
 * @param towers              non-text modalities embedded by their own ONNX graph (native towers, see TOWERS.md);
 *                            every non-text modality in {@code modalities} has exactly one cascade or tower
 * @param postprocess         steps applied to every finished vector, in order (part of the model version)
 * @param batching            how texts of one call are grouped into ONNX Runtime runs ({@link InferenceBatching#PER_TEXT}
 *                            for graphs whose activation scales are computed per run, i.e. dynamic quantisation)
 */
public record ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                        int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                        String documentInstruction, Set<Modality> modalities, Map<Modality, CascadeSpec> cascades,
                        Map<Modality, TowerSpec> towers, List<PostProcessStep> postprocess,
                        InferenceBatching batching) {

    /** A model whose non-text modalities (if any) are cascades, without post-processing. */
    public ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                     int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                     String documentInstruction, Set<Modality> modalities, Map<Modality, CascadeSpec> cascades) {
        this(id, version, onnx, tokenizer, pooling, dimension, maxTokens, instructionMode, queryInstruction,
                documentInstruction, modalities, cascades, Map.of(), List.of(), InferenceBatching.BUCKETED);
    }

    /** A text-only model. */
    public ModelSpec(String id, String version, ModelSource onnx, ModelSource tokenizer, Pooling pooling,
                     int dimension, int maxTokens, InstructionMode instructionMode, String queryInstruction,
                     String documentInstruction, Set<Modality> modalities) {
        this(id, version, onnx, tokenizer, pooling, dimension, maxTokens, instructionMode, queryInstruction,
                documentInstruction, modalities, Map.of(), Map.of(), List.of(), InferenceBatching.BUCKETED);
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

    public boolean supports(Modality modality) {
        return modalities.contains(modality);
    }

    /**
     * The instruction actually applied to a text: none if the model takes no instructions, else the event's own
     * instruction if it has a non-blank one, else the side's default. Empty string means none.
     */
    public String instructionFor(Side side, String eventInstruction) {
        if (instructionMode == InstructionMode.NONE) {
            return "";
        }
        if (eventInstruction != null && !eventInstruction.isBlank()) {
            return eventInstruction;
        }
        return side == Side.QUERY ? queryInstruction : documentInstruction;
    }
}
