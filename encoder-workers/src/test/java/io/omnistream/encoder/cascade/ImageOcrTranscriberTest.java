package io.omnistream.encoder.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageOcrTranscriber#decode}: a real photo (COCO val2017 000000000139, 640 x 426 baseline JPEG, from
 * ../shared/data) decodes; the same file cut off in the middle of its scan, which ImageIO decodes without an
 * exception (the lower part filled in, reported only as warnings), is refused as damaged, as is a PNG cut short.
 */
class ImageOcrTranscriberTest {
    private static final long MAX_PIXELS = 50_000_000L;

    @Test
    void aCompleteJpegDecodesAtItsSize() throws Exception {
        BufferedImage image = ImageOcrTranscriber.decode(photo(), MAX_PIXELS, "image");
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(426);
    }

    @Test
    void aJpegCutOffMidScanIsRefusedAsDamagedNotHalfDecoded() throws Exception {
        byte[] photo = photo();
        byte[] half = Arrays.copyOf(photo, photo.length / 2);
        assertThatThrownBy(() -> ImageOcrTranscriber.decode(half, MAX_PIXELS, "image"))
                .isInstanceOf(PermanentFailureException.class)
                .satisfies(e -> assertThat(((PermanentFailureException) e).stage()).isEqualTo("preprocess"))
                .hasMessageContaining("image: " + half.length + " bytes of JPEG are damaged (truncated or corrupt)")
                .hasMessageContaining("premature end of data segment");
    }

    @Test
    void aPngCutShortIsRefused() throws Exception {
        byte[] png = Files.readAllBytes(shared("tuxpaint-stamps/animals/marsupials/wombat.png"));
        byte[] third = Arrays.copyOf(png, png.length / 3);
        assertThatThrownBy(() -> ImageOcrTranscriber.decode(third, MAX_PIXELS, "image"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("image: cannot decode " + third.length + " bytes as png");
    }

    private static byte[] photo() throws Exception {
        return Files.readAllBytes(shared("coco-mini/val2017/000000000139.jpg"));
    }

    /** {@code shared/data} beside the checkout (Surefire passes omnistream.shared.dir); skipped without it. */
    private static Path shared(String relative) {
        Path path = Path.of(System.getProperty("omnistream.shared.dir", "../shared"), "data", relative);
        Assumptions.assumeTrue(Files.exists(path), "real data not found at " + path);
        return path;
    }
}
