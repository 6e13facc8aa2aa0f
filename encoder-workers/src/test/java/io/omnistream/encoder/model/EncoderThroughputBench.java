package io.omnistream.encoder.model;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Throughput of the text encoders (tokenise + ONNX Runtime + pool), not a test. Run:
 * <pre>
 * mvn -q -o -pl encoder-workers dependency:build-classpath -Dmdep.outputFile=/tmp/cp &amp;&amp;
 * java -cp encoder-workers/target/classes:encoder-workers/target/test-classes:$(cat /tmp/cp) \
 *   io.omnistream.encoder.model.EncoderThroughputBench SHORT.txt LONG.txt [batch] [seconds] [threads]
 * </pre>
 * Each file holds one text per line (e.g. SciFact claims and abstracts extracted from ../shared/data/scifact).
 */
public final class EncoderThroughputBench {
    public static void main(String[] args) throws Exception {
        List<String> shortTexts = Files.readAllLines(Path.of(args[0]));
        List<String> longTexts = Files.readAllLines(Path.of(args[1]));
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        System.out.printf("cpus=%d batch=%d threads=%d%n", Runtime.getRuntime().availableProcessors(), batch, threads);
        for (String id : List.of("bge-small-en-v1.5", "bge-small-en-v1.5-q")) {
            for (double ratio : new double[] {Double.POSITIVE_INFINITY}) {
                try (TextEncoder enc = TextEncoder.load(ModelRegistry.bundled().get(id),
                        new EncoderSettings(ExecutionProvider.CPU, 0, threads, ratio, EncoderSettings.DEFAULT_SPIN_WAIT, 1), new PrometheusRegistry())) {
                    run(enc, "short", shortTexts, batch, seconds);
                    run(enc, "long", longTexts, batch, seconds);
                }
            }
        }
    }

    private static void run(TextEncoder enc, String label, List<String> texts, int batch, double seconds) {
        double tokens = texts.stream().limit(batch).mapToInt(t -> enc.tokenCount(t, "")).average().orElse(0);
        enc.encode(texts.subList(0, batch), Side.DOCUMENT); // warm-up
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int done = 0;
        int offset = 0;
        while (System.nanoTime() < deadline) {
            if (offset + batch > texts.size()) {
                offset = 0;
            }
            enc.encode(texts.subList(offset, offset + batch), Side.DOCUMENT);
            offset += batch;
            done += batch;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-22s %-5s avg_tokens=%5.1f  %7.1f texts/s  %6.1f ms/batch%n", enc.modelId(), label, tokens,
                done / elapsed, 1000 * elapsed / (done / (double) batch));
    }
}
