package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding real encoded files: EXIF orientation of JPEGs, WebP, and the errors for broken or oversized input. */
class ImageDecoderTest {
    static final int RED = 0xFF0000;
    static final int GREEN = 0x00FF00;
    static final int BLUE = 0x0000FF;
    static final int WHITE = 0xFFFFFF;

    /** 64 x 32, quadrants of 32 x 16: top-left red, top-right green, bottom-left blue, bottom-right white. */
    static BufferedImage quadrants() {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, y < 16 ? (x < 32 ? RED : GREEN) : (x < 32 ? BLUE : WHITE));
            }
        }
        return img;
    }

    static byte[] jpeg(BufferedImage img) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * Inserts an EXIF APP1 segment with one IFD0 entry, Orientation (tag 0x0112, SHORT) = {@code orientation}, right
     * after the JFIF APP0 segment, written by hand from the EXIF 2.3 / TIFF 6.0 layout (little-endian "II"):
     * <pre>
     * FF E1, length 34 (big-endian, counts itself) | "Exif\0\0" | "II" 2A 00, IFD0 offset 8 |
     * entry count 1 | tag 12 01, type 03 00, count 01 00 00 00, value [o] 00 00 00 | next IFD 0
     * </pre>
     * Pillow 13 reads it back ({@code Image.open(f).getexif()[274]}) and {@code ImageOps.exif_transpose} gives the
     * corner colours asserted below.
     */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exifHeader = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exifHeader.length + tiff.capacity();
        ByteArrayOutputStream app1 = new ByteArrayOutputStream();
        app1.write(0xFF);
        app1.write(0xE1);
        app1.write(length >> 8);
        app1.write(length & 0xFF);
        app1.writeBytes(exifHeader);
        app1.writeBytes(tiff.array());
        // SOI (2 bytes), then APP0 JFIF: FF E0 + big-endian length
        assertThat(jpeg[2] & 0xFF).isEqualTo(0xFF);
        assertThat(jpeg[3] & 0xFF).isEqualTo(0xE0);
        int insertAt = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, insertAt);
        out.writeBytes(app1.toByteArray());
        out.write(jpeg, insertAt, jpeg.length - insertAt);
        return out.toByteArray();
    }

    /** The nearest of red, green, blue, white to the pixel at (x, y), by squared RGB distance. */
    static String colourAt(BufferedImage img, int x, int y) {
        int rgb = img.getRGB(x, y);
        String best = null;
        long bestDistance = Long.MAX_VALUE;
        for (int candidate : new int[] {RED, GREEN, BLUE, WHITE}) {
            long d = 0;
            for (int shift = 0; shift <= 16; shift += 8) {
                long diff = ((rgb >> shift) & 0xFF) - ((candidate >> shift) & 0xFF);
                d += diff * diff;
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = switch (candidate) {
                    case RED -> "R";
                    case GREEN -> "G";
                    case BLUE -> "B";
                    default -> "W";
                };
            }
        }
        assertThat(bestDistance).as("JPEG colour at (%d, %d) is near a quadrant colour", x, y).isLessThan(3 * 40 * 40);
        return best;
    }

    /** Colours at the centres of the four display quadrants: top-left, top-right, bottom-left, bottom-right. */
    static String corners(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        return colourAt(img, w / 4, h / 4) + colourAt(img, 3 * w / 4, h / 4)
                + colourAt(img, w / 4, 3 * h / 4) + colourAt(img, 3 * w / 4, 3 * h / 4);
    }

    // Stored image (64 wide x 32 tall):  R G / B W. Displayed per EXIF orientation (TIFF 6.0 / EXIF 2.3 meaning of
    // the tag, worked out by hand and matching Pillow's ImageOps.exif_transpose):
    //   1 as stored; 2 mirrored left-right; 3 rotated 180; 4 mirrored top-bottom; 5 transposed (x, y) -> (y, x);
    //   6 rotated 90 clockwise (stored bottom-left goes to the top-left); 7 transverse; 8 rotated 90 anticlockwise.
    @ParameterizedTest(name = "orientation {0} -> {1}, {2}x{3}")
    @CsvSource({
        "1, RGBW, 64, 32",
        "2, GRWB, 64, 32",
        "3, WBGR, 64, 32",
        "4, BWRG, 64, 32",
        "5, RBGW, 32, 64",
        "6, BRWG, 32, 64",
        "7, WGBR, 32, 64",
        "8, GWRB, 32, 64",
    })
    void jpegExifOrientationIsApplied(int orientation, String expected, int width, int height) throws Exception {
        byte[] file = withOrientation(jpeg(quadrants()), orientation);
        assertThat(ImageDecoder.exifOrientation(file)).isEqualTo(orientation);
        BufferedImage decoded = ImageDecoder.decode(file, ImageSettings.DEFAULT);
        assertThat(decoded.getWidth()).isEqualTo(width);
        assertThat(decoded.getHeight()).isEqualTo(height);
        assertThat(corners(decoded)).isEqualTo(expected);
    }

    @Test
    void jpegWithoutExifAndPngAreNotRotated() throws Exception {
        assertThat(ImageDecoder.exifOrientation(jpeg(quadrants()))).isEqualTo(1);
        assertThat(corners(ImageDecoder.decode(jpeg(quadrants()), ImageSettings.DEFAULT))).isEqualTo("RGBW");
        assertThat(ImageDecoder.exifOrientation("not a jpeg".getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);
        assertThat(corners(ImageDecoder.decode(png(quadrants()), ImageSettings.DEFAULT))).isEqualTo("RGBW");
    }

    @Test
    void orientation6ThroughImageTensorsPutsTheRotatedImageInTheTensor() throws Exception {
        // 6 = rotate 90 clockwise: displayed 32 wide x 64 tall, top-left blue, top-right red.
        byte[] file = withOrientation(jpeg(quadrants()), 6);
        ImageTensors tensors = new ImageTensors(
                io.omnistream.encoder.tower.TensorInputSpec.image("x",
                        io.omnistream.encoder.tower.TensorInputSpec.Layout.NHWC, 3, 64, 32),
                new io.omnistream.encoder.tower.Preprocessing.Image(java.util.List.of(0.0, 0.0, 0.0),
                        java.util.List.of(1.0, 1.0, 1.0), io.omnistream.encoder.tower.Preprocessing.ResizeMode.STRETCH,
                        io.omnistream.encoder.tower.Preprocessing.Interpolation.BILINEAR), ImageSettings.DEFAULT);
        float[] v = tensors.item(file);
        // pixel (8, 16) is in the top-left quadrant: blue; (24, 16) top-right: red
        int tl = (16 * 32 + 8) * 3;
        int tr = (16 * 32 + 24) * 3;
        assertThat(v[tl + 2]).isGreaterThan(0.8f);
        assertThat(v[tl]).isLessThan(0.2f);
        assertThat(v[tr]).isGreaterThan(0.8f);
        assertThat(v[tr + 2]).isLessThan(0.2f);
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void losslessWebpFromFfmpegDecodesToTheSourcePixels(@TempDir Path dir) throws Exception {
        MediaTestSupport.assumeTools("ffmpeg");
        org.junit.jupiter.api.Assumptions.assumeTrue(MediaTestSupport.hasEncoder("libwebp"),
                "ffmpeg has no libwebp encoder");
        BufferedImage src = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                src.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | ((x + y) * 3));
            }
        }
        Path in = dir.resolve("src.png");
        Files.write(in, png(src));
        byte[] webp = MediaTestSupport.ffmpeg(dir, "out.webp", "-i", in.toString(), "-c:v", "libwebp",
                "-lossless", "1", "-pix_fmt", "bgra");
        assertThat(new String(webp, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
        BufferedImage decoded = ImageDecoder.decode(webp, ImageSettings.DEFAULT);
        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(decoded.getHeight()).isEqualTo(30);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                assertThat(decoded.getRGB(x, y) & 0xFFFFFF).as("(%d, %d)", x, y).isEqualTo(src.getRGB(x, y) & 0xFFFFFF);
            }
        }
    }

    @Test
    void lossyWebpOfARealStampDecodesCloseToThePng(@TempDir Path dir) throws Exception {
        MediaTestSupport.assumeTools("ffmpeg");
        org.junit.jupiter.api.Assumptions.assumeTrue(MediaTestSupport.hasEncoder("libwebp"),
                "ffmpeg has no libwebp encoder");
        Path stamp = MediaTestSupport.sharedData("tuxpaint-stamps/animals/birds/albino_peahen.png");
        byte[] webp = MediaTestSupport.ffmpeg(dir, "peahen.webp", "-i", stamp.toString(), "-c:v", "libwebp",
                "-quality", "95");
        BufferedImage fromWebp = ImageDecoder.decode(webp, ImageSettings.DEFAULT);
        BufferedImage fromPng = ImageDecoder.decode(Files.readAllBytes(stamp), ImageSettings.DEFAULT);
        assertThat(fromWebp.getWidth()).isEqualTo(435);
        assertThat(fromWebp.getHeight()).isEqualTo(374);
        // mean absolute difference over opaque pixels, in 8-bit levels
        long diff = 0;
        long n = 0;
        for (int y = 0; y < 374; y++) {
            for (int x = 0; x < 435; x++) {
                int a = fromPng.getRGB(x, y);
                if ((a >>> 24) == 255) {
                    int b = fromWebp.getRGB(x, y);
                    for (int s = 0; s <= 16; s += 8) {
                        diff += Math.abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF));
                        n++;
                    }
                }
            }
        }
        assertThat(n).isGreaterThan(10_000);
        assertThat((double) diff / n).isLessThan(4.0);
    }

    // ---- errors ----

    @Test
    void truncatedPngIsAPermanentFailureNamingTheFormat() throws Exception {
        byte[] full = png(quadrants());
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> ImageDecoder.decode(cut, ImageSettings.DEFAULT))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("cannot decode " + cut.length + " bytes as PNG (64x32)")
                .satisfies(e -> assertThat(((PermanentFailureException) e).stage()).isEqualTo("preprocess"));
    }

    @Test
    void truncatedJpegIsAPermanentFailureAlthoughTheJdkOnlyWarns() throws Exception {
        BufferedImage noisy = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                noisy.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | ((x * y) & 0xFF));
            }
        }
        byte[] full = jpeg(noisy);
        byte[] cut = Arrays.copyOf(full, full.length * 3 / 4);
        assertThatThrownBy(() -> ImageDecoder.decode(cut, ImageSettings.DEFAULT))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageMatching("image: (truncated JPEG data|cannot decode).*");
    }

    @Test
    void aWebpThatSendsTheDecoderPastItsEndFailsInsteadOfDecodingFromNothing() throws Exception {
        // found by ImageDecoderFuzzTest: a 345-byte VP8L (lossless) file on which TwelveMonkeys' decoder swallowed
        // EOFException per bit and ran for minutes
        byte[] webp;
        try (var in = getClass().getResourceAsStream("ImageDecoderFuzzTestInputs/decode/timeout-webp-lossless-read-past-end.webp")) {
            webp = in.readAllBytes();
        }
        assertThatThrownBy(() -> ImageDecoder.decode(webp, ImageSettings.DEFAULT))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("cannot decode 345 bytes as WEBP")
                .hasMessageContaining("the decoder read past the end of the 345 bytes 1024 times");
    }

    @Test
    void theImageStreamSignalsTheEndOfDataAFewTimesThenFails() throws Exception {
        try (var in = new ImageDecoder.EndBoundedInputStream(new byte[] {7})) {
            assertThat(in.read()).isEqualTo(7);
            for (int i = 0; i < ImageDecoder.EndBoundedInputStream.MAX_END_OF_DATA - 1; i++) {
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThatThrownBy(in::readByte).isInstanceOf(java.io.EOFException.class); // the 1024th: still a plain end
            assertThatThrownBy(in::read).isInstanceOf(javax.imageio.IIOException.class)
                    .hasMessage("the decoder read past the end of the 1 bytes 1024 times (truncated or corrupt data)");
        }
    }

    @Test
    void textBytesNamedJpegAreAnUnsupportedFormat() {
        byte[] text = "this is not a picture, just text".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ImageDecoder.decode(text, ImageSettings.DEFAULT, "image"))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("image: 32 bytes are not in a supported image format (PNG, JPEG, WebP, GIF, BMP); "
                        + "they start with 0x7468697320697320");
    }

    @Test
    void emptyPayloadIsAPermanentFailure() {
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[0], ImageSettings.DEFAULT))
                .isInstanceOf(PermanentFailureException.class).hasMessage("image: empty payload (0 bytes)");
    }

    @Test
    void imageOverThePixelLimitIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        // A 57-byte PNG whose header declares 60000 x 60000 (3.6 gigapixels, 14 GB as ARGB) and that has no
        // image data at all: decoding would fail differently (or exhaust the heap), so the pixel-limit message
        // proves the check ran on the header alone.
        byte[] bomb = pngHeaderOnly(60_000, 60_000);
        assertThatThrownBy(() -> ImageDecoder.decode(bomb, ImageSettings.DEFAULT))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("image: PNG of 60000x60000 = 3600000000 pixels exceeds the limit of 50000000 pixels "
                        + "(refused before decoding)");
        // and a real, small image over a small configured limit
        ImageSettings tight = new ImageSettings(1000, ImageSettings.AlphaMode.DROP);
        assertThatThrownBy(() -> ImageDecoder.decode(png(quadrants()), tight))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("64x32 = 2048 pixels exceeds the limit of 1000 pixels");
    }

    /** PNG signature, an IHDR chunk (8-bit RGB) with a correct CRC, and IEND: no IDAT. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        b.putInt(13);
        int crcStart = b.position();
        b.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), crcStart, 17);
        b.putInt((int) crc.getValue());
        b.putInt(0);
        b.put("IEND".getBytes(StandardCharsets.US_ASCII));
        CRC32 end = new CRC32();
        end.update("IEND".getBytes(StandardCharsets.US_ASCII));
        b.putInt((int) end.getValue());
        return b.array();
    }
}
