package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.encoder.tower.Preprocessing.Interpolation;
import io.omnistream.encoder.tower.Preprocessing.ResizeMode;
import io.omnistream.encoder.tower.TensorInputSpec;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real Tux Paint stamps (shared/data/tuxpaint-stamps, GPL-2) through {@link ImageTensors}, compared with Pillow 13.0.0.
 *
 * <p>The reference numbers below were printed by {@code src/test/resources/media-reference/pillow_reference.py}
 * (Pillow's {@code Image.open(...).convert("RGB" | "L").resize((w, h), BILINEAR | BICUBIC, reducing_gap=None)},
 * plus torchvision's Resize + CenterCrop arithmetic for the CLIP case), not by the code under test. For each case:
 * the sum of all 8-bit values, a position-weighted checksum {@code sum(v[i] * ((31 i + 7) % 101))} over the flat
 * {@code [y][x][c]} array, and six sampled pixels inside the drawing.
 *
 * <p>The brief allowed 1/255 per value; the checksums are compared exactly because the resampler reproduces
 * Pillow's fixed-point arithmetic, so any difference is a bug. Sampled pixels are checked to 1/255 (in [0, 1] units,
 * i.e. one 8-bit level) as values, and the values fed are {@code v / 255} (mean 0, std 1).
 */
class ImageTensorsPillowTest {
    private static final String ROSELLA = "tuxpaint-stamps/animals/birds/adelaide-rosella.png"; // RGBA 93x120
    private static final String PEAHEN = "tuxpaint-stamps/animals/birds/albino_peahen.png";     // RGBA 435x374
    private static final String BEE = "tuxpaint-stamps/animals/insects/bee.png";                // LA 671x538

    record Sample(int x, int y, int... values) {}

    private static float[] run(String file, int channels, int h, int w, ResizeMode mode, Interpolation interpolation)
            throws Exception {
        byte[] png = Files.readAllBytes(MediaTestSupport.sharedData(file));
        List<Double> zero = Collections.nCopies(channels, 0.0);
        List<Double> one = Collections.nCopies(channels, 1.0);
        // NHWC: the flat order is Pillow/numpy's [y][x][c]
        ImageTensors tensors = new ImageTensors(TensorInputSpec.image("pixel_values", Layout.NHWC, channels, h, w),
                new Preprocessing.Image(zero, one, mode, interpolation), ImageSettings.DEFAULT);
        return tensors.item(png);
    }

    private static void assertMatchesPillow(float[] values, int width, int channels, long sum, long weighted,
                                            Sample... samples) {
        long s = 0;
        long ws = 0;
        for (int i = 0; i < values.length; i++) {
            long v = Math.round(values[i] * 255.0);
            s += v;
            ws += v * ((31L * i + 7) % 101);
        }
        for (Sample p : samples) {
            for (int c = 0; c < channels; c++) {
                assertThat(values[(p.y * width + p.x) * channels + c])
                        .as("pixel (%d, %d) channel %d", p.x, p.y, c)
                        .isCloseTo(p.values[c] / 255f, within(1f / 255f + 1e-6f));
            }
        }
        assertThat(s).as("sum of 8-bit values").isEqualTo(sum);
        assertThat(ws).as("position-weighted checksum").isEqualTo(weighted);
    }

    @Test
    void rgbaUpscaleBilinearMatchesPillow() throws Exception {
        // rosella RGB 224x224 STRETCH BILINEAR (upscale) (224, 224, 3) sum 33963709 weighted 1698204897
        assertMatchesPillow(run(ROSELLA, 3, 224, 224, ResizeMode.STRETCH, Interpolation.BILINEAR), 224, 3,
                33963709L, 1698204897L,
                new Sample(138, 0, 255, 255, 254), new Sample(147, 41, 222, 195, 131),
                new Sample(162, 63, 198, 180, 147), new Sample(57, 85, 102, 108, 137),
                new Sample(21, 105, 253, 253, 253), new Sample(57, 153, 96, 118, 174));
    }

    @Test
    void rgbaUpscaleBicubicMatchesPillow() throws Exception {
        // rosella RGB 224x224 STRETCH BICUBIC (upscale) (224, 224, 3) sum 33921142 weighted 1696075974
        assertMatchesPillow(run(ROSELLA, 3, 224, 224, ResizeMode.STRETCH, Interpolation.BICUBIC), 224, 3,
                33921142L, 1696075974L,
                new Sample(139, 0, 177, 177, 146), new Sample(157, 41, 227, 113, 11),
                new Sample(71, 64, 228, 228, 222), new Sample(64, 85, 115, 124, 144),
                new Sample(68, 105, 163, 131, 72), new Sample(63, 153, 155, 174, 217));
    }

    @Test
    void downscaleIsAntialiasedLikePillow() throws Exception {
        // peahen RGB 224x224 STRETCH BICUBIC (downscale, antialiased) (224, 224, 3) sum 33225506 weighted 1661277309
        assertMatchesPillow(run(PEAHEN, 3, 224, 224, ResizeMode.STRETCH, Interpolation.BICUBIC), 224, 3,
                33225506L, 1661277309L,
                new Sample(206, 0, 245, 245, 232), new Sample(67, 133, 255, 255, 251),
                new Sample(204, 155, 145, 155, 91), new Sample(89, 171, 153, 143, 77),
                new Sample(57, 186, 191, 182, 122), new Sample(201, 201, 137, 152, 73));
    }

    @Test
    void clipResizeAndCenterCropMatchesTorchvisionOnPillow() throws Exception {
        // peahen CLIP geometry (resized w, h, left, top) (260, 224, 18, 0)
        // peahen RGB 224 SHORTER_THEN_CENTER_CROP BICUBIC (224, 224, 3) sum 32719261 weighted 1636093541
        assertMatchesPillow(run(PEAHEN, 3, 224, 224, ResizeMode.SHORTER_THEN_CENTER_CROP, Interpolation.BICUBIC), 224, 3,
                32719261L, 1636093541L,
                new Sample(221, 0, 253, 253, 247), new Sample(56, 134, 254, 254, 253),
                new Sample(161, 155, 239, 232, 223), new Sample(36, 171, 168, 159, 92),
                new Sample(159, 186, 182, 198, 112), new Sample(165, 202, 96, 98, 38));
    }

    @Test
    void greyWithAlphaDownscaledToOneChannelMatchesPillow() throws Exception {
        // bee L 96x80 STRETCH BILINEAR (downscale, antialiased) (80, 96) sum 198312 weighted 9904861
        assertMatchesPillow(run(BEE, 1, 80, 96, ResizeMode.STRETCH, Interpolation.BILINEAR), 96, 1,
                198312L, 9904861L,
                new Sample(49, 0, 2), new Sample(55, 11, 234), new Sample(40, 18, 146),
                new Sample(53, 24, 27), new Sample(52, 30, 241), new Sample(72, 38, 204));
    }

    @Test
    void rgbToLumaThenBicubicMatchesPillow() throws Exception {
        // rosella L 224x224 STRETCH BICUBIC (RGB -> L luma, then upscale) (224, 224) sum 11328386 weighted 566385470
        assertMatchesPillow(run(ROSELLA, 1, 224, 224, ResizeMode.STRETCH, Interpolation.BICUBIC), 224, 1,
                11328386L, 566385470L,
                new Sample(139, 0, 174), new Sample(156, 41, 134), new Sample(163, 63, 207),
                new Sample(64, 85, 123), new Sample(68, 105, 134), new Sample(62, 153, 161));
    }
}
