package io.omnistream.encoder.media;

import io.omnistream.encoder.tower.Preprocessing.Interpolation;
import io.omnistream.encoder.tower.Preprocessing.ResizeMode;
import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TensorInputSpec;
import io.omnistream.encoder.tower.TowerSpec;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Turns images into the float values of an image tower's input ({@link TensorInputSpec} with layout NCHW or NHWC,
 * {@link Preprocessing.Image}), reproducing the Pillow-based pipeline of Hugging Face image processors
 * (CLIPImageProcessor, SiglipImageProcessor) and torchvision transforms:
 *
 * <ol>
 *   <li>decode ({@link ImageDecoder}: pixel limit before decoding, JPEG EXIF orientation);</li>
 *   <li>to 8-bit RGB, or for 1-channel inputs 8-bit luma (Pillow {@code convert("L")}: ITU-R 601-2,
 *       {@code (R*19595 + G*38470 + B*7471 + 32768) >> 16}); alpha per {@link ImageSettings#alpha()};</li>
 *   <li>resize ({@link Resampler}: Pillow's BILINEAR / BICUBIC (a = -0.5) with half-pixel centres and Pillow's
 *       antialiasing on downscale, 8-bit results):
 *     <ul>
 *       <li>{@code STRETCH}: straight to height x width;</li>
 *       <li>{@code SHORTER_THEN_CENTER_CROP}: for a square target of size s, the shorter side becomes s and the
 *           longer {@code int(s * long / short)} (truncated, as torchvision {@code Resize(int)} and Hugging Face
 *           {@code shortest_edge} do); for a non-square target, the side with the larger scale factor becomes its
 *           target and the other is truncated the same way (never below its target). Then the centre crop with
 *           torchvision's rounding: {@code top = round((h - th) / 2)}, {@code left = round((w - tw) / 2)}, Python
 *           {@code round} (half to even). Hugging Face's {@code center_crop} floors instead, which differs by one
 *           pixel when the excess is 3 mod 4;</li>
 *     </ul></li>
 *   <li>{@code (v / 255 - mean[c]) / std[c]} per channel, computed in double, stored as float;</li>
 *   <li>written row-major in the input's layout: NCHW item {@code [c][y][x]}, NHWC item {@code [y][x][c]}.</li>
 * </ol>
 *
 * <p>Not reproduced: Pillow's JPEG decoder (libjpeg-turbo) and the JDK's differ by small amounts in IDCT and
 * chroma upsampling, so JPEG tensors are close to, not identical with, Pillow's; PNG / WebP (lossless) pixels are
 * identical. Hugging Face processors do not apply EXIF orientation (Pillow's {@code open} does not); this class
 * does, because the displayed orientation is what a user means.
 *
 * <p>Thread-safe (immutable).
 */
public final class ImageTensors {
    /**
     * Identifies the conventions above; a change to them changes this text. Meant to be part of the encoding chain
     * version next to {@link Preprocessing#descriptor()}, which only names the declared settings.
     */
    public static final String IMPLEMENTATION =
            "omnistream-image/1(pillow-resample aa-downscale bicubic-a=-0.5 8bit; crop=torchvision-round; exif-orientation)";

    private final TensorInputSpec input;
    private final Preprocessing.Image preprocessing;
    private final ImageSettings settings;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * @throws IllegalArgumentException if the input is not an image layout, has neither 1 nor 3 channels, or the
     *                                  preprocessing's mean/std do not have one value per channel
     */
    public ImageTensors(TensorInputSpec input, Preprocessing.Image preprocessing, ImageSettings settings) {
        this.input = Objects.requireNonNull(input, "input");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!input.layout().isImage()) {
            throw new IllegalArgumentException("input '" + input.name() + "' has layout " + input.layout()
                    + ", not an image layout (NCHW, NHWC)");
        }
        List<Integer> dims = input.itemShape();
        this.channels = input.layout() == Layout.NCHW ? dims.get(0) : dims.get(2);
        this.height = input.layout() == Layout.NCHW ? dims.get(1) : dims.get(0);
        this.width = input.layout() == Layout.NCHW ? dims.get(2) : dims.get(1);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input '" + input.name() + "': " + channels
                    + " channels; images have 3 (RGB) or 1 (grey)");
        }
        if (preprocessing.mean().size() != channels) {
            throw new IllegalArgumentException("input '" + input.name() + "' has " + channels + " channels but mean/std have "
                    + preprocessing.mean().size() + " values");
        }
    }

    /**
     * For a tower declared with an image input, or with a clip input (then one frame of the clip:
     * {@link TensorInputSpec#frameInput()}); {@link IllegalArgumentException} for an audio tower.
     */
    public static ImageTensors of(TowerSpec tower, ImageSettings settings) {
        if (!(tower.preprocessing() instanceof Preprocessing.Image image)) {
            throw new IllegalArgumentException("tower input '" + tower.input().name() + "' is not an image input ("
                    + tower.preprocessing().descriptor() + ")");
        }
        return new ImageTensors(tower.input().frameInput(), image, settings);
    }

    public TensorInputSpec input() {
        return input;
    }

    public ImageSettings settings() {
        return settings;
    }

    /** Floats per item: channels x height x width. */
    public int itemSize() {
        return channels * height * width;
    }

    /** Decodes (see {@link ImageDecoder}) and converts one encoded image. */
    public float[] item(byte[] encodedImage) {
        return item(ImageDecoder.decode(encodedImage, settings));
    }

    /** Converts one decoded image (already oriented). */
    public float[] item(BufferedImage image) {
        float[] out = new float[itemSize()];
        write(image, out, 0);
        return out;
    }

    /** Writes one item's {@link #itemSize()} floats into {@code out} from {@code offset}. */
    public void write(BufferedImage image, float[] out, int offset) {
        Objects.checkFromIndexSize(offset, itemSize(), out.length);
        long pixels = (long) image.getWidth() * image.getHeight();
        if (pixels > settings.maxPixels()) {
            throw new PermanentFailureException("preprocess", "image: "
                    + image.getWidth() + "x" + image.getHeight() + " = " + pixels + " pixels exceeds the limit of "
                    + settings.maxPixels() + " pixels");
        }
        Pixels resized = resizeAndCrop(Pixels.from(image, channels, settings.alpha()), height, width,
                preprocessing.resize(), preprocessing.interpolation());
        normalise(resized, out, offset);
    }

    /** A batch of encoded images as {@code float[batch * itemSize()]}, items in order (shape {@code input().shape(n)}). */
    public float[] batch(List<byte[]> encodedImages) {
        float[] out = new float[Math.multiplyExact(encodedImages.size(), itemSize())];
        for (int i = 0; i < encodedImages.size(); i++) {
            write(ImageDecoder.decode(encodedImages.get(i), settings), out, i * itemSize());
        }
        return out;
    }

    /** A batch of decoded images as {@code float[batch * itemSize()]}. */
    public float[] batchOfImages(List<BufferedImage> images) {
        float[] out = new float[Math.multiplyExact(images.size(), itemSize())];
        for (int i = 0; i < images.size(); i++) {
            write(images.get(i), out, i * itemSize());
        }
        return out;
    }

    static Pixels resizeAndCrop(Pixels src, int th, int tw, ResizeMode mode, Interpolation interpolation) {
        if (mode == ResizeMode.STRETCH) {
            return Resampler.resize(src, tw, th, interpolation);
        }
        int[] size = coverSize(src.width, src.height, th, tw);
        Pixels resized = Resampler.resize(src, size[0], size[1], interpolation);
        int top = (int) Math.rint((resized.height - th) / 2.0);
        int left = (int) Math.rint((resized.width - tw) / 2.0);
        return resized.crop(left, top, tw, th);
    }

    /**
     * {@code {width, height}} the image is resized to before the centre crop: the side with the larger scale
     * factor becomes its target exactly, the other {@code int(target * other / side)}, at least its own target.
     * For a square target this is torchvision's {@code Resize(s)}: shorter side s, longer {@code int(s*long/short)}.
     */
    static int[] coverSize(int w, int h, int th, int tw) {
        // th / h >= tw / w, compared without division
        if ((long) th * w >= (long) tw * h) {
            return new int[] {Math.max(tw, (int) ((double) ((long) th * w) / h)), th};
        }
        return new int[] {tw, Math.max(th, (int) ((double) ((long) tw * h) / w))};
    }

    private void normalise(Pixels p, float[] out, int offset) {
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = preprocessing.mean().get(c);
            std[c] = preprocessing.std().get(c);
        }
        boolean nchw = input.layout() == Layout.NCHW;
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    double v = (p.get(x, y, c) / 255.0 - mean[c]) / std[c];
                    int index = nchw ? c * plane + y * width + x : (y * width + x) * channels + c;
                    out[offset + index] = (float) v;
                }
            }
        }
    }
}
