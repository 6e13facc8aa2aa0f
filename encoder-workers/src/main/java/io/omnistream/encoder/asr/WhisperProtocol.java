package io.omnistream.encoder.asr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.runtime.error.PermanentFailureException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON exchanged with {@code whisper_server.py} and the one place that maps its answers onto the failure
 * contract of {@link SpeechRecognizer}: a per-item error of kind {@code audio} or {@code budget} is the input's fault
 * ({@link PermanentFailureException}, stage {@code preprocess}); anything malformed or unexpected is the recogniser's
 * fault ({@link RecognizerUnavailableException}, transient).
 */
final class WhisperProtocol {
    static final String STAGE = "preprocess";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code GET /health} reports once the model is loaded. */
    record Health(boolean ready, String modelSha256, String fasterWhisper, String ctranslate2, String device,
                  String computeType, long pid) {

        /**
         * The recogniser's version: model fingerprint (first 12 hex digits of {@code model.bin}'s SHA-256), decoder
         * versions and the settings that change the transcripts (beam width, which every request names; compute type:
         * int8 on CPU and float16 on CUDA can differ in a word; temperature 0 without sampling fallback, so one
         * version gives one text per file).
         */
        String version(int beamSize, boolean skipNoSpeech) {
            return "whisper tiny.en ct2@" + modelSha256.substring(0, 12) + " faster-whisper " + fasterWhisper
                    + " ctranslate2 " + ctranslate2 + " beam=" + beamSize + " " + computeType
                    + " t=0 lang=en no-vad no-prev-text" + (skipNoSpeech ? "" : " keep-no-speech");
        }
    }

    private WhisperProtocol() {}

    /**
     * {@code {"items":[{"path": ..., "budgetSeconds": ...}, ...], "beamSize": N, "skipNoSpeech": B}}; paths made absolute (the server's
     * cwd differs). The decoding settings travel with every request because they belong to the model registry's cascade,
     * and one server (a sidecar) may serve chains with different ones.
     */
    static String request(List<Path> wavs, double budgetSeconds, int beamSize, boolean skipNoSpeech) {
        ObjectNode root = JSON.createObjectNode();
        root.put("beamSize", beamSize);
        root.put("skipNoSpeech", skipNoSpeech);
        ArrayNode items = root.putArray("items");
        for (Path wav : wavs) {
            items.addObject().put("path", wav.toAbsolutePath().toString()).put("budgetSeconds", budgetSeconds);
        }
        return root.toString();
    }

    /**
     * The transcripts of a {@code /transcribe} answer, in request order.
     *
     * @throws PermanentFailureException     for the first item the server rejected because of its audio or budget
     * @throws RecognizerUnavailableException when the answer is not the expected shape (wrong count, unknown error kind,
     *                                        not JSON)
     */
    static List<String> results(String body, int expected, String what) {
        JsonNode results = parse(body, "/transcribe").path("results");
        if (!results.isArray() || results.size() != expected) {
            throw new RecognizerUnavailableException("whisper answered " + (results.isArray() ? results.size()
                    + " results" : "no results array") + " for " + expected + " items: " + abbreviate(body));
        }
        List<String> texts = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            JsonNode r = results.get(i);
            if (r.hasNonNull("text")) {
                texts.add(r.get("text").asText().strip());
                continue;
            }
            String reason = r.path("error").asText("");
            String kind = r.path("kind").asText("");
            String where = what + " item " + (i + 1) + " of " + expected + ": ";
            switch (kind) {
                case "audio" -> throw new PermanentFailureException(STAGE, where + "whisper cannot read it: " + reason);
                case "budget" -> throw new PermanentFailureException(STAGE, where + "whisper " + reason);
                default -> throw new RecognizerUnavailableException("whisper failed on " + where + "(kind '" + kind
                        + "') " + reason);
            }
        }
        return texts;
    }

    /** The {@code /health} answer; a server that is up but not ready, or answers garbage, is reported as not ready. */
    static Health health(String body) {
        JsonNode h = parse(body, "/health");
        String sha = h.path("modelSha256").asText("");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new RecognizerUnavailableException("whisper /health has no model SHA-256: " + abbreviate(body));
        }
        return new Health(h.path("ready").asBoolean(false), sha, h.path("fasterWhisper").asText("?"),
                h.path("ctranslate2").asText("?"), h.path("device").asText("?"), h.path("computeType").asText("?"),
                h.path("pid").asLong(-1));
    }

    private static JsonNode parse(String body, String endpoint) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new RecognizerUnavailableException("whisper " + endpoint + " answered non-JSON: " + abbreviate(body), e);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
