package io.omnistream.encoder.postprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.encoder.model.ModelRegistryException;
import io.omnistream.schemas.avro.Modality;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the registry's {@code postprocess:} steps and fingerprints a list of them. Syntax (one key per step):
 * <pre>
 * postprocess:
 *   - offset: {modality: DOCUMENT, value: 0.05}     # ModalityOffset
 *   - center: {centroids: centroids.json}           # ModalityCentering; relative to the registry file
 * </pre>
 * A centroids file is JSON {@code {"TEXT": [..], "DOCUMENT": [..], ...}} (other top-level keys, e.g. the model
 * version it was measured on, are ignored), as {@code ./omnistream replay --export-centroids FILE} writes it.
 */
public final class PostProcessSteps {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PostProcessSteps() {
    }

    /** Parses one step; errors name the step and field. */
    public static PostProcessStep parse(Map<String, Map<String, Object>> step, String where, Path baseDir) {
        if (step == null || step.size() != 1) {
            throw new ModelRegistryException(where + ": a step is one of {offset: {...}} or {center: {...}}, got " + step);
        }
        var entry = step.entrySet().iterator().next();
        Map<String, Object> args = entry.getValue() == null ? Map.of() : entry.getValue();
        try {
            switch (entry.getKey()) {
                case "offset" -> {
                    only(args, Set.of("modality", "value"), where);
                    Object modality = args.get("modality");
                    Object value = args.get("value");
                    if (modality == null || !(value instanceof Number n)) {
                        throw new ModelRegistryException(where + ": offset needs modality and a numeric value, got " + args);
                    }
                    return new ModalityOffset(Modality.valueOf(modality.toString().trim().toUpperCase(Locale.ROOT)),
                            n.doubleValue());
                }
                case "center" -> {
                    only(args, Set.of("centroids"), where);
                    Object file = args.get("centroids");
                    if (file == null) {
                        throw new ModelRegistryException(where + ": center needs 'centroids: FILE'");
                    }
                    Path path = Path.of(file.toString());
                    if (!path.isAbsolute() && baseDir != null) {
                        path = baseDir.resolve(path);
                    }
                    return new ModalityCentering(readCentroids(path));
                }
                default -> throw new ModelRegistryException(where + ": unknown step '" + entry.getKey()
                        + "'; expected offset or center");
            }
        } catch (IllegalArgumentException e) {
            throw new ModelRegistryException(where + ": " + e.getMessage(), e);
        }
    }

    /** Reads a centroids JSON file: modality name → array of numbers. */
    public static Map<Modality, float[]> readCentroids(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read centroids file " + file + ": " + e.getMessage(), e);
        }
        Map<Modality, float[]> out = new EnumMap<>(Modality.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            Modality m;
            try {
                m = Modality.valueOf(e.getKey());
            } catch (IllegalArgumentException notAModality) {
                continue;
            }
            if (!e.getValue().isArray()) {
                throw new IllegalArgumentException(file + ": " + e.getKey() + " is not an array of numbers");
            }
            float[] c = new float[e.getValue().size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) e.getValue().get(i).asDouble(Double.NaN);
            }
            out.put(m, c);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no centroid (keys TEXT, IMAGE, VIDEO, AUDIO, DOCUMENT)");
        }
        return out;
    }

    /** A short fingerprint of the steps' descriptors in order; empty string for no steps. */
    public static String fingerprint(List<PostProcessStep> steps) {
        if (steps.isEmpty()) {
            return "";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (PostProcessStep s : steps) {
                sha.update((s.descriptor() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void only(Map<String, Object> args, Set<String> allowed, String where) {
        for (String k : args.keySet()) {
            if (!allowed.contains(k)) {
                throw new ModelRegistryException(where + ": unknown field '" + k + "'; allowed " + allowed);
            }
        }
    }
}
