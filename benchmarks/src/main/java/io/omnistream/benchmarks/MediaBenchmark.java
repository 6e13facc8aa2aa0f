package io.omnistream.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.encoder.cascade.Cascades;
import io.omnistream.encoder.cascade.EncodingChain;
import io.omnistream.encoder.cascade.MediaTranscriber;
import io.omnistream.encoder.cascade.StageTimes;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ModelRegistry;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.Side;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.launcher.cli.StackOptions;
import io.omnistream.replay.BenchItem;
import io.omnistream.replay.BenchQuery;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.TaskCatalog;
import io.omnistream.replay.crossmodal.CrossModalBuilder;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./omnistream bench media}: encoding throughput per modality of one or more cascade models, on the
 * cross-modal benchmark's real media, split into where the time goes: decode (probe, demux, frame extraction, PDF
 * rendering, resampling), recognise (OCR, speech recognition) and encode (the text tower on the recognised text, in
 * batches as the worker forms them).
 *
 * <p>By default it measures the two recogniser choices side by side in one run, on the same items: the
 * {@code bge-small-en-v1.5-cascade-ppocr-whisper} chain (PP-OCR on ONNX Runtime, Whisper tiny.en) and the
 * {@code bge-small-en-v1.5-cascade} chain (Tesseract, PocketSphinx), then prints each group's items/s for
 * both and their ratio. Models run one after the other, never at once, so neither steals the other's cores.
 *
 * <p>Items are processed one after another on the calling thread, as one encoder worker does; recognisers may use
 * more than one core themselves (Tesseract's OpenMP, ONNX Runtime's intra-op threads, CTranslate2's threads), so
 * items/s is per worker, and the JSON report records the machine's core count next to it.
 */
@Command(name = "media", mixinStandardHelpOptions = true,
        description = "Per-modality encoding throughput of a cascade model on the cross-modal benchmark's media "
                + "(decode / recognise / encode split), one worker thread.")
public final class MediaBenchmark implements Callable<Integer> {

    @Option(names = "--media", paramLabel = "DIR",
            description = "Output of build-crossmodal (default: ~/.omnistream/crossmodal, built there if missing).")
    Path media;

    @Option(names = "--items", paramLabel = "N", defaultValue = "10", description = "Items per modality group (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--model", paramLabel = "ID", split = ",",
            defaultValue = "bge-small-en-v1.5-cascade-ppocr-whisper,bge-small-en-v1.5-cascade",
            description = "Cascade models from the bundled registry, measured one after the other on the same items "
                    + "(comma-separated or repeated; default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Text-tower batch size (default: ${DEFAULT-VALUE}, the worker's).")
    int batch;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the results as JSON.")
    Path report;

    /** One measured group: a label, the task it comes from and how its items are picked. */
    private record Group(String label, Modality modality, String task, boolean queries) {}

    private static final List<Group> GROUPS = List.of(
            new Group("text: SciFact abstract", Modality.TEXT, "scifact-t2t", false),
            new Group("document: SciFact abstract as a 1-page PDF", Modality.DOCUMENT, "scifact-t2d", false),
            new Group("video: SciFact slide video (2 slides, 4 s)", Modality.VIDEO, "scifact-t2v", false),
            new Group("audio: SciFact claim, synthesised speech", Modality.AUDIO, "scifact-s2t", true),
            new Group("image: Tux Paint stamp", Modality.IMAGE, "tux-xm-i2t", true),
            new Group("audio: Tux Paint spoken description (recorded)", Modality.AUDIO, "tux-xm-s2t", true),
            new Group("audio: FSDD spoken digit (recorded)", Modality.AUDIO, "fsdd-a2t", true));

    @Override
    public Integer call() throws Exception {
        if (items < 1 || batch < 1) {
            throw new IllegalArgumentException("--items and --batch must be >= 1");
        }
        Path dir = media != null ? media : Path.of(System.getProperty("user.home"), ".omnistream", "crossmodal");
        if (!Files.isRegularFile(dir.resolve("tasks.json"))) {
            System.out.println("no cross-modal benchmark in " + dir + ": building it (./omnistream build-crossmodal)");
            new CrossModalBuilder(new CrossModalBuilder.Options(StackOptions.defaultDataRoot(), dir.toAbsolutePath(),
                    Math.max(items, 10), Math.max(items, 10), Math.max(1, (items + 9) / 10), 20261122L),
                    System.out::println).build();
        }
        TaskCatalog catalog = TaskCatalog.read(dir.resolve("tasks.json"));
        List<ModelSpec> specs = models.stream().map(ModelRegistry.bundled()::get).toList(); // unknown ids fail first
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("items_per_group", items);
        results.put("media", dir.toAbsolutePath().toString());
        Map<String, List<MediaEvent>> itemsByGroup = new LinkedHashMap<>();
        for (Group g : GROUPS) {
            if (catalog.definitions().stream().noneMatch(d -> d.id().equals(g.task()))) {
                System.out.println(g.label() + ": task " + g.task() + " not in " + dir + ", skipped");
                continue;
            }
            BenchmarkTask task = catalog.open(g.task(), dir, dir.resolve("gen"));
            itemsByGroup.put(g.label(), events(task, g).limit(items).toList());
        }
        List<Map<String, Object>> perModel = new ArrayList<>();
        for (ModelSpec spec : specs) {
            perModel.add(measureModel(spec, itemsByGroup));
        }
        results.put("models", perModel);
        if (perModel.size() > 1) {
            results.put("side_by_side", sideBySide(perModel));
        }
        if (report != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), results);
            System.out.println("report written to " + report);
        }
        return 0;
    }

    /** Every group for one model, on its own text tower and recognisers (closed before the next model starts). */
    private Map<String, Object> measureModel(ModelSpec spec, Map<String, List<MediaEvent>> itemsByGroup) {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        EncoderSettings settings = EncoderSettings.defaults();
        ProviderMetrics metrics = new ProviderMetrics(new PrometheusRegistry());
        try (TextEncoder text = TextEncoder.load(spec, settings, metrics);
             EncodingChain chain = Cascades.chain(spec, text, settings, metrics)) {
            result.put("model", spec.id());
            result.put("model_version", chain.modelVersion());
            result.put("recognisers", chain.transcriberVersions().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue,
                            (a, b) -> a, LinkedHashMap::new)));
            result.put("execution_provider", text.activeProvider().toString());
            System.out.printf(Locale.ROOT, "%nmedia benchmark: %s (%s), %d items per group, %d cores, %s%n",
                    spec.id(), chain.modelVersion(), items, Runtime.getRuntime().availableProcessors(),
                    text.activeProvider());
            chain.transcriberVersions().forEach((m, v) -> System.out.println("  " + m + ": " + v));
            System.out.printf(Locale.ROOT, "%-48s %7s %10s %10s %10s %9s%n", "group", "items/s", "decode ms",
                    "recog. ms", "encode ms", "chars");
            for (Group g : GROUPS) {
                List<MediaEvent> events = itemsByGroup.get(g.label());
                if (events != null && !events.isEmpty() && chain.supports(g.modality())) {
                    rows.add(measure(g, events, chain));
                }
            }
        }
        result.put("groups", rows);
        return result;
    }

    /** Items/s of every group for every model, and each model's ratio to the last one (the baseline). */
    private static List<Map<String, Object>> sideBySide(List<Map<String, Object>> perModel) {
        Map<String, Object> baseline = perModel.get(perModel.size() - 1);
        System.out.printf(Locale.ROOT, "%nside by side, items/s (ratio to %s)%n", baseline.get("model"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Group g : GROUPS) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", g.label());
            Double base = itemsPerSecond(baseline, g.label());
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-48s", g.label()));
            for (Map<String, Object> m : perModel) {
                Double v = itemsPerSecond(m, g.label());
                if (v == null) {
                    continue;
                }
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("items_per_second", v);
                if (base != null && m != baseline) {
                    cell.put("ratio_to_baseline", v / base);
                }
                row.put((String) m.get("model"), cell);
                line.append(String.format(Locale.ROOT, " %s %.2f", m.get("model"), v));
                if (base != null && m != baseline) {
                    line.append(String.format(Locale.ROOT, " (%.1fx)", v / base));
                }
            }
            if (row.size() > 1) {
                out.add(row);
                System.out.println(line);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Double itemsPerSecond(Map<String, Object> model, String group) {
        for (Map<String, Object> row : (List<Map<String, Object>>) model.get("groups")) {
            if (row.get("group").equals(group)) {
                return (Double) row.get("items_per_second");
            }
        }
        return null;
    }

    private Map<String, Object> measure(Group g, List<MediaEvent> events, EncodingChain chain) {
        MediaTranscriber transcriber = g.modality() == Modality.TEXT ? null : chain.transcriber(g.modality()).orElseThrow();
        // warm-up: the first call of a recogniser pays for loading its model from disk
        if (transcriber != null) {
            transcriber.transcribe(events.get(0));
        }
        chain.text().encode(List.of("warm-up"), Side.DOCUMENT);
        StageTimes times = new StageTimes();
        List<String> texts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (MediaEvent e : events) {
            texts.add(transcriber == null ? e.getText() : transcriber.transcribe(e, times));
        }
        long encodeStart = System.nanoTime();
        for (int i = 0; i < texts.size(); i += batch) {
            List<String> part = texts.subList(i, Math.min(texts.size(), i + batch)).stream()
                    .map(t -> t.isBlank() ? " " : t).toList();
            chain.text().encode(part, Side.DOCUMENT);
        }
        long end = System.nanoTime();
        int n = events.size();
        double seconds = (end - t0) / 1e9;
        double decodeMs = times.decodeNanos() / 1e6 / n;
        double recogniseMs = times.recogniseNanos() / 1e6 / n;
        double encodeMs = (end - encodeStart) / 1e6 / n;
        double chars = texts.stream().mapToInt(String::length).average().orElse(0);
        System.out.printf(Locale.ROOT, "%-48s %7.2f %10.1f %10.1f %10.1f %9.0f%n", g.label(), n / seconds, decodeMs,
                recogniseMs, encodeMs, chars);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("group", g.label());
        row.put("modality", g.modality().toString());
        row.put("items", n);
        row.put("items_per_second", n / seconds);
        row.put("decode_ms_per_item", decodeMs);
        row.put("recognise_ms_per_item", recogniseMs);
        row.put("encode_ms_per_item", encodeMs);
        row.put("other_ms_per_item", Math.max(0, seconds * 1e3 / n - decodeMs - recogniseMs - encodeMs));
        row.put("mean_text_chars", chars);
        row.put("blank_texts", texts.stream().filter(String::isBlank).count());
        return row;
    }

    private static Stream<MediaEvent> events(BenchmarkTask task, Group g) {
        if (g.queries()) {
            return task.queries().stream().filter(q -> q.modality() == g.modality())
                    .map((BenchQuery q) -> event(q.itemId(), q.modality(), q.text(), q.mediaPath()));
        }
        return task.candidates().filter(c -> c.modality() == g.modality())
                .map((BenchItem c) -> event(c.itemId(), c.modality(), c.text(), c.mediaPath()));
    }

    private static MediaEvent event(String id, Modality modality, String text, Path mediaPath) {
        MediaEvent.Builder b = MediaEvent.newBuilder().setContentId("bench-media:" + id).setModality(modality)
                .setEventTimeMs(0L);
        if (modality == Modality.TEXT) {
            return b.setText(text).build();
        }
        try {
            return b.setPayload(ByteBuffer.wrap(Files.readAllBytes(mediaPath))).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mediaPath, e);
        }
    }
}
