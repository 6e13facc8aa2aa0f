package io.omnistream.replay.crossmodal;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.replay.BenchItem;
import io.omnistream.replay.BenchQuery;
import io.omnistream.replay.BenchmarkTask;
import io.omnistream.replay.ReplayPlan;
import io.omnistream.replay.TaskCatalog;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small real build (3 SciFact abstracts, 3 Tux stamps, 1 FSDD recording per digit) replayable as tasks. */
class CrossModalBuilderTest {
    @TempDir
    Path out;

    @Test
    void buildsReplayableCrossModalTasksDeterministicallyAndFromCache() throws Exception {
        for (String tool : List.of("ffmpeg", "ffprobe", "espeak-ng")) {
            Assumptions.assumeTrue(onPath(tool), tool + " not installed (scripts/install-media-tools.sh)");
        }
        Assumptions.assumeTrue(Files.exists(MediaRenderer.FONTS.resolve("DejaVuSerif.ttf")), "DejaVu fonts missing");
        Path data = Path.of(System.getProperty("omnistream.shared.dir", "../../shared")).resolve("data");
        CrossModalBuilder.Options options = new CrossModalBuilder.Options(data, out, 3, 3, 1, 7L);
        CrossModalBuilder.Summary first = new CrossModalBuilder(options, s -> {}).build();
        assertThat(first.tasks().keySet()).containsExactly("scifact-t2t", "scifact-t2d", "scifact-t2v", "scifact-s2t",
                "scifact-d2t", "scifact-mixed", "scifact-mixed-noinst", "tux-xm-i2t", "tux-xm-t2i", "tux-xm-s2t", "fsdd-a2t");
        assertThat(first.tasks().get("scifact-mixed")).containsExactly(12, 12); // 3 claims x 4 target modalities
        assertThat(first.tasks().get("scifact-mixed-noinst")).containsExactly(12, 12);
        assertThat(first.tasks().get("fsdd-a2t")).containsExactly(10, 10);
        Map<String, String> jsonl = jsonl();

        // every task opens through the catalog and every item becomes a media event of the declared modality
        TaskCatalog catalog = TaskCatalog.read(out.resolve("tasks.json"));
        for (var d : catalog.definitions()) {
            BenchmarkTask task = catalog.open(d.id(), out, out.resolve("gen"));
            List<MediaEvent> events = new ReplayPlan(task, 0).events();
            assertThat(events).as(d.id()).isNotEmpty();
            for (BenchQuery q : task.queries()) {
                assertThat(q.gold()).as(d.id()).hasSize(1);
            }
        }
        BenchmarkTask t2d = catalog.open("scifact-t2d", out, out.resolve("gen"));
        List<BenchItem> pages = t2d.candidates().toList();
        assertThat(pages).allSatisfy(i -> assertThat(i.modality()).isEqualTo(Modality.DOCUMENT));
        try (PDDocument pdf = Loader.loadPDF(pages.get(0).mediaPath().toFile())) {
            assertThat(pdf.getNumberOfPages()).isEqualTo(1);
            String layer = new PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
            BenchmarkTask t2t = catalog.open("scifact-t2t", out, out.resolve("gen"));
            String firstWords = t2t.candidates().map(BenchItem::text).map(t -> t.split(" ")[0])
                    .collect(Collectors.joining(" "));
            assertThat(firstWords.split(" ")).anySatisfy(w -> assertThat(layer).contains(w));
        }
        BenchmarkTask t2v = catalog.open("scifact-t2v", out, out.resolve("gen"));
        Path video = t2v.candidates().findFirst().orElseThrow().mediaPath();
        assertThat(ffprobe(video, "format=duration")).startsWith("4.0");
        BenchmarkTask s2t = catalog.open("scifact-s2t", out, out.resolve("gen"));
        Path speech = s2t.queries().get(0).mediaPath();
        assertThat(ffprobe(speech, "stream=sample_rate,channels")).isEqualTo("16000\n1");
        BenchmarkTask mixed = catalog.open("scifact-mixed", out, out.resolve("gen"));
        assertThat(mixed.candidates().map(BenchItem::modality).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(Modality.TEXT, Modality.DOCUMENT, Modality.VIDEO, Modality.AUDIO);
        assertThat(mixed.queries()).extracting(BenchQuery::instruction).anySatisfy(i -> assertThat(i).contains("video"));
        // the ablation twin: the same query ids and gold, and no instruction at all (the model's default applies)
        BenchmarkTask noInstruction = catalog.open("scifact-mixed-noinst", out, out.resolve("gen"));
        assertThat(noInstruction.queries()).extracting(BenchQuery::itemId)
                .containsExactlyElementsOf(mixed.queries().stream().map(BenchQuery::itemId).toList());
        assertThat(noInstruction.queries()).extracting(BenchQuery::gold)
                .containsExactlyElementsOf(mixed.queries().stream().map(BenchQuery::gold).toList());
        assertThat(noInstruction.queries()).extracting(BenchQuery::instruction).containsOnlyNulls();

        // deterministic, and the second build renders nothing
        CrossModalBuilder.Summary second = new CrossModalBuilder(options, s -> {}).build();
        assertThat(second.rendered()).isZero();
        assertThat(second.reused()).isEqualTo(first.rendered());
        assertThat(jsonl()).isEqualTo(jsonl);
    }

    private Map<String, String> jsonl() throws Exception {
        try (var files = Files.list(out)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).collect(Collectors.toMap(
                    p -> p.getFileName().toString(), p -> {
                        try {
                            return Files.readString(p);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
        }
    }

    private static String ffprobe(Path file, String entries) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", entries, "-of",
                "default=noprint_wrappers=1:nokey=1", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isZero();
        return out;
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
