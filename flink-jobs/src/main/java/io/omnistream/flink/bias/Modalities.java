package io.omnistream.flink.bias;

import java.util.List;
import java.util.Objects;

/**
 * The modalities the bias metrics know, as the symbol strings of the Avro enum
 * {@code io.omnistream.schemas.avro.Modality} ({@code schemas/src/main/avro/Modality.avsc}), in the enum's order.
 * Comparison is exact (case-sensitive): the job passes {@code Modality.name()}.
 *
 * <p>The bias accumulators store per-modality (and per modality pair) counters in flat arrays indexed by the position
 * in {@link #ALL}, so their state layout is fixed by this list. Adding a symbol here changes that layout: state written
 * before must be dropped (the accumulators are kept per window/epoch, so restarting them from empty loses one window).
 * The Avro enum itself forbids adding a symbol without a reader default, so this is rare and deliberate.
 */
public final class Modalities {

    public static final String TEXT = "TEXT";
    public static final String IMAGE = "IMAGE";
    public static final String VIDEO = "VIDEO";
    public static final String AUDIO = "AUDIO";
    public static final String DOCUMENT = "DOCUMENT";

    /** Every modality, in the canonical order used for array layout and for the order of result rows. */
    public static final List<String> ALL = List.of(TEXT, IMAGE, VIDEO, AUDIO, DOCUMENT);

    /** Number of modalities ({@code ALL.size()}). */
    public static final int COUNT = ALL.size();

    private Modalities() {
    }

    /**
     * Position of a modality in {@link #ALL}.
     *
     * @throws IllegalArgumentException if {@code modality} is not one of {@link #ALL}
     * @throws NullPointerException     if {@code modality} is null
     */
    public static int index(String modality) {
        Objects.requireNonNull(modality, "modality");
        int i = ALL.indexOf(modality);
        if (i < 0) {
            throw new IllegalArgumentException("unknown modality '" + modality + "', expected one of " + ALL);
        }
        return i;
    }

    /** Whether {@code modality} is one of {@link #ALL}. */
    public static boolean isKnown(String modality) {
        return modality != null && ALL.contains(modality);
    }

    /** The modality at a position of {@link #ALL}. */
    public static String at(int index) {
        return ALL.get(index);
    }

    /** Returns {@code modality} after checking that it is known (for constructors). */
    static String require(String modality, String what) {
        Objects.requireNonNull(modality, what);
        if (!isKnown(modality)) {
            throw new IllegalArgumentException(what + " '" + modality + "' is not one of " + ALL);
        }
        return modality;
    }
}
