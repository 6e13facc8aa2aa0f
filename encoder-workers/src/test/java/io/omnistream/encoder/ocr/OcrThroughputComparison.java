package io.omnistream.encoder.ocr;

import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ProviderMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Rough throughput of PP-OCR (this engine, CPU or AUTO) against {@code tesseract stdin stdout --psm 3} on the same
 * rendered A4 page at 150 dpi, with the share of the page's words each one reads. Not a test (no assertions, timings
 * depend on the machine): run with the test classpath,
 * {@code java ... OcrThroughputComparison [runs] [provider] [recBatch]}.
 */
public final class OcrThroughputComparison {
    static final String TEXT = "Tuberculosis remains a leading cause of death from a single infectious agent. "
            + "We conducted a randomised, double blind, placebo controlled trial of a booster vaccine in adolescents "
            + "who had received BCG at birth. The primary end point was sustained infection measured by an interferon "
            + "gamma release assay over two years of follow up. Of 990 participants, 495 received the vaccine and 495 "
            + "received placebo. The vaccine did not prevent initial infection, but sustained conversion was reduced "
            + "by 45 percent. Adverse events were mild and similar in both groups. These results support further "
            + "trials of vaccines that prevent sustained infection in populations with high transmission.";

    private OcrThroughputComparison() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ExecutionProvider provider = args.length > 1 ? ExecutionProvider.valueOf(args[1]) : ExecutionProvider.CPU;
        int recBatch = args.length > 2 ? Integer.parseInt(args[2]) : PpOcrSettings.defaults().recBatch();
        BufferedImage page = page(TEXT);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(page, "png", png);

        String tesseract = "";
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            tesseract = tesseract(png.toByteArray());
        }
        double tessPerSec = runs / ((System.nanoTime() - t0) / 1e9);

        try (PpOcrEngine engine = PpOcrEngine.loadBundled(PpOcrSettings.defaults().withRecBatch(recBatch),
                EncoderSettings.defaults().withExecutionProvider(provider),
                new ProviderMetrics(new PrometheusRegistry()))) {
            String ppocr = engine.recognize(List.of(page), "warm-up").get(0);
            long t1 = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                ppocr = engine.recognize(List.of(page), "page").get(0);
            }
            double ppPerSec = runs / ((System.nanoTime() - t1) / 1e9);
            List<BufferedImage> four = List.of(page, page, page, page);
            long t2 = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                engine.recognize(four, "4 pages");
            }
            double ppBatchPerSec = 4.0 * runs / ((System.nanoTime() - t2) / 1e9);
            System.out.printf("page %dx%d, %d runs, PP-OCR on %s, recBatch %d%n", page.getWidth(), page.getHeight(),
                    runs, engine.activeProvider(), recBatch);
            System.out.printf("tesseract --psm 3: %.2f pages/s, words read %.1f %%%n", tessPerSec,
                    100 * wordRecall(TEXT, tesseract));
            System.out.printf("PP-OCR 1 page/call: %.2f pages/s, 4 pages/call: %.2f pages/s, words read %.1f %%%n",
                    ppPerSec, ppBatchPerSec, 100 * wordRecall(TEXT, ppocr));
            System.out.println("tesseract: " + tesseract);
            System.out.println("PP-OCR:    " + ppocr);
        }
    }

    static BufferedImage page(String text) {
        BufferedImage image = new BufferedImage(1240, 1754, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 25)); // 12 pt at 150 dpi
        FontMetrics fm = g.getFontMetrics();
        int y = 150;
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (fm.stringWidth(line + " " + word) > 1240 - 2 * 150 && line.length() > 0) {
                g.drawString(line.toString(), 150, y);
                y += (int) (fm.getHeight() * 1.2);
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        g.drawString(line.toString(), 150, y);
        g.dispose();
        return image;
    }

    static String tesseract(byte[] png) throws Exception {
        Process p = new ProcessBuilder("tesseract", "stdin", "stdout", "--psm", "3").redirectErrorStream(false).start();
        p.getOutputStream().write(png);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("tesseract failed");
        }
        return OcrText.join(List.of(out.replace('\f', '\n').split("\n")));
    }

    /** Share of the reference words (punctuation stripped, case kept) found in the output, counted as multisets. */
    static double wordRecall(String reference, String read) {
        Map<String, Integer> have = new HashMap<>();
        for (String w : words(read)) {
            have.merge(w, 1, Integer::sum);
        }
        List<String> want = words(reference);
        int found = 0;
        for (String w : want) {
            if (have.getOrDefault(w, 0) > 0) {
                have.merge(w, -1, Integer::sum);
                found++;
            }
        }
        return (double) found / want.size();
    }

    private static List<String> words(String s) {
        return new ArrayList<>(Arrays.stream(s.split("\\s+")).map(w -> w.replaceAll("[^\\p{L}\\p{N}]", ""))
                .filter(w -> !w.isEmpty()).toList());
    }
}
