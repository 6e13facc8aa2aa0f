package io.omnistream.encoder.cascade;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.junit.jupiter.api.Assumptions;

/**
 * Test inputs made with real tools: text rendered with a real TrueType font (Java2D, PDFBox), videos encoded by
 * ffmpeg, speech synthesised by espeak-ng. The expected text of each input is the text that was rendered or
 * spoken, never something the code under test produced.
 */
final class MediaFixtures {
    static final Path DEJAVU = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");

    private MediaFixtures() {}

    static void assumeTools(String... binaries) {
        for (String b : binaries) {
            Assumptions.assumeTrue(onPath(b), b + " not installed (scripts/install-media-tools.sh)");
        }
        Assumptions.assumeTrue(Files.exists(DEJAVU), "DejaVu fonts not installed (scripts/install-media-tools.sh)");
    }

    static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** Black text lines on white, DejaVu Sans 28 px, 40 px margins. */
    static BufferedImage textImage(List<String> lines, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        try {
            g.setFont(Font.createFont(Font.TRUETYPE_FONT, DEJAVU.toFile()).deriveFont(28f));
        } catch (FontFormatException e) {
            throw new IOException(e);
        }
        int y = 70;
        for (String line : lines) {
            g.drawString(line, 40, y);
            y += 44;
        }
        g.dispose();
        return img;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** A one-page A4 PDF with the lines in DejaVu Sans 12 pt. */
    static byte[] pdf(List<String> lines) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDType0Font font = PDType0Font.load(doc, DEJAVU.toFile());
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(font, 12);
                cs.setLeading(16);
                cs.newLineAtOffset(60, 780);
                for (String line : lines) {
                    cs.showText(line);
                    cs.newLine();
                }
                cs.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    /** An H.264 MP4 (or VP8 WebM) showing each slide for {@code secondsPerSlide}, 640x360, 10 fps. */
    static byte[] slideVideo(List<BufferedImage> slides, int secondsPerSlide, String container) throws Exception {
        Path dir = Files.createTempDirectory("slides");
        try {
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
            for (int i = 0; i < slides.size(); i++) {
                Path png = dir.resolve("s" + i + ".png");
                ImageIO.write(slides.get(i), "png", png.toFile());
                cmd.addAll(List.of("-loop", "1", "-t", Integer.toString(secondsPerSlide), "-i", png.toString()));
            }
            StringBuilder filter = new StringBuilder();
            for (int i = 0; i < slides.size(); i++) {
                filter.append(String.format(Locale.ROOT, "[%d:v]scale=640:360,setsar=1,fps=10[v%d];", i, i));
            }
            for (int i = 0; i < slides.size(); i++) {
                filter.append("[v").append(i).append("]");
            }
            filter.append("concat=n=").append(slides.size()).append(":v=1:a=0,format=yuv420p[out]");
            Path out = dir.resolve("video." + container);
            cmd.addAll(List.of("-filter_complex", filter.toString(), "-map", "[out]"));
            cmd.addAll(container.equals("webm") ? List.of("-c:v", "libvpx", "-b:v", "500k") : List.of("-c:v", "libx264"));
            cmd.add(out.toString());
            run(cmd);
            return Files.readAllBytes(out);
        } finally {
            deleteTree(dir);
        }
    }

    /** espeak-ng speech of {@code text} as WAV (22.05 kHz mono, the voice's native rate). */
    static byte[] speech(String text) throws Exception {
        Path wav = Files.createTempFile("speech", ".wav");
        try {
            run(List.of("espeak-ng", "-v", "en-us", "-s", "140", "-w", wav.toString(), text));
            return Files.readAllBytes(wav);
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    /** Converts media with ffmpeg, e.g. PNG → WebP or WAV → OGG. */
    static byte[] convert(byte[] input, String inSuffix, String outSuffix, String... codecArgs) throws Exception {
        Path in = Files.createTempFile("in", inSuffix);
        Path out = Files.createTempFile("out", outSuffix);
        try {
            Files.write(in, input);
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-i", in.toString()));
            cmd.addAll(List.of(codecArgs));
            cmd.add(out.toString());
            run(cmd);
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    /** Share of {@code expected}'s words (lower case, letters/digits only) found in {@code actual}. */
    static double wordRecall(String expected, String actual) {
        List<String> want = words(expected);
        List<String> got = words(actual);
        long found = want.stream().filter(got::contains).count();
        return want.isEmpty() ? 1.0 : (double) found / want.size();
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
