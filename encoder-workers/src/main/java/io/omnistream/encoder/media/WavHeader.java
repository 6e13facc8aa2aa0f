package io.omnistream.encoder.media;

import io.omnistream.runtime.error.PermanentFailureException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The duration a RIFF/WAVE file declares in its header: the {@code data} chunk's size over the {@code fmt } chunk's
 * byte rate (bytes per second). Read from the header alone, so a WAV that claims ten hours is refused before any
 * decoder touches it ({@link #checkDeclaredDuration}).
 *
 * <p>Chunks are walked from offset 12 (after {@code RIFF size WAVE}), each an id, a little-endian 32-bit size and the
 * data padded to an even length, until both chunks are found or the bytes end. Not declared (empty result): no
 * RIFF/WAVE header, no {@code fmt } before {@code data}, a zero byte rate, a data size of 0 or 0xFFFFFFFF (written by
 * streaming encoders that could not seek back), or RF64 (64-bit sizes in a {@code ds64} chunk). Audio without a
 * declared duration is still bounded, by the decoder's cap ({@code ffmpeg -t}).
 */
public final class WavHeader {
    private WavHeader() {}

    /** The declared duration in seconds, if the header declares one. */
    public static OptionalDouble declaredSeconds(byte[] bytes) {
        if (bytes == null || bytes.length < 12 || !ascii(bytes, 0, "RIFF") || !ascii(bytes, 8, "WAVE")) {
            return OptionalDouble.empty();
        }
        long byteRate = -1;
        long offset = 12;
        while (offset + 8 <= bytes.length) {
            int at = (int) offset;
            long size = u32(bytes, at + 4);
            if (ascii(bytes, at, "fmt ")) {
                if (at + 20 > bytes.length || size < 12) {
                    return OptionalDouble.empty();
                }
                byteRate = u32(bytes, at + 16);
            } else if (ascii(bytes, at, "data")) {
                if (byteRate <= 0 || size == 0 || size == 0xFFFFFFFFL) {
                    return OptionalDouble.empty();
                }
                return OptionalDouble.of((double) size / byteRate);
            }
            offset += 8 + size + (size & 1);
        }
        return OptionalDouble.empty();
    }

    /**
     * Refuses a WAV whose header declares more than {@code maxSeconds}.
     *
     * @throws PermanentFailureException "audio is N s (declared by its WAV header), over the M s budget"
     */
    public static void checkDeclaredDuration(byte[] bytes, double maxSeconds) {
        OptionalDouble seconds = declaredSeconds(bytes);
        if (seconds.isPresent() && seconds.getAsDouble() > maxSeconds) {
            throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                    "audio is %.1f s (declared by its WAV header), over the %s s budget", seconds.getAsDouble(),
                    plain(maxSeconds)));
        }
    }

    static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean ascii(byte[] b, int offset, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        if (offset < 0 || b.length < offset + t.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            if (b[offset + i] != t[i]) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int i) {
        if (i + 4 > b.length) {
            return 0;
        }
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }
}
