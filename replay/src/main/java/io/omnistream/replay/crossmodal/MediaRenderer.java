package io.omnistream.replay.crossmodal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Turns text into the other modalities with real tools: a typeset PDF page (PDFBox, DejaVu TrueType fonts), a slide
 * video of that page (ffmpeg, H.264) and synthesised speech (espeak-ng, then ffmpeg to 16 kHz mono WAV).
 */
final class MediaRenderer {
    static final Path FONTS = Path.of("/usr/share/fonts/truetype/dejavu");
    private static final float MARGIN = 56;
    private static final float TITLE_SIZE = 15;
    private static final float BODY_SIZE = 11;
    private static final long TOOL_TIMEOUT_S = 120;

    private MediaRenderer() {}

    /**
     * One A4 page: the title in DejaVu Sans Bold 15 pt, then the body in DejaVu Serif 11 pt, left-aligned and wrapped
     * to the text width; a body that does not fit on the page is cut at the last whole line that fits and ends with
     * an ellipsis. Document dates are fixed so that the same text gives the same file.
     */
    static void pdf(String title, String body, Path out) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDDocumentInformation info = doc.getDocumentInformation();
            Calendar fixed = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            fixed.setTimeInMillis(0);
            info.setCreationDate(fixed);
            info.setModificationDate(fixed);
            info.setTitle(title);
            PDType0Font bold = PDType0Font.load(doc, FONTS.resolve("DejaVuSans-Bold.ttf").toFile());
            PDType0Font serif = PDType0Font.load(doc, FONTS.resolve("DejaVuSerif.ttf").toFile());
            float width = page.getMediaBox().getWidth() - 2 * MARGIN;
            List<String> titleLines = wrap(title, bold, TITLE_SIZE, width);
            List<String> bodyLines = wrap(body, serif, BODY_SIZE, width);
            float top = page.getMediaBox().getHeight() - MARGIN;
            int room = (int) ((top - MARGIN - titleLines.size() * TITLE_SIZE * 1.3f - BODY_SIZE) / (BODY_SIZE * 1.35f));
            if (bodyLines.size() > room) {
                bodyLines = new ArrayList<>(bodyLines.subList(0, room));
                bodyLines.set(room - 1, bodyLines.get(room - 1) + " …");
            }
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.newLineAtOffset(MARGIN, top - TITLE_SIZE);
                cs.setFont(bold, TITLE_SIZE);
                cs.setLeading(TITLE_SIZE * 1.3f);
                for (String line : titleLines) {
                    cs.showText(line);
                    cs.newLine();
                }
                cs.setFont(serif, BODY_SIZE);
                cs.setLeading(BODY_SIZE * 1.35f);
                cs.newLine();
                for (String line : bodyLines) {
                    cs.showText(line);
                    cs.newLine();
                }
                cs.endText();
            }
            doc.save(out.toFile());
        }
    }

    /** Greedy line breaking by measured string width. */
    static List<String> wrap(String text, PDType0Font font, float size, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (line.length() > 0 && font.getStringWidth(candidate) / 1000 * size > width) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            } else {
                line.setLength(0);
                line.append(candidate);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * A slide video of the PDF's first page: the page rendered at 110 dpi, cut into a top and a bottom half, each
     * shown for {@code secondsPerSlide} (1280 px wide, 5 fps, H.264 yuv420p MP4).
     */
    static void slideVideo(Path pdf, int secondsPerSlide, Path out) throws IOException {
        BufferedImage page;
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            page = new PDFRenderer(doc).renderImageWithDPI(0, 110, ImageType.RGB);
        }
        Path dir = Files.createTempDirectory("omnistream-slides");
        try {
            int half = page.getHeight() / 2;
            Path a = dir.resolve("a.png");
            Path b = dir.resolve("b.png");
            ImageIO.write(page.getSubimage(0, 0, page.getWidth(), half), "png", a.toFile());
            ImageIO.write(page.getSubimage(0, half, page.getWidth(), half), "png", b.toFile());
            String t = Integer.toString(secondsPerSlide);
            // inputs opened with an explicit demuxer and the file protocol only (issue 14: no ffmpeg run probes its
            // input or may follow it elsewhere), although these are PNGs this renderer has just written itself
            run(List.of("ffmpeg", "-v", "error", "-y", "-protocol_whitelist", "file", "-f", "image2", "-loop", "1", "-t", t,
                    "-i", a.toString(), "-protocol_whitelist", "file", "-f", "image2", "-loop", "1", "-t", t,
                    "-i", b.toString(), "-filter_complex",
                    "[0:v]scale=1280:-2,setsar=1,fps=5[a];[1:v]scale=1280:-2,setsar=1,fps=5[b];"
                            + "[a][b]concat=n=2:v=1:a=0,format=yuv420p[v]",
                    "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage",
                    "-fflags", "+bitexact", "-flags:v", "+bitexact", out.toString()));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** espeak-ng (US English, 150 words/min) speaking {@code text}, as 16 kHz mono 16-bit WAV. */
    static void speech(String text, Path out) throws IOException {
        Path raw = Files.createTempFile("omnistream-speech", ".wav");
        try {
            run(List.of("espeak-ng", "-v", "en-us", "-s", "150", "-w", raw.toString(), text));
            run(List.of("ffmpeg", "-v", "error", "-y", "-protocol_whitelist", "file", "-f", "wav", "-i", raw.toString(),
                    "-ac", "1", "-ar", "16000",
                    "-sample_fmt", "s16", "-fflags", "+bitexact", "-flags:a", "+bitexact", out.toString()));
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    static void run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (install it with scripts/install-media-tools.sh)", e);
        }
        try {
            byte[] output = p.getInputStream().readNBytes(1 << 16);
            if (!p.waitFor(TOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + TOOL_TIMEOUT_S + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(command.get(0) + " failed (exit " + p.exitValue() + "): "
                        + new String(output).strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran", e);
        }
    }

    static void requireTools() {
        for (List<String> probe : List.of(List.of("ffmpeg", "-version"), List.of("espeak-ng", "--version"))) {
            try {
                run(probe);
            } catch (IOException e) {
                throw new UncheckedIOException(probe.get(0) + " is required (scripts/install-media-tools.sh)", e);
            }
        }
        if (!Files.exists(FONTS.resolve("DejaVuSerif.ttf"))) {
            throw new IllegalStateException("DejaVu fonts are required in " + FONTS + " (scripts/install-media-tools.sh)");
        }
    }
}
