package io.omnistream.launcher.cli;

import io.omnistream.replay.crossmodal.CrossModalBuilder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./omnistream build-crossmodal}: the cross-modal benchmark from ../shared/data (see {@link CrossModalBuilder}). */
@Command(name = "build-crossmodal", mixinStandardHelpOptions = true,
        description = {
            "Build MMEB-style cross-modal tasks from the shared data: SciFact abstracts as text, typeset PDF page, slide",
            "video and synthesised speech (claims as text and speech); Tux Paint stamps as image, description and real",
            "spoken description; FSDD spoken digits. Writes media, one JSONL per task and tasks.json into --out;",
            "replay them with: ./omnistream replay --catalog OUT/tasks.json --model bge-small-en-v1.5-cascade"})
public final class BuildCrossModalCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (outside the repository; reused as a cache).")
    Path out;

    @Option(names = "--items", defaultValue = "30", paramLabel = "N", description = "SciFact abstracts (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--tux-items", defaultValue = "30", paramLabel = "N", description = "Tux Paint stamps with a spoken description (default: ${DEFAULT-VALUE}, at most 65).")
    int tuxItems;

    @Option(names = "--fsdd-per-digit", defaultValue = "5", paramLabel = "N", description = "FSDD recordings per digit (default: ${DEFAULT-VALUE}).")
    int fsddPerDigit;

    @Option(names = "--seed", defaultValue = "20261122", paramLabel = "S", description = "Seed of the item choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", paramLabel = "DIR", description = "Shared data root (default: ../shared/data).")
    Path data;

    @Override
    public Integer call() throws Exception {
        CrossModalBuilder.Summary s = new CrossModalBuilder(new CrossModalBuilder.Options(
                data != null ? data : StackOptions.defaultDataRoot(), out.toAbsolutePath(), items, tuxItems,
                fsddPerDigit, seed), System.out::println).build();
        System.out.printf(Locale.ROOT, "%nbuilt %d tasks in %.1f s (%d media files rendered, %d reused) into %s:%n",
                s.tasks().size(), s.seconds(), s.rendered(), s.reused(), out.toAbsolutePath());
        s.tasks().forEach((id, size) -> System.out.printf(Locale.ROOT, "  %-16s %4d queries, %4d candidates%n", id,
                size[0], size[1]));
        System.out.println("replay: ./omnistream replay --catalog " + out.resolve("tasks.json")
                + " --model bge-small-en-v1.5-cascade --path exact");
        return 0;
    }
}
