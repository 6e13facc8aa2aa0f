package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.encoder.tower.Preprocessing.Interpolation;
import io.omnistream.encoder.tower.Preprocessing.ResizeMode;
import io.omnistream.encoder.tower.TensorInputSpec;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resize, crop, normalisation and layout on images of a few pixels, with every expected value worked out by hand in
 * the comments (and, for the resize, identical to Pillow 13's {@code Image.resize}).
 */
class ImageTensorsTest {
    private static final List<Double> ZERO = List.of(0.0);
    private static final List<Double> ONE = List.of(1.0);

    /** Grey image from rows of 8-bit values (TYPE_BYTE_GRAY: read from the raster, no colour conversion). */
    static BufferedImage grey(int[][] rows) {
        BufferedImage img = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                img.getRaster().setSample(x, y, 0, rows[y][x]);
            }
        }
        return img;
    }

    static ImageTensors greyTensors(int h, int w, ResizeMode mode, Interpolation interpolation) {
        return new ImageTensors(TensorInputSpec.image("pixel_values", Layout.NCHW, 1, h, w),
                new Preprocessing.Image(ZERO, ONE, mode, interpolation), ImageSettings.DEFAULT);
    }

    /** Values back in 8-bit units (mean 0, std 1 gives v / 255). */
    static int[] levels(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i] * 255f);
            assertThat(values[i] * 255.0).isCloseTo(out[i], within(1e-3));
        }
        return out;
    }

    @Test
    void bilinearUpscale2x2To4x4UsesHalfPixelCentresAndRoundsEachPass() {
        // Input        Per axis, 2 -> 4 (scale 0.5): output i is centred at (i + 0.5) * 0.5 = 0.25, 0.75, 1.25, 1.75 in
        //  0 100       input coordinates, input pixel j at j + 0.5. Triangle weights, taps outside the image dropped
        //  200 255     and the rest renormalised: out = [a, 0.75a + 0.25b, 0.25a + 0.75b, b].
        // Horizontal pass first, rounded half up to 8 bits:
        //   row 0: 0, 25, 75, 100;  row 1: 200, 0.75*200 + 0.25*255 = 213.75 -> 214, 0.25*200 + 0.75*255 = 241.25 -> 241, 255
        // Vertical pass on those:
        //   y1 = 0.75*row0 + 0.25*row1: 50, 18.75 + 53.5 = 72.25 -> 72, 56.25 + 60.25 = 116.5 -> 117, 75 + 63.75 = 138.75 -> 139
        //   y2 = 0.25*row0 + 0.75*row1: 150, 6.25 + 160.5 = 166.75 -> 167, 18.75 + 180.75 = 199.5 -> 200, 25 + 191.25 = 216.25 -> 216
        // (Pillow 13: np.asarray(Image.fromarray(..., 'L').resize((4, 4), Image.BILINEAR)) prints the same matrix.)
        float[] out = greyTensors(4, 4, ResizeMode.STRETCH, Interpolation.BILINEAR)
                .item(grey(new int[][] {{0, 100}, {200, 255}}));
        assertThat(levels(out)).containsExactly(
                0, 25, 75, 100,
                50, 72, 117, 139,
                150, 167, 200, 216,
                200, 214, 241, 255);
    }

    @Test
    void bicubicUpscaleOfAStepUsesAMinusHalfAndClipsOvershoot() {
        // One row 0, 0, 255, 255 (4 px) -> 8 px, bicubic a = -0.5 (Pillow). Output i is centred at (i + 0.5) / 2,
        // input pixel j at j + 0.5; kernel k(t) = 1.5|t|^3 - 2.5|t|^2 + 1 for |t| < 1,
        // -0.5 (|t|^3 - 5|t|^2 + 8|t| - 4) for 1 <= |t| < 2:
        //   k(0.25) = 0.8671875, k(0.75) = 0.2265625, k(1.25) = -0.0703125, k(1.75) = -0.0234375
        // Output 3 (centre 1.75): taps j = 0..3 at distances 1.25, 0.25, 0.75, 1.75 (weights sum to 1):
        //   255 * (0.2265625 - 0.0234375) = 51.796875 -> 52
        // Output 4 (centre 2.25) is its mirror image: 255 * (0.8671875 - 0.0703125) = 203.2 -> 203
        // Output 1 (centre 0.75): taps j = 0..2 (j = -1 lies outside and is dropped) at distances 0.25, 0.75, 1.75,
        //   weights renormalised by their sum 1.0703125: 255 * -0.0234375 / 1.0703125 = -5.58 -> clipped to 0
        // Output 5 (centre 2.75): taps j = 1..3 at distances 1.25, 0.25, 0.75, sum 1.0234375:
        //   255 * (0.8671875 + 0.2265625) / 1.0234375 = 272.5 -> clipped to 255
        // (Pillow 13 gives 0 0 0 52 203 255 255 255.)
        float[] out = greyTensors(1, 8, ResizeMode.STRETCH, Interpolation.BICUBIC)
                .item(grey(new int[][] {{0, 0, 255, 255}}));
        assertThat(levels(out)).containsExactly(0, 0, 0, 52, 203, 255, 255, 255);
    }

    @Test
    void bilinearDownscaleAveragesLikePillowInsteadOfSkippingPixels() {
        // 1 x 8 row 0, 0, 0, 0, 255, 255, 255, 255 -> 2 px. Scale 4: Pillow stretches the triangle to support 4 and
        // weights taps by k(d / 4). Output 0 is centred at 2.0; taps j = 0..5 (from max(0, int(2 - 4 + 0.5)) = 0 to
        // int(2 + 4 + 0.5) - 1 = 5) at distances |j + 0.5 - 2| = 1.5, 0.5, 0.5, 1.5, 2.5, 3.5, weights
        // 1 - d/4 = 0.625, 0.875, 0.875, 0.625, 0.375, 0.125 (sum 3.5): 255 * (0.375 + 0.125) / 3.5 = 36.43 -> 36.
        // Output 1 mirrors it: 255 * 3 / 3.5 = 218.57 -> 219. (Pillow 13 gives 36 219.)
        // Plain 2-tap bilinear without antialiasing would read pixels 1 and 2 (and 5 and 6) only: 0 and 255.
        float[] out = greyTensors(1, 2, ResizeMode.STRETCH, Interpolation.BILINEAR)
                .item(grey(new int[][] {{0, 0, 0, 0, 255, 255, 255, 255}}));
        assertThat(levels(out)).containsExactly(36, 255 - 36);
    }

    @Test
    void centreCropUsesTorchvisionRoundingHalfToEven() {
        // 2 wide x 5 tall, target 2x2, SHORTER_THEN_CENTER_CROP: the shorter side (2) already equals the target and
        // the longer becomes int(2 * 5 / 2) = 5, so nothing is resized. top = round((5 - 2) / 2) = round(1.5) = 2
        // (Python round, half to even; Hugging Face's floor would give 1), left = 0: rows 2 and 3 are kept.
        int[][] rows = {{10, 11}, {20, 21}, {30, 31}, {40, 41}, {50, 51}};
        float[] out = greyTensors(2, 2, ResizeMode.SHORTER_THEN_CENTER_CROP, Interpolation.BICUBIC).item(grey(rows));
        assertThat(levels(out)).containsExactly(30, 31, 40, 41);

        // 6 wide x 4 tall, target 4x4: shorter side 4 = target, longer int(4 * 6 / 4) = 6, left = round(2 / 2) = 1:
        // columns 1..4.
        int[][] wide = new int[4][6];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                wide[y][x] = 10 * y + x;
            }
        }
        float[] out2 = greyTensors(4, 4, ResizeMode.SHORTER_THEN_CENTER_CROP, Interpolation.BILINEAR).item(grey(wide));
        assertThat(levels(out2)).containsExactly(
                1, 2, 3, 4,
                11, 12, 13, 14,
                21, 22, 23, 24,
                31, 32, 33, 34);
    }

    @Test
    void coverSizeTruncatesTheLongerSideLikeTorchvision() {
        // torchvision Resize(224) of 435x374: shorter 374 -> 224, longer int(224 * 435 / 374) = int(260.53) = 260
        assertThat(ImageTensors.coverSize(435, 374, 224, 224)).containsExactly(260, 224);
        // portrait 374x435: width 224, height 260
        assertThat(ImageTensors.coverSize(374, 435, 224, 224)).containsExactly(224, 260);
        // square stays square
        assertThat(ImageTensors.coverSize(500, 500, 224, 224)).containsExactly(224, 224);
        // int(224 * 1000 / 3) = int(74666.67) = 74666 for a 1000x3 strip
        assertThat(ImageTensors.coverSize(1000, 3, 224, 224)).containsExactly(74666, 224);
        // non-square target 100 tall x 200 wide from 300x300: scale factors 1/3 and 2/3, the width rules: 200x200
        assertThat(ImageTensors.coverSize(300, 300, 100, 200)).containsExactly(200, 200);
    }

    @Test
    void nchwAndNhwcOrderTheSameNormalisedValuesDifferently() {
        // 2 x 1 RGB image: pixel 0 = (51, 102, 153), pixel 1 = (204, 255, 0); same size target, no resize.
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 51 << 16 | 102 << 8 | 153);
        img.setRGB(1, 0, 204 << 16 | 255 << 8);
        // mean (0.1, 0.2, 0.3), std (0.5, 0.25, 2): (v/255 - mean) / std
        //   pixel 0: R (0.2 - 0.1) / 0.5 = 0.2, G (0.4 - 0.2) / 0.25 = 0.8, B (0.6 - 0.3) / 2 = 0.15
        //   pixel 1: R (0.8 - 0.1) / 0.5 = 1.4, G (1.0 - 0.2) / 0.25 = 3.2, B (0.0 - 0.3) / 2 = -0.15
        Preprocessing.Image prep = new Preprocessing.Image(List.of(0.1, 0.2, 0.3), List.of(0.5, 0.25, 2.0),
                ResizeMode.STRETCH, Interpolation.BICUBIC);
        float[] nchw = new ImageTensors(TensorInputSpec.image("x", Layout.NCHW, 3, 1, 2), prep, ImageSettings.DEFAULT)
                .item(img);
        float[] nhwc = new ImageTensors(TensorInputSpec.image("x", Layout.NHWC, 3, 1, 2), prep, ImageSettings.DEFAULT)
                .item(img);
        // NCHW [c][y][x]: R0 R1 G0 G1 B0 B1; NHWC [y][x][c]: R0 G0 B0 R1 G1 B1
        assertThat(nchw).containsExactly(new float[] {0.2f, 1.4f, 0.8f, 3.2f, 0.15f, -0.15f}, within(1e-6f));
        assertThat(nhwc).containsExactly(new float[] {0.2f, 0.8f, 0.15f, 1.4f, 3.2f, -0.15f}, within(1e-6f));
    }

    @Test
    void oneChannelInputsGetPillowLuma() {
        // Pillow convert("L"): (R*19595 + G*38470 + B*7471 + 32768) >> 16
        //   red   (255, 0, 0): (4996725 + 32768) >> 16 = 76
        //   green (0, 255, 0): (9809850 + 32768) >> 16 = 150
        //   blue  (0, 0, 255): (1905105 + 32768) >> 16 = 29
        //   (10, 200, 30):     (195950 + 7694000 + 224130 + 32768) >> 16 = 124
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x00FF00);
        img.setRGB(2, 0, 0x0000FF);
        img.setRGB(3, 0, 10 << 16 | 200 << 8 | 30);
        float[] out = greyTensors(1, 4, ResizeMode.STRETCH, Interpolation.BILINEAR).item(img);
        assertThat(levels(out)).containsExactly(76, 150, 29, 124);
    }

    @Test
    void greyImagesKeepTheirValuesInRgbAndGrey() {
        // A TYPE_BYTE_GRAY value of 100 must stay 100: BufferedImage.getRGB would gamma-convert it (to 168).
        BufferedImage g = grey(new int[][] {{100, 7}});
        assertThat(levels(greyTensors(1, 2, ResizeMode.STRETCH, Interpolation.BILINEAR).item(g))).containsExactly(100, 7);
        float[] rgb = new ImageTensors(TensorInputSpec.image("x", Layout.NHWC, 3, 1, 2),
                new Preprocessing.Image(List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0), ResizeMode.STRETCH,
                        Interpolation.BILINEAR), ImageSettings.DEFAULT).item(g);
        assertThat(levels(rgb)).containsExactly(100, 100, 100, 7, 7, 7);
    }

    @Test
    void alphaIsDroppedOrCompositedOnWhite() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00000000);                         // fully transparent black
        img.setRGB(1, 0, 128 << 24 | 100 << 16 | 50 << 8);     // (100, 50, 0) at alpha 128
        Preprocessing.Image prep = new Preprocessing.Image(List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0),
                ResizeMode.STRETCH, Interpolation.BILINEAR);
        TensorInputSpec in = TensorInputSpec.image("x", Layout.NHWC, 3, 1, 2);
        // DROP (Pillow convert("RGB")): stored colours
        assertThat(levels(new ImageTensors(in, prep, ImageSettings.DEFAULT).item(img)))
                .containsExactly(0, 0, 0, 100, 50, 0);
        // WHITE: c * a/255 + 255 * (1 - a/255): transparent -> 255; (100*128 + 255*127) / 255 = 177.2 -> 177,
        // (50*128 + 255*127) / 255 = 152.1 -> 152, (0 + 255*127) / 255 = 127
        ImageTensors white = new ImageTensors(in, prep, new ImageSettings(1000, ImageSettings.AlphaMode.WHITE));
        assertThat(levels(white.item(img))).containsExactly(255, 255, 255, 177, 152, 127);
    }

    @Test
    void batchConcatenatesItemsInOrder() {
        ImageTensors t = greyTensors(1, 2, ResizeMode.STRETCH, Interpolation.BILINEAR);
        float[] batch = t.batchOfImages(List.of(grey(new int[][] {{1, 2}}), grey(new int[][] {{3, 4}})));
        assertThat(levels(batch)).containsExactly(1, 2, 3, 4);
        assertThat(t.itemSize()).isEqualTo(2);
        assertThat(t.input().shape(2)).containsExactly(2, 1, 1, 2);
    }

    @Test
    void rejectsInputsThatAreNotImagesOrHaveWrongChannelCounts() {
        Preprocessing.Image rgb = new Preprocessing.Image(List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5),
                ResizeMode.STRETCH, Interpolation.BICUBIC);
        assertThatThrownBy(() -> new ImageTensors(TensorInputSpec.melFrames("x", 80, 3000), rgb, ImageSettings.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an image layout");
        assertThatThrownBy(() -> new ImageTensors(TensorInputSpec.image("x", Layout.NCHW, 4, 8, 8),
                new Preprocessing.Image(List.of(0.5, 0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5, 0.5), ResizeMode.STRETCH,
                        Interpolation.BICUBIC), ImageSettings.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 channels");
        assertThatThrownBy(() -> new ImageTensors(TensorInputSpec.image("x", Layout.NCHW, 1, 8, 8), rgb,
                ImageSettings.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean/std have 3 values");
    }
}
