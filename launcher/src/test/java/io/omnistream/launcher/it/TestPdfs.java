package io.omnistream.launcher.it;

import io.omnistream.ingest.load.Document;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/** Real PDF pages of real abstracts for the integration tests (PDFBox, Debian's DejaVu Sans). */
final class TestPdfs {
    /** From Debian's fonts-dejavu-core (scripts/install-media-tools.sh); tests assume it exists. */
    static final Path DEJAVU = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");

    private TestPdfs() {
    }

    /** A one-page A4 PDF: title (14 pt) and the first 40 lines of the abstract wrapped at ~90 characters (11 pt). */
    static byte[] onePage(Document d) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDType0Font font = PDType0Font.load(doc, DEJAVU.toFile());
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(font, 14);
                cs.setLeading(18);
                cs.newLineAtOffset(50, 790);
                for (String line : wrap(d.title(), 70)) {
                    cs.showText(line);
                    cs.newLine();
                }
                cs.setFont(font, 11);
                cs.setLeading(15);
                cs.newLine();
                List<String> body = wrap(d.body(), 90);
                for (String line : body.subList(0, Math.min(body.size(), 40))) {
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

    /** Greedy word wrap at {@code width} characters (a longer word gets a line of its own). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.replaceAll("\\s+", " ").strip().split(" ")) {
            if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
