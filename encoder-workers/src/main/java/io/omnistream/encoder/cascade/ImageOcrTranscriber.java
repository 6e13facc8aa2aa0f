package io.omnistream.encoder.cascade;

import io.omnistream.encoder.ocr.OcrEngine;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * IMAGE → text: decodes PNG, JPEG, WebP (TwelveMonkeys plugin), GIF or BMP with ImageIO, rejects images over the
 * pixel limit from the header before decoding the raster, rejects images the decoder could read only with warnings
 * (a JPEG cut off mid-scan decodes "successfully" with the missing part filled in grey; ImageIO reports that only as a
 * warning), flattens alpha onto white (OCR reads dark ink on light
 * paper; a transparent background would turn black), and OCRs the result with the model's {@link OcrEngine}.
 */
final class ImageOcrTranscriber implements MediaTranscriber {
    private final OcrEngine ocr;
    private final long maxPixels;

    ImageOcrTranscriber(OcrEngine ocr, long maxPixels) {
        this.ocr = ocr;
        this.maxPixels = maxPixels;
    }

    @Override
    public Recognition<BufferedImage> decode(MediaEvent event, StageTimes times) {
        BufferedImage image = times.decode(() -> decode(MediaPayload.bytes(event), maxPixels, "image"));
        return new Recognition<>(ocr, ocr::recognize, List.of(image), (long) image.getWidth() * image.getHeight(),
                "image", texts -> texts.get(0), () -> { });
    }

    @Override
    public String version() {
        return "image-ocr(" + ocr.version() + ", maxPixels=" + maxPixels + ")";
    }

    /**
     * Decodes an image with the pixel limit checked from the header first; RGB on white.
     *
     * @throws PermanentFailureException (stage {@code preprocess}) for bytes in no supported format, over the pixel
     *         limit, undecodable, or decoded only with warnings (truncated or corrupt data the decoder made up for)
     */
    static BufferedImage decode(byte[] bytes, long maxPixels, String what) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new PermanentFailureException("preprocess", what + ": " + bytes.length
                        + " bytes are not in a supported image format (PNG, JPEG, WebP, GIF, BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName();
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new PermanentFailureException("preprocess", what + ": " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " = " + pixels + " pixels exceeds the limit of " + maxPixels);
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage decoded;
                try {
                    decoded = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new PermanentFailureException("preprocess", what + ": cannot decode " + bytes.length
                            + " bytes as " + format + ": " + e.getMessage(), e);
                }
                if (!warnings.isEmpty()) {
                    throw new PermanentFailureException("preprocess", what + ": " + bytes.length + " bytes of " + format
                            + " are damaged (truncated or corrupt): " + String.join("; ", warnings));
                }
                BufferedImage rgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_RGB);
                Graphics2D g = rgb.createGraphics();
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
                g.drawImage(decoded, 0, 0, null);
                g.dispose();
                return rgb;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", what + ": unreadable image header: " + e.getMessage(), e);
        }
    }

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
