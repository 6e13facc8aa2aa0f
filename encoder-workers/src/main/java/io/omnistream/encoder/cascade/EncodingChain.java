package io.omnistream.encoder.cascade;

import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.postprocess.PostProcessStep;
import io.omnistream.encoder.postprocess.PostProcessSteps;
import io.omnistream.schemas.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's whole encoding chain: its text tower plus, per non-text modality, the transcriber (cascade) that turns
 * that modality into text first. {@link #modelVersion()} names the chain: the text tower's version alone for a
 * text-only model, else that version plus a fingerprint of every transcriber's {@link MediaTranscriber#version()}
 * (recogniser versions and settings), so changing an OCR setting yields a new model version and a new collection.
 */
public final class EncodingChain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncodingChain.class);
    private final TextEncoder text;
    private final Map<Modality, MediaTranscriber> transcribers;
    private final Map<Modality, MediaTower> towers;
    private final List<PostProcessStep> postprocess;
    private final List<AutoCloseable> recognizers;
    private final String modelVersion;

    public EncodingChain(TextEncoder text, Map<Modality, MediaTranscriber> transcribers) {
        this(text, transcribers, List.of());
    }

    /**
     * @param postprocess steps applied to every finished vector (see {@link #postProcess}); when there are any, the
     *                    version gains {@code +post@<fingerprint of the steps>}
     */
    public EncodingChain(TextEncoder text, Map<Modality, MediaTranscriber> transcribers, List<PostProcessStep> postprocess) {
        this(text, transcribers, Map.of(), postprocess);
    }

    /**
     * @param towers      native ONNX towers by modality (a modality has a transcriber or a tower, not both); when there
     *                    are any, the version gains {@code +towers@<fingerprint of their versions>}
     * @param postprocess steps applied to every finished vector (see {@link #postProcess}); when there are any, the
     *                    version gains {@code +post@<fingerprint of the steps>}
     */
    public EncodingChain(TextEncoder text, Map<Modality, MediaTranscriber> transcribers, Map<Modality, MediaTower> towers,
                         List<PostProcessStep> postprocess) {
        this(text, transcribers, towers, postprocess, List.of());
    }

    /**
     * @param recognizers what the transcribers run on and the chain owns (ONNX sessions of an OCR engine, a speech
     *                    recogniser's process), closed with the chain
     */
    public EncodingChain(TextEncoder text, Map<Modality, MediaTranscriber> transcribers, Map<Modality, MediaTower> towers,
                         List<PostProcessStep> postprocess, List<AutoCloseable> recognizers) {
        this.recognizers = List.copyOf(recognizers);
        this.text = Objects.requireNonNull(text, "text");
        Map<Modality, MediaTranscriber> copy = new EnumMap<>(Modality.class);
        copy.putAll(transcribers);
        copy.remove(Modality.TEXT);
        this.transcribers = Map.copyOf(copy);
        for (Modality m : towers.keySet()) {
            if (m == Modality.TEXT || copy.containsKey(m)) {
                throw new IllegalArgumentException("modality " + m + " cannot have a native tower (TEXT, or it has a cascade)");
            }
        }
        this.towers = Map.copyOf(towers);
        this.postprocess = List.copyOf(postprocess);
        String version = copy.isEmpty() ? text.modelVersion() : text.modelVersion() + "+cascade@" + fingerprint(copy);
        if (!this.towers.isEmpty()) {
            Map<Modality, String> towerVersions = new EnumMap<>(Modality.class);
            this.towers.forEach((m, t) -> towerVersions.put(m, t.version()));
            version += "+towers@" + fingerprintOf(towerVersions);
        }
        this.modelVersion = this.postprocess.isEmpty() ? version
                : version + "+post@" + PostProcessSteps.fingerprint(this.postprocess);
    }

    /** The native tower of {@code modality}, if the model embeds it with one. */
    public Optional<MediaTower> tower(Modality modality) {
        return Optional.ofNullable(towers.get(modality));
    }

    /** Applies the model's post-processing steps, in order, to a finished unit vector of {@code modality}. */
    public float[] postProcess(float[] vector, Modality modality) {
        for (PostProcessStep step : postprocess) {
            vector = step.apply(vector, modality);
        }
        return vector;
    }

    /** The post-processing steps' descriptors, in order (for logs). */
    public List<String> postProcessSteps() {
        return postprocess.stream().map(PostProcessStep::descriptor).toList();
    }

    /** A text-only chain. */
    public static EncodingChain textOnly(TextEncoder text) {
        return new EncodingChain(text, Map.of());
    }

    public TextEncoder text() {
        return text;
    }

    public String modelId() {
        return text.modelId();
    }

    public String modelVersion() {
        return modelVersion;
    }

    /** TEXT always; another modality when it has a transcriber or a native tower. */
    public boolean supports(Modality modality) {
        return modality == Modality.TEXT || transcribers.containsKey(modality) || towers.containsKey(modality);
    }

    public Optional<MediaTranscriber> transcriber(Modality modality) {
        return Optional.ofNullable(transcribers.get(modality));
    }

    /** Transcriber versions by modality (for logs and the README). */
    public Map<Modality, String> transcriberVersions() {
        Map<Modality, String> out = new EnumMap<>(Modality.class);
        transcribers.forEach((m, t) -> out.put(m, t.version()));
        return out;
    }

    private static String fingerprint(Map<Modality, MediaTranscriber> transcribers) {
        Map<Modality, String> versions = new EnumMap<>(Modality.class);
        transcribers.forEach((m, t) -> versions.put(m, t.version()));
        return fingerprintOf(versions);
    }

    private static String fingerprintOf(Map<Modality, String> versions) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new EnumMap<>(versions).forEach((m, v) -> sha.update((m + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Closes the native towers' ONNX sessions and the recognisers the chain owns; the text tower belongs to the caller
     * and stays open. A recogniser that fails to close is logged and the rest are still closed.
     */
    @Override
    public void close() {
        towers.values().forEach(MediaTower::close);
        for (AutoCloseable r : recognizers) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing recogniser {} failed", r, e);
            }
        }
    }
}
