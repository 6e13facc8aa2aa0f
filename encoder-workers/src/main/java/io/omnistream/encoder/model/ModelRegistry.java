package io.omnistream.encoder.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.omnistream.encoder.batch.PaddingSide;
import io.omnistream.encoder.postprocess.PostProcessStep;
import io.omnistream.encoder.postprocess.PostProcessSteps;
import io.omnistream.encoder.tower.TowerSpec;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models an encoder worker can serve, read from YAML ({@code models.yaml} bundled in this module, or an operator's
 * file). Loading validates every entry and fails with a message naming the model, the field and the rule; artefacts
 * must exist when the registry is loaded, so a typo fails at start-up, not at the first event.
 *
 * <pre>
 * models:
 *   - id: bge-small-en-v1.5
 *     version: bge-small-en-v1.5-fp32-cls-512
 *     default: true
 *     onnx: classpath:bge-small-en-v1.5.onnx
 *     tokenizer: classpath:bge-small-en-v1.5-tokenizer.json
 *     pooling: CLS                 # CLS | MEAN | LAST_TOKEN (also last-token)
 *     dimension: 384
 *     maxTokens: 512
 *     instructions: PREFIX         # PREFIX | TEMPLATE | NONE
 *     queryInstruction: "Represent this sentence for searching relevant passages: "
 *     documentInstruction: ""
 *     modalities: [TEXT]
 *     batching: BUCKETED           # BUCKETED (default) | PER_TEXT (one run per text: dynamic quantisation)
 * </pre>
 *
 * <p>A decoder embedder (Qwen3-Embedding, NV-Embed, VLM2Vec, e5-mistral style) declares how it was trained to read
 * its input; every one of these keys is part of the model version ({@link TextEncoder#modelVersion()}), and the
 * contract is described in {@code encoder-workers/MODELS.md}:
 *
 * <pre>
 *     pooling: LAST_TOKEN          # the state of each row's last real token, found from the attention mask
 *     paddingSide: LEFT            # LEFT | RIGHT (default); CLS pooling with LEFT is refused
 *     appendEos: true              # append eosToken after truncating to maxTokens - 1 (default false)
 *     eosToken: "&lt;|endoftext|&gt;"   # as written in the tokenizer.json; must be one token of it
 *     instructions: TEMPLATE
 *     queryTemplate: "Instruct: {instruction}\nQuery:{text}"   # {text} once, {instruction} at most once
 *     documentTemplate: "{text}"   # the default of an undeclared template
 *     queryInstruction: "Given a web search query, retrieve relevant passages that answer the query"
 * </pre>
 */
public final class ModelRegistry {
    /** Resource name of the registry bundled in this module. */
    public static final String BUNDLED = "models.yaml";

    private final Map<String, ModelSpec> models;
    private final String defaultId;

    private ModelRegistry(Map<String, ModelSpec> models, String defaultId) {
        this.models = Collections.unmodifiableMap(models);
        this.defaultId = defaultId;
    }

    /** The registry bundled with this module. */
    public static ModelRegistry bundled() {
        return load("classpath:" + BUNDLED);
    }

    /** Loads {@code classpath:NAME}, {@code file:PATH} or a bare path. */
    public static ModelRegistry load(String location) {
        if (location.startsWith("classpath:")) {
            ModelSource source = ModelSource.parse(location, null);
            if (!source.exists()) {
                throw new ModelRegistryException("model registry " + location + " not found on the classpath");
            }
            try (InputStream in = source.open()) {
                return parse(in, location, null);
            } catch (IOException e) {
                throw new ModelRegistryException("cannot read model registry " + location + ": " + e.getMessage(), e);
            }
        }
        return load(Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location));
    }

    /** Loads a registry file; relative artefact paths in it resolve against the file's directory. */
    public static ModelRegistry load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelRegistryException("model registry file " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ModelRegistryException("cannot read model registry " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates registry YAML.
     *
     * @param origin  name used in error messages
     * @param baseDir directory for relative file paths, or null
     */
    public static ModelRegistry parse(InputStream yaml, String origin, Path baseDir) {
        RegistryFile file;
        try {
            file = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(yaml, RegistryFile.class);
        } catch (JsonMappingException e) {
            throw new ModelRegistryException("model registry " + origin + " is malformed: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelRegistryException("model registry " + origin + " is not valid YAML: " + e.getMessage(), e);
        }
        if (file == null || file.models() == null || file.models().isEmpty()) {
            throw new ModelRegistryException("model registry " + origin + " declares no models (expected a 'models:' list)");
        }
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        List<String> defaults = new ArrayList<>();
        for (Entry e : file.models()) {
            ModelSpec spec = toSpec(e, origin, baseDir);
            if (specs.putIfAbsent(spec.id(), spec) != null) {
                throw new ModelRegistryException(origin + ": model id '" + spec.id() + "' is declared twice");
            }
            if (Boolean.TRUE.equals(e.isDefault())) {
                defaults.add(spec.id());
            }
        }
        if (defaults.size() > 1) {
            throw new ModelRegistryException(origin + ": more than one default model: " + defaults);
        }
        String defaultId = defaults.isEmpty() ? specs.keySet().iterator().next() : defaults.get(0);
        return new ModelRegistry(specs, defaultId);
    }

    private static ModelSpec toSpec(Entry e, String origin, Path baseDir) {
        if (e.id() == null || e.id().isBlank()) {
            throw new ModelRegistryException(origin + ": a model entry has no 'id'");
        }
        String where = origin + ": model '" + e.id() + "'";
        require(e.version(), where, "version");
        require(e.onnx(), where, "onnx");
        require(e.tokenizer(), where, "tokenizer");
        require(e.pooling(), where, "pooling");
        if (e.dimension() == null) {
            throw new ModelRegistryException(where + ": missing 'dimension'");
        }
        if (e.maxTokens() == null) {
            throw new ModelRegistryException(where + ": missing 'maxTokens'");
        }
        Pooling pooling = parseEnum(Pooling.class, e.pooling().replace('-', '_'), where, "pooling");
        PaddingSide paddingSide = e.paddingSide() == null ? PaddingSide.RIGHT
                : parseEnum(PaddingSide.class, e.paddingSide(), where, "paddingSide");
        PromptTemplate queryTemplate = template(e.queryTemplate(), where, "queryTemplate");
        PromptTemplate documentTemplate = template(e.documentTemplate(), where, "documentTemplate");
        InstructionMode mode = e.instructions() == null ? InstructionMode.PREFIX
                : parseEnum(InstructionMode.class, e.instructions(), where, "instructions");
        Set<Modality> modalities = EnumSet.noneOf(Modality.class);
        for (String m : e.modalities() == null ? List.of("TEXT") : e.modalities()) {
            modalities.add(parseEnum(Modality.class, m, where, "modalities"));
        }
        Map<Modality, CascadeSpec> cascades = new EnumMap<>(Modality.class);
        if (e.cascades() != null) {
            for (var c : e.cascades().entrySet()) {
                Modality m = parseEnum(Modality.class, c.getKey(), where, "cascades");
                Map<String, String> settings = new LinkedHashMap<>(c.getValue() == null ? Map.of() : c.getValue());
                String recognizer = settings.remove("recognizer");
                if (recognizer == null || recognizer.isBlank()) {
                    throw new ModelRegistryException(where + ": cascade " + m + " has no 'recognizer'");
                }
                try {
                    cascades.put(m, new CascadeSpec(m, recognizer.trim(), settings));
                } catch (IllegalArgumentException ex) {
                    throw new ModelRegistryException(where + ": cascade " + m + ": " + ex.getMessage(), ex);
                }
            }
        }
        Map<Modality, TowerSpec> towers = new EnumMap<>(Modality.class);
        if (e.towers() != null) {
            for (var t : e.towers().entrySet()) {
                Modality m = parseEnum(Modality.class, t.getKey(), where, "towers");
                towers.put(m, TowerSpec.parse(t.getValue(), where + " tower " + m, baseDir));
            }
        }
        List<PostProcessStep> postprocess = new ArrayList<>();
        if (e.postprocess() != null) {
            for (Map<String, Map<String, Object>> step : e.postprocess()) {
                postprocess.add(PostProcessSteps.parse(step, where + " postprocess step " + (postprocess.size() + 1),
                        baseDir));
            }
        }
        InferenceBatching batching = e.batching() == null ? InferenceBatching.BUCKETED
                : parseEnum(InferenceBatching.class, e.batching().replace('-', '_'), where, "batching");
        ModelSource onnx = source(e.onnx(), baseDir, where, "onnx");
        ModelSource tokenizer = source(e.tokenizer(), baseDir, where, "tokenizer");
        try {
            return new ModelSpec(e.id(), e.version(), onnx, tokenizer, pooling, e.dimension(), e.maxTokens(), mode,
                    e.queryInstruction(), e.documentInstruction(), modalities, cascades, towers, postprocess, batching,
                    paddingSide, Boolean.TRUE.equals(e.appendEos()), e.eosToken(), queryTemplate, documentTemplate);
        } catch (IllegalArgumentException ex) {
            throw new ModelRegistryException(origin + ": " + ex.getMessage(), ex);
        }
    }

    private static PromptTemplate template(String template, String where, String field) {
        if (template == null) {
            return null;
        }
        try {
            return new PromptTemplate(template);
        } catch (IllegalArgumentException ex) {
            throw new ModelRegistryException(where + ": invalid '" + field + "': " + ex.getMessage(), ex);
        }
    }

    private static ModelSource source(String spec, Path baseDir, String where, String field) {
        ModelSource source;
        try {
            source = ModelSource.parse(spec, baseDir);
        } catch (IllegalArgumentException ex) {
            throw new ModelRegistryException(where + ": invalid '" + field + "': " + ex.getMessage(), ex);
        }
        if (!source.exists()) {
            throw new ModelRegistryException(where + ": " + field + " '" + spec + "' not found ("
                    + (spec.startsWith("classpath:") ? "is the model carrier jar on the classpath?" : "no such file: " + source) + ")");
        }
        return source;
    }

    private static void require(String value, String where, String field) {
        if (value == null || value.isBlank()) {
            throw new ModelRegistryException(where + ": missing '" + field + "'");
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String where, String field) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new ModelRegistryException(where + ": unknown " + field + " '" + value + "'; expected one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    /** The model with this id, or a {@link ModelRegistryException} listing the known ids. */
    public ModelSpec get(String id) {
        ModelSpec spec = models.get(id);
        if (spec == null) {
            throw new ModelRegistryException("unknown model '" + id + "'; the registry has " + models.keySet());
        }
        return spec;
    }

    /** The entry marked {@code default: true}, or the first entry if none is. */
    public ModelSpec defaultModel() {
        return models.get(defaultId);
    }

    /** All models, in file order. */
    public List<ModelSpec> models() {
        return List.copyOf(models.values());
    }

    /** YAML shape of the registry file. */
    record RegistryFile(List<Entry> models) {}

    /** YAML shape of one entry; validated into a {@link ModelSpec}. */
    record Entry(String id, String version, @com.fasterxml.jackson.annotation.JsonProperty("default") Boolean isDefault,
                 String onnx, String tokenizer, String pooling, Integer dimension, Integer maxTokens,
                 String instructions, String queryInstruction, String documentInstruction, List<String> modalities,
                 Map<String, Map<String, String>> cascades, Map<String, Map<String, Object>> towers,
                 List<Map<String, Map<String, Object>>> postprocess, String batching, String paddingSide,
                 Boolean appendEos, String eosToken, String queryTemplate, String documentTemplate) {}
}
