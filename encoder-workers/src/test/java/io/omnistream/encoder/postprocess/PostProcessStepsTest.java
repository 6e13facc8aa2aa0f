package io.omnistream.encoder.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.model.ModelRegistry;
import io.omnistream.encoder.model.ModelRegistryException;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.schemas.avro.Modality;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostProcessStepsTest {
    @TempDir
    Path dir;

    @Test
    void offsetShiftsOnlyItsModalityAndRenormalises() {
        ModalityOffset offset = new ModalityOffset(Modality.DOCUMENT, 1.0);
        // [1, 0] + 1 = [2, 1]; |[2, 1]| = sqrt(5) -> [0.894427, 0.447214]
        float[] doc = offset.apply(new float[] {1f, 0f}, Modality.DOCUMENT);
        assertThat(doc[0]).isCloseTo(0.894427f, within(1e-6f));
        assertThat(doc[1]).isCloseTo(0.447214f, within(1e-6f));
        float[] text = offset.apply(new float[] {1f, 0f}, Modality.TEXT);
        assertThat(text).containsExactly(1f, 0f);
        assertThat(offset.descriptor()).isEqualTo("offset(DOCUMENT, 1.0)");
    }

    @Test
    void centringSubtractsTheModalityCentroidAndRenormalises() {
        ModalityCentering center = new ModalityCentering(Map.of(Modality.TEXT, new float[] {0.6f, 0f},
                Modality.VIDEO, new float[] {0f, 0.5f}));
        // [0.6, 0.8] - [0.6, 0] = [0, 0.8] -> [0, 1]
        assertThat(center.apply(new float[] {0.6f, 0.8f}, Modality.TEXT)).containsExactly(0f, 1f);
        // [0.6, 0.8] - [0, 0.5] = [0.6, 0.3]; |.| = sqrt(0.45) = 0.670820 -> [0.894427, 0.447214]
        float[] video = center.apply(new float[] {0.6f, 0.8f}, Modality.VIDEO);
        assertThat(video[0]).isCloseTo(0.894427f, within(1e-6f));
        assertThat(video[1]).isCloseTo(0.447214f, within(1e-6f));
        assertThatThrownBy(() -> center.apply(new float[] {1f, 0f}, Modality.AUDIO))
                .hasMessageContaining("no centroid for modality AUDIO");
        // the version names the centroid values: another centroid, another descriptor
        ModalityCentering other = new ModalityCentering(Map.of(Modality.TEXT, new float[] {0.6f, 0.01f},
                Modality.VIDEO, new float[] {0f, 0.5f}));
        assertThat(other.descriptor()).isNotEqualTo(center.descriptor()).startsWith("center(");
    }

    @Test
    void registryStepsBecomePartOfTheModelAndErrorsNameTheStep() throws Exception {
        Files.writeString(dir.resolve("centroids.json"), "{\"modelVersion\": \"x\", \"TEXT\": [0.1, 0.2], \"DOCUMENT\": [0.3, 0.4]}");
        ModelSpec spec = registry("""
                  postprocess:
                    - offset: {modality: document, value: 0.05}
                    - center: {centroids: centroids.json}
                """).get("m");
        assertThat(spec.postprocess()).hasSize(2);
        assertThat(spec.postprocess().get(0)).isEqualTo(new ModalityOffset(Modality.DOCUMENT, 0.05));
        assertThat(((ModalityCentering) spec.postprocess().get(1)).modalities())
                .containsExactlyInAnyOrder(Modality.TEXT, Modality.DOCUMENT);
        assertThat(PostProcessSteps.fingerprint(spec.postprocess())).hasSize(12)
                .isNotEqualTo(PostProcessSteps.fingerprint(List.of(spec.postprocess().get(0))));
        assertThat(PostProcessSteps.fingerprint(List.of())).isEmpty();

        assertThatThrownBy(() -> registry("""
                  postprocess:
                    - shift: {modality: TEXT}
                """)).isInstanceOf(ModelRegistryException.class)
                .hasMessageContaining("postprocess step 1").hasMessageContaining("unknown step 'shift'");
        assertThatThrownBy(() -> registry("""
                  postprocess:
                    - offset: {modality: TEXT, value: 0.1, extra: 1}
                """)).hasMessageContaining("unknown field 'extra'");
        assertThatThrownBy(() -> registry("""
                  postprocess:
                    - center: {centroids: missing.json}
                """)).hasMessageContaining("cannot read centroids file");
    }

    private ModelRegistry registry(String postprocess) {
        String yaml = """
                models:
                  - id: m
                    version: m-1
                    onnx: classpath:all-minilm-l6-v2.onnx
                    tokenizer: classpath:all-minilm-l6-v2-tokenizer.json
                    pooling: MEAN
                    dimension: 384
                    maxTokens: 256
                """ + postprocess.replace("\n  ", "\n    ").replaceFirst("^  ", "    ");
        return ModelRegistry.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml", dir);
    }
}
