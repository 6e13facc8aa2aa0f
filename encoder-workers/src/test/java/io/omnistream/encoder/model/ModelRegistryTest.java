package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.Modality;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    private static final String VALID = """
            models:
              - id: m1
                version: m1-fp32-cls-512
                onnx: classpath:bge-small-en-v1.5-q.onnx
                tokenizer: classpath:bge-small-en-v1.5-q-tokenizer.json
                pooling: %s
                dimension: 384
                maxTokens: 512
                queryInstruction: "Q: "
                modalities: [TEXT]
            """;

    /** A Qwen3-Embedding-style entry; the artefacts are stand-ins (the registry only checks they exist). */
    private static final String DECODER = """
            models:
              - id: d1
                version: d1-fp32-last-eos-512
                onnx: classpath:bge-small-en-v1.5-q.onnx
                tokenizer: classpath:bge-small-en-v1.5-q-tokenizer.json
                pooling: last-token
                paddingSide: left
                appendEos: true
                eosToken: "<|endoftext|>"
                dimension: 384
                maxTokens: 512
                instructions: TEMPLATE
                queryTemplate: "Instruct: {instruction}\\nQuery:{text}"
                queryInstruction: "Given a claim, find papers"
                modalities: [TEXT]
            """;

    private static ModelRegistry parse(String yaml, Path baseDir) {
        return ModelRegistry.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml", baseDir);
    }

    @Test
    void bundledRegistryHasTheModelsWithBgeFp32AsDefault() {
        ModelRegistry registry = ModelRegistry.bundled();
        assertThat(registry.models()).extracting(ModelSpec::id)
                .containsExactly("bge-small-en-v1.5", "bge-small-en-v1.5-q", "bge-small-en-v1.5-q-per-text", "all-minilm-l6-v2",
                        "bge-small-en-v1.5-cascade", "bge-small-en-v1.5-cascade-ppocr-whisper");
        assertThat(registry.get("bge-small-en-v1.5-q-per-text").batching()).isEqualTo(InferenceBatching.PER_TEXT);
        assertThat(registry.get("bge-small-en-v1.5").batching()).isEqualTo(InferenceBatching.BUCKETED);
        ModelSpec cascade = registry.get("bge-small-en-v1.5-cascade");
        assertThat(cascade.modalities()).containsExactlyInAnyOrder(Modality.values());
        assertThat(cascade.cascades().get(Modality.DOCUMENT).recognizer()).isEqualTo("tesseract");
        assertThat(cascade.cascades().get(Modality.DOCUMENT).settings()).containsEntry("dpi", "150");
        assertThat(cascade.cascades().get(Modality.AUDIO).recognizer()).isEqualTo("pocketsphinx");
        // the second recogniser pair under its own id and version, so both can run side by side
        ModelSpec onnx = registry.get("bge-small-en-v1.5-cascade-ppocr-whisper");
        assertThat(onnx.cascades().get(Modality.VIDEO).recognizer()).isEqualTo("ppocr");
        assertThat(onnx.cascades().get(Modality.AUDIO).recognizer()).isEqualTo("whisper-tiny.en");
        assertThat(onnx.version()).isNotEqualTo(cascade.version());
        ModelSpec bge = registry.defaultModel();
        assertThat(bge.id()).isEqualTo("bge-small-en-v1.5");
        assertThat(bge.pooling()).isEqualTo(Pooling.CLS);
        assertThat(bge.dimension()).isEqualTo(384);
        assertThat(bge.queryInstruction()).isEqualTo("Represent this sentence for searching relevant passages: ");
        assertThat(bge.documentInstruction()).isEmpty();
        ModelSpec minilm = registry.get("all-minilm-l6-v2");
        assertThat(minilm.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(minilm.maxTokens()).isEqualTo(256);
        assertThat(minilm.instructionMode()).isEqualTo(InstructionMode.NONE);
        assertThat(registry.models()).extracting(ModelSpec::version).doesNotHaveDuplicates();
    }

    @Test
    void parsesAValidEntry() {
        ModelSpec spec = parse(VALID.formatted("mean"), null).get("m1");
        assertThat(spec.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(spec.instructionMode()).isEqualTo(InstructionMode.PREFIX);
        assertThat(spec.supports(Modality.TEXT)).isTrue();
        assertThat(spec.supports(Modality.IMAGE)).isFalse();
    }

    @Test
    void batchingDefaultsToBucketedAndAcceptsPerTextInEitherSpelling() {
        assertThat(parse(VALID.formatted("CLS"), null).get("m1").batching()).isEqualTo(InferenceBatching.BUCKETED);
        String perText = VALID.formatted("CLS") + "    batching: per-text\n";
        assertThat(parse(perText, null).get("m1").batching()).isEqualTo(InferenceBatching.PER_TEXT);
        String upper = VALID.formatted("CLS") + "    batching: PER_TEXT\n";
        assertThat(parse(upper, null).get("m1").batching()).isEqualTo(InferenceBatching.PER_TEXT);
    }

    @Test
    void unknownBatchingNamesTheChoices() {
        assertThatThrownBy(() -> parse(VALID.formatted("CLS") + "    batching: dynamic\n", null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("model 'm1'")
                .hasMessageContaining("unknown batching 'dynamic'")
                .hasMessageContaining("[BUCKETED, PER_TEXT]");
    }

    @Test
    void eventInstructionOverridesTheSideDefaultUnlessTheModelTakesNone() {
        ModelSpec spec = parse(VALID.formatted("CLS"), null).get("m1");
        assertThat(spec.instructionFor(Side.QUERY, null)).isEqualTo("Q: ");
        assertThat(spec.instructionFor(Side.DOCUMENT, null)).isEmpty();
        assertThat(spec.instructionFor(Side.QUERY, "Find the image: ")).isEqualTo("Find the image: ");
        assertThat(spec.instructionFor(Side.QUERY, "  ")).isEqualTo("Q: ");
        assertThat(ModelRegistry.bundled().get("all-minilm-l6-v2").instructionFor(Side.QUERY, "Find: ")).isEmpty();
    }

    @Test
    void unknownPoolingNamesModelFieldAndChoices() {
        assertThatThrownBy(() -> parse(VALID.formatted("MAX"), null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("model 'm1'")
                .hasMessageContaining("unknown pooling 'MAX'")
                .hasMessageContaining("[CLS, MEAN, LAST_TOKEN]");
    }

    @Test
    void missingFileIsReportedAtLoad(@TempDir Path dir) {
        String yaml = VALID.formatted("CLS").replace("classpath:bge-small-en-v1.5-q.onnx", "models/absent.onnx");
        assertThatThrownBy(() -> parse(yaml, dir))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("onnx 'models/absent.onnx' not found")
                .hasMessageContaining(dir.resolve("models/absent.onnx").toString());
    }

    @Test
    void relativeFilePathsResolveAgainstTheRegistryFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tok.json"), "{}");
        Files.writeString(dir.resolve("model.onnx"), "not really onnx; existence is all the registry checks");
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, VALID.formatted("CLS")
                .replace("classpath:bge-small-en-v1.5-q.onnx", "model.onnx")
                .replace("classpath:bge-small-en-v1.5-q-tokenizer.json", "file:tok.json"));
        ModelSpec spec = ModelRegistry.load(file).get("m1");
        assertThat(spec.onnx().filePath()).isEqualTo(dir.resolve("model.onnx"));
        assertThat(spec.tokenizer().filePath()).isEqualTo(dir.resolve("tok.json"));
    }

    @Test
    void missingClasspathArtefactHintsAtTheCarrierJar() {
        String yaml = VALID.formatted("CLS").replace("classpath:bge-small-en-v1.5-q-tokenizer.json", "classpath:nope.json");
        assertThatThrownBy(() -> parse(yaml, null))
                .hasMessageContaining("tokenizer 'classpath:nope.json' not found")
                .hasMessageContaining("carrier jar");
    }

    @Test
    void missingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("    dimension: 384\n", ""), null))
                .hasMessageContaining("model 'm1': missing 'dimension'");
    }

    @Test
    void unknownFieldIsRejectedSoTyposDoNotPassSilently() {
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("maxTokens", "maxTokenz"), null))
                .isInstanceOf(ModelRegistryException.class).hasMessageContaining("maxTokenz");
    }

    @Test
    void duplicateIdsAndSeveralDefaultsAreRejected() {
        String twice = VALID.formatted("CLS") + VALID.formatted("CLS").replace("models:\n", "");
        assertThatThrownBy(() -> parse(twice, null)).hasMessageContaining("'m1' is declared twice");
        String twoDefaults = (VALID.formatted("CLS") + VALID.formatted("CLS").replace("models:\n", "").replace("id: m1", "id: m2"))
                .replace("    version:", "    default: true\n    version:");
        assertThatThrownBy(() -> parse(twoDefaults, null)).hasMessageContaining("more than one default model");
    }

    @Test
    void nonTextModalitiesNeedACascadeAndBadNumbersAreRejected() {
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("[TEXT]", "[TEXT, IMAGE]"), null))
                .hasMessageContaining("modality IMAGE is declared but has no cascade");
        ModelSpec withCascade = parse(VALID.formatted("CLS").replace("[TEXT]", "[TEXT, IMAGE]\n    cascades:\n"
                + "      IMAGE: {recognizer: tesseract, psm: \"6\"}"), null).get("m1");
        assertThat(withCascade.supports(Modality.IMAGE)).isTrue();
        assertThat(withCascade.cascades().get(Modality.IMAGE).settings()).containsExactlyEntriesOf(java.util.Map.of("psm", "6"));
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("[TEXT]", "[TEXT]\n    cascades:\n"
                + "      AUDIO: {recognizer: pocketsphinx}"), null))
                .hasMessageContaining("cascade for AUDIO but AUDIO is not in modalities");
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("[TEXT]", "[TEXT, AUDIO]\n    cascades:\n"
                + "      AUDIO: {lang: eng}"), null))
                .hasMessageContaining("cascade AUDIO has no 'recognizer'");
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("dimension: 384", "dimension: 0"), null))
                .hasMessageContaining("dimension must be > 0");
        assertThatThrownBy(() -> parse(VALID.formatted("CLS").replace("[TEXT]", "[SMELL]"), null))
                .hasMessageContaining("unknown modalities 'SMELL'");
    }

    @Test
    void unknownModelIdListsKnownOnes() {
        assertThatThrownBy(() -> ModelRegistry.bundled().get("gpt-9"))
                .hasMessageContaining("unknown model 'gpt-9'").hasMessageContaining("bge-small-en-v1.5");
    }

    @Test
    void parsesADecoderEntryWithItsPaddingEosAndTemplates() {
        ModelSpec spec = parse(DECODER, null).get("d1");
        assertThat(spec.pooling()).isEqualTo(Pooling.LAST_TOKEN);
        assertThat(spec.paddingSide()).isEqualTo(io.omnistream.encoder.batch.PaddingSide.LEFT);
        assertThat(spec.appendEos()).isTrue();
        assertThat(spec.eosToken()).isEqualTo("<|endoftext|>");
        assertThat(spec.instructionMode()).isEqualTo(InstructionMode.TEMPLATE);
        assertThat(spec.queryTemplate().template()).isEqualTo("Instruct: {instruction}\nQuery:{text}");
        assertThat(spec.documentTemplate()).isEqualTo(PromptTemplate.TEXT_ONLY); // undeclared
        assertThat(spec.formatInput(Side.QUERY, spec.instructionFor(Side.QUERY, null), "aspirin"))
                .isEqualTo("Instruct: Given a claim, find papers\nQuery:aspirin");
        assertThat(spec.formatInput(Side.DOCUMENT, spec.instructionFor(Side.DOCUMENT, "ignored"), "aspirin"))
                .isEqualTo("aspirin");
    }

    @Test
    void encoderEntriesKeepRightPaddingNoEosNoTemplatesAndTheirPrefixSpacing() {
        ModelSpec spec = parse(VALID.formatted("CLS"), null).get("m1");
        assertThat(spec.paddingSide()).isEqualTo(io.omnistream.encoder.batch.PaddingSide.RIGHT);
        assertThat(spec.appendEos()).isFalse();
        assertThat(spec.eosToken()).isEmpty();
        assertThat(spec.queryTemplate()).isNull();
        assertThat(spec.documentTemplate()).isNull();
        assertThat(spec.formatInput(Side.QUERY, "Q:", "text")).isEqualTo("Q: text");
        assertThat(spec.formatInput(Side.QUERY, "Q: ", "text")).isEqualTo("Q: text");
        assertThat(spec.formatInput(Side.QUERY, "", "text")).isEqualTo("text");
    }

    @Test
    void theFingerprintedSettingsOfEncoderModelsAreUnchangedByTheDecoderKeys() {
        // written out by hand: what TextEncoder hashed before paddingSide / appendEos / templates existed, so the
        // versions (and collections) of the registered models stay the same
        assertThat(TextEncoder.inputSettings(ModelRegistry.bundled().get("bge-small-en-v1.5")))
                .isEqualTo("CLS|384|512|PREFIX|Represent this sentence for searching relevant passages: |");
        assertThat(TextEncoder.inputSettings(ModelRegistry.bundled().get("all-minilm-l6-v2")))
                .isEqualTo("MEAN|384|256|NONE||");
        assertThat(TextEncoder.inputSettings(parse(DECODER, null).get("d1"))).isEqualTo(
                "LAST_TOKEN|384|512|TEMPLATE|Given a claim, find papers||padding=LEFT|eos=<|endoftext|>"
                        + "|query=Instruct: {instruction}\nQuery:{text}|document={text}");
    }

    @Test
    void unknownPaddingSideNamesTheChoices() {
        assertThatThrownBy(() -> parse(DECODER.replace("paddingSide: left", "paddingSide: middle"), null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("model 'd1'")
                .hasMessageContaining("unknown paddingSide 'middle'")
                .hasMessageContaining("[RIGHT, LEFT]");
    }

    @Test
    void clsPoolingWithLeftPaddingIsRefused() {
        assertThatThrownBy(() -> parse(DECODER.replace("pooling: last-token", "pooling: CLS"), null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("test.yaml: model 'd1': pooling CLS reads position 0, which is padding in a "
                        + "left-padded run");
    }

    @Test
    void templatesAreValidatedAndOnlyTakenWithInstructionsTemplate() {
        assertThatThrownBy(() -> parse(DECODER.replace("Query:{text}", "Query:"), null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("model 'd1': invalid 'queryTemplate'")
                .hasMessageContaining("must contain {text} exactly once");
        assertThatThrownBy(() -> parse(DECODER.replace("Query:{text}", "Query:{query}"), null))
                .hasMessageContaining("invalid 'queryTemplate'").hasMessageContaining("unknown placeholder {query}");
        assertThatThrownBy(() -> parse(DECODER.replace("instructions: TEMPLATE", "instructions: PREFIX"), null))
                .hasMessageContaining("queryTemplate / documentTemplate are used only with instructions: TEMPLATE");
        assertThatThrownBy(() -> parse(DECODER.replace("    queryTemplate: \"Instruct: {instruction}\\nQuery:{text}\"\n",
                ""), null))
                .hasMessageContaining("instructions: TEMPLATE needs queryTemplate and/or documentTemplate");
        assertThatThrownBy(() -> parse(DECODER.replace("    queryInstruction: \"Given a claim, find papers\"\n", ""),
                null))
                .hasMessageContaining("queryTemplate \"Instruct: {instruction}\nQuery:{text}\" has an {instruction} "
                        + "slot but queryInstruction is empty");
    }

    @Test
    void appendEosAndEosTokenComeTogether() {
        assertThatThrownBy(() -> parse(DECODER.replace("    eosToken: \"<|endoftext|>\"\n", ""), null))
                .isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("model 'd1': appendEos needs eosToken");
        assertThatThrownBy(() -> parse(DECODER.replace("appendEos: true", "appendEos: false"), null))
                .hasMessageContaining("eosToken '<|endoftext|>' is declared but appendEos is not true");
    }
}
