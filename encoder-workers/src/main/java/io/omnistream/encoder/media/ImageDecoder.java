package io.omnistream.encoder.media;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an encoded image (PNG, JPEG, WebP through the TwelveMonkeys plugin, GIF, BMP: whatever ImageIO reads)
 * with bounded memory and the orientation a viewer would show.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>The pixel limit ({@link ImageSettings#maxPixels()}) is checked on the width and height read from the
 *       header by the {@link ImageReader}, before the raster is decoded.</li>
 *   <li>Corrupt, truncated or unsupported input throws {@link PermanentFailureException} with stage
 *       {@code preprocess} and a reason naming the format and what is wrong. A JPEG cut short is an error even
 *       though the JDK's decoder only warns about it (and would fill the missing rows with grey), as Pillow
 *       refuses truncated files by default.</li>
 *   <li>JPEG EXIF orientation (tag 274, values 1..8) is applied, as Pillow's {@code ImageOps.exif_transpose}
 *       does; other values and unreadable EXIF count as 1 (no change). Other formats are returned as stored.</li>
 * </ul>
 * The returned image keeps the decoder's pixel type (grey stays grey, alpha stays); {@link ImageTensors} converts.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** {@link #decode(byte[], ImageSettings, String)} naming the input "image" in errors. */
    public static BufferedImage decode(byte[] bytes, ImageSettings settings) {
        return decode(bytes, settings, "image");
    }

    /**
     * @param what names the input in error messages, e.g. "image" or "video frame"
     * @throws PermanentFailureException (stage {@code preprocess}) for empty, unsupported, corrupt, truncated or
     *                                   over-limit input
     */
    public static BufferedImage decode(byte[] bytes, ImageSettings settings, String what) {
        if (bytes == null || bytes.length == 0) {
            throw new PermanentFailureException("preprocess", what + ": empty payload (0 bytes)");
        }
        // in memory: ImageIO.createImageInputStream would cache the stream in a temp file
        try (ImageInputStream in = new EndBoundedInputStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new PermanentFailureException("preprocess", what + ": " + bytes.length + " bytes are not in a "
                        + "supported image format (PNG, JPEG, WebP, GIF, BMP); they start with " + hexStart(bytes));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toUpperCase(Locale.ROOT);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new PermanentFailureException("preprocess", what + ": unreadable " + format + " header: "
                            + message(e), e);
                }
                if (width <= 0 || height <= 0) {
                    throw new PermanentFailureException("preprocess", what + ": " + format + " header declares "
                            + width + "x" + height + " pixels");
                }
                long pixels = (long) width * height;
                if (pixels > settings.maxPixels()) {
                    throw new PermanentFailureException("preprocess", what + ": " + format + " of " + width + "x"
                            + height + " = " + pixels + " pixels exceeds the limit of " + settings.maxPixels()
                            + " pixels (refused before decoding)");
                }
                List<String> truncation = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> {
                    // libjpeg's "Premature end of JPEG file" and the JDK's "Truncated File - Missing EOI marker":
                    // the decoder goes on with grey rows. Other warnings (extraneous bytes) are tolerated, as by
                    // Pillow.
                    String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
                    if (w.contains("truncated") || w.contains("premature end")) {
                        truncation.add(warning);
                    }
                });
                BufferedImage decoded;
                try {
                    decoded = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new PermanentFailureException("preprocess", what + ": cannot decode " + bytes.length
                            + " bytes as " + format + " (" + width + "x" + height + "): " + message(e), e);
                }
                if (!truncation.isEmpty()) {
                    throw new PermanentFailureException("preprocess", what + ": truncated " + format + " data ("
                            + bytes.length + " bytes): " + truncation.get(0));
                }
                int orientation = format.equals("JPEG") || format.equals("JPG") ? exifOrientation(bytes) : 1;
                return orient(decoded, orientation);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", what + ": unreadable image: " + message(e), e);
        }
    }

    /**
     * The EXIF orientation (TIFF tag 274) of a JPEG: 1..8, or 1 when {@code jpeg} is not a JPEG, has no EXIF APP1
     * segment, no orientation tag, an out-of-range value, or unreadable EXIF (a broken tag must not make a
     * decodable image fail).
     */
    public static int exifOrientation(byte[] jpeg) {
        if (jpeg == null || jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            return 1;
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            for (JPEGSegment segment : JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif")) {
                // data() starts after the "Exif\0" identifier; the standard header is "Exif\0\0", skip the pad byte.
                byte[] data;
                try (InputStream s = segment.data()) {
                    data = s.readAllBytes();
                }
                int start = data.length > 0 && data[0] == 0 ? 1 : 0;
                try (ImageInputStream tiff = new MemoryCacheImageInputStream(
                        new ByteArrayInputStream(data, start, data.length - start))) {
                    Directory directory = new TIFFReader().read(tiff);
                    if (directory instanceof CompoundDirectory compound && compound.directoryCount() > 0) {
                        directory = compound.getDirectory(0); // IFD0 holds the orientation of the main image
                    }
                    Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
                    if (entry != null && entry.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
                        return n.intValue();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return 1;
        }
        return 1;
    }

    /**
     * Returns the image as it should be displayed for an EXIF orientation, like Pillow's
     * {@code ImageOps.exif_transpose}: 1 none, 2 mirror left-right, 3 rotate 180°, 4 mirror top-bottom,
     * 5 transpose (mirror along the main diagonal), 6 rotate 90° clockwise, 7 transverse (mirror along the
     * anti-diagonal), 8 rotate 90° counter-clockwise. 5..8 swap width and height. The pixel type is kept.
     */
    public static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1..8, got " + orientation);
        }
        if (orientation == 1) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        ColorModel cm = image.getColorModel();
        WritableRaster src = image.getRaster();
        WritableRaster dst = src.createCompatibleWritableRaster(ow, oh);
        Object pixel = null;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the stored pixel shown at display position (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                pixel = src.getDataElements(sx, sy, pixel);
                dst.setDataElements(x, y, pixel);
            }
        }
        return new BufferedImage(cm, dst, cm.isAlphaPremultiplied(), null);
    }

    /**
     * The image bytes for a reader, failing a reader that keeps reading past their end. A correct decoder stops at the
     * first end-of-data it sees; TwelveMonkeys' WebP lossless decoder swallows the {@link java.io.EOFException} and
     * goes on decoding from nothing, throwing and catching one per bit read, which on a 345-byte file took minutes
     * (found by ImageDecoderFuzzTest). After {@value #MAX_END_OF_DATA} end-of-data signals every read throws an
     * {@link IIOException}, which is no {@link java.io.EOFException}, so it reaches {@link #decode} as an unreadable
     * image.
     */
    static final class EndBoundedInputStream extends MemoryCacheImageInputStream {
        /** End-of-data signals a reader may get before reading on is an error: far more than any decoder needs. */
        static final int MAX_END_OF_DATA = 1024;
        private final int length;
        private int endsSignalled;

        EndBoundedInputStream(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
            this.length = bytes.length;
        }

        @Override
        public int read() throws IOException {
            return counted(super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : counted(super.read(b, off, len));
        }

        private int counted(int result) throws IIOException {
            if (result < 0 && ++endsSignalled > MAX_END_OF_DATA) {
                throw new IIOException("the decoder read past the end of the " + length + " bytes "
                        + MAX_END_OF_DATA + " times (truncated or corrupt data)");
            }
            return result;
        }
    }

    private static String hexStart(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format(Locale.ROOT, "%02x", bytes[i] & 0xff));
        }
        return "0x" + hex;
    }

    private static String message(Throwable e) {
        String m = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            m += " (" + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
        }
        return m;
    }
}
