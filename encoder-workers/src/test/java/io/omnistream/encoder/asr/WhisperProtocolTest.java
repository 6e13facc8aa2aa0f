package io.omnistream.encoder.asr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.runtime.error.FailureClassifier;
import io.omnistream.runtime.error.FailureKind;
import io.omnistream.runtime.error.PermanentFailureException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhisperProtocolTest {
    private static final String SHA = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a";

    @Test
    void requestListsEveryFileAbsoluteWithItsBudgetInOrderAndTheBeam() throws Exception {
        String json = WhisperProtocol.request(List.of(Path.of("/tmp/a.wav"), Path.of("rel/b.wav")), 2.5, 5, false);

        assertThat(new ObjectMapper().readTree(json).get("beamSize").asInt()).isEqualTo(5);
        assertThat(new ObjectMapper().readTree(json).get("skipNoSpeech").asBoolean(true)).isFalse();
        JsonNode items = new ObjectMapper().readTree(json).get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("path").asText()).isEqualTo("/tmp/a.wav");
        assertThat(items.get(1).get("path").asText()).isEqualTo(Path.of("rel/b.wav").toAbsolutePath().toString());
        assertThat(items.get(0).get("budgetSeconds").asDouble()).isEqualTo(2.5);
        assertThat(items.get(1).get("budgetSeconds").asDouble()).isEqualTo(2.5);
    }

    @Test
    void resultsAreTheTextsInOrderStripped() {
        List<String> texts = WhisperProtocol.results(
                "{\"results\":[{\"text\":\" seven.\",\"seconds\":0.4},{\"text\":\"\",\"seconds\":0.1}]}", 2, "audio");

        assertThat(texts).containsExactly("seven.", "");
    }

    @Test
    void undecodableAudioIsAPermanentPreprocessFailureNamingTheItem() {
        String body = "{\"results\":[{\"text\":\"one\",\"seconds\":0.2},"
                + "{\"error\":\"not a readable PCM WAV: file does not start with RIFF id\",\"kind\":\"audio\"}]}";

        assertThatThrownBy(() -> WhisperProtocol.results(body, 2, "audio"))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> {
                    assertThat(e.stage()).isEqualTo("preprocess");
                    assertThat(e.getMessage()).isEqualTo("audio item 2 of 2: whisper cannot read it: "
                            + "not a readable PCM WAV: file does not start with RIFF id");
                    assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.PERMANENT);
                });
    }

    @Test
    void overBudgetIsAPermanentFailureSayingSo() {
        String body = "{\"results\":[{\"error\":\"recognition took 2.13 s after 1 segment(s), over the 0.5 s budget\","
                + "\"kind\":\"budget\"}]}";

        assertThatThrownBy(() -> WhisperProtocol.results(body, 1, "audio"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio item 1 of 1: whisper recognition took 2.13 s after 1 segment(s), over the 0.5 s budget");
    }

    @Test
    void anUnknownErrorKindIsTheRecognisersFaultSoTransient() {
        String body = "{\"results\":[{\"error\":\"CUDA out of memory\",\"kind\":\"internal\"}]}";

        assertThatThrownBy(() -> WhisperProtocol.results(body, 1, "audio"))
                .isInstanceOfSatisfying(RecognizerUnavailableException.class,
                        e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT))
                .hasMessageContaining("CUDA out of memory");
    }

    @Test
    void aWrongResultCountOrNonJsonIsTransientNeverAPartialResult() {
        assertThatThrownBy(() -> WhisperProtocol.results("{\"results\":[{\"text\":\"a\"}]}", 2, "audio"))
                .isInstanceOf(RecognizerUnavailableException.class)
                .hasMessageContaining("answered 1 results for 2 items");
        assertThatThrownBy(() -> WhisperProtocol.results("<html>Bad Gateway</html>", 1, "audio"))
                .isInstanceOfSatisfying(RecognizerUnavailableException.class,
                        e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT))
                .hasMessageContaining("non-JSON");
    }

    @Test
    void healthGivesTheVersionFromModelFingerprintDecoderAndSettings() {
        WhisperProtocol.Health h = WhisperProtocol.health("{\"ready\": true, \"model\": \"tiny.en\", \"modelSha256\": \""
                + SHA + "\", \"fasterWhisper\": \"1.2.1\", \"ctranslate2\": \"4.8.5\", \"device\": \"cpu\","
                + " \"computeType\": \"int8\", \"beamSize\": 1, \"pid\": 42}");

        assertThat(h.ready()).isTrue();
        assertThat(h.pid()).isEqualTo(42);
        assertThat(h.version(1, true)).isEqualTo(
                "whisper tiny.en ct2@1a5afae06a4d faster-whisper 1.2.1 ctranslate2 4.8.5 beam=1 int8 t=0 lang=en no-vad no-prev-text");
        // the beam is the caller's (every request names it), not the server's default
        assertThat(h.version(5, true)).contains(" beam=5 ");
        assertThat(h.version(1, false)).endsWith(" no-prev-text keep-no-speech");
    }

    @Test
    void healthWithoutAModelFingerprintIsRejected() {
        assertThatThrownBy(() -> WhisperProtocol.health("{\"ready\": true, \"modelSha256\": \"abc\"}"))
                .isInstanceOf(RecognizerUnavailableException.class)
                .hasMessageContaining("no model SHA-256");
    }
}
