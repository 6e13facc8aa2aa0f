package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;

/**
 * Fuzzes {@link ImageDecoder#decode} (ImageIO with the TwelveMonkeys WebP plugin, the pixel limit, the JPEG
 * truncation check and EXIF orientation) with arbitrary bytes, as a worker gets them from an image event's payload.
 *
 * <p>Invariant: a decoded image within the pixel limit (orientation can swap width and height, never the pixel
 * count), or {@link PermanentFailureException} with stage {@code preprocess}. Any other exception, a hang (libFuzzer
 * {@code -timeout}) or an OutOfMemoryError (the fuzzing JVM has {@code fuzz.heap} = 1 GiB; the limit here allows at
 * most {@link #MAX_PIXELS} pixels, a few MiB decoded) is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds (small real PNG, JPEG with EXIF orientation, WebP, GIF, BMP)
 * and regression inputs under
 * {@code src/test/resources/io/omnistream/encoder/media/ImageDecoderFuzzTestInputs/decode/}.
 */
class ImageDecoderFuzzTest {
    /** Small, so that a fuzzed header's large size is refused before decoding, as the worker's limit would. */
    static final long MAX_PIXELS = 1_000_000;
    private static final ImageSettings SETTINGS = new ImageSettings(MAX_PIXELS, ImageSettings.AlphaMode.DROP);

    @FuzzTest
    void decode(byte[] bytes) {
        BufferedImage image;
        try {
            image = ImageDecoder.decode(bytes, SETTINGS);
        } catch (PermanentFailureException e) {
            assertThat(e.stage()).isEqualTo("preprocess");
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isPositive();
        assertThat(image.getHeight()).isPositive();
        assertThat((long) image.getWidth() * image.getHeight()).isLessThanOrEqualTo(MAX_PIXELS);
    }
}
