package io.omnistream.encoder.model;

import io.omnistream.schemas.avro.Modality;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a model turns a non-text modality into text before its text tower embeds it: a real recogniser (OCR for
 * images, document pages and video frames, speech recognition for audio) and its settings, as declared in the model
 * registry:
 *
 * <pre>
 * cascades:
 *   DOCUMENT: {recognizer: tesseract, psm: "3", lang: eng, dpi: "150", maxPages: "2"}
 *   AUDIO:    {recognizer: pocketsphinx}
 * </pre>
 *
 * The settings are strings interpreted (and validated) by the cascade that runs them; every one of them is part of
 * the model version, because changing any of them changes the vectors.
 *
 * @param modality   the input modality
 * @param recognizer {@code tesseract} or {@code pocketsphinx}
 * @param settings   recogniser and preprocessing settings, sorted by key
 */
public record CascadeSpec(Modality modality, String recognizer, Map<String, String> settings) {
    public CascadeSpec {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(recognizer, "recognizer");
        if (modality == Modality.TEXT) {
            throw new IllegalArgumentException("a cascade turns a non-text modality into text; TEXT needs none");
        }
        settings = Map.copyOf(new TreeMap<>(settings));
    }

    /** A setting, or {@code fallback} when absent. */
    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }

    /** Stable description of the declaration, e.g. {@code DOCUMENT:tesseract{dpi=150,psm=3}} (sorted keys). */
    public String describe() {
        return modality + ":" + recognizer + new TreeMap<>(settings);
    }
}
