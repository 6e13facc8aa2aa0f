package io.omnistream.launcher.cli;

import io.omnistream.runtime.error.DeadLetter;
import io.omnistream.runtime.error.DeadLetterFilter;
import io.omnistream.runtime.error.DeadLetterQueue;
import io.omnistream.runtime.error.DeadLetterRedrive;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.FailedEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./omnistream dlq list|redrive}: look at the dead-letter topic and republish what was fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Redrive.class},
        description = {
            "The dead-letter topic (media.dlq.v1): records a stage gave up on, each with the stage, the reason and the "
                    + "original bytes. 'list' shows them; 'redrive' republishes the original bytes to the topic the "
                    + "stage read, once the cause is fixed. See docs/operations.md#dead-letters."})
public final class DlqCommand implements Runnable {
    /** How long to wait for Kafka when reading a topic or committing a redrive. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The filters both subcommands take. */
    static final class Filters {
        @Option(names = "--stage", paramLabel = "STAGE",
                description = "Only letters of this stage (deserialize, preprocess, encode, produce, sink, poison, ...).")
        String stage;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Only letters whose reason or error class contains TEXT (case-insensitive).")
        String reason;

        @Option(names = "--since", paramLabel = "DURATION", description = "Only letters dead-lettered within this long before now (30m, 2h, 1d, PT15M).")
        String since;

        @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.DLQ, description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Mixin
        TopicToolOptions kafka;

        @Mixin
        StackOptions stackOptions;

        DeadLetterFilter filter() {
            Instant from = since == null ? null : Instant.now().minus(TopicToolOptions.parseSince(since));
            return new DeadLetterFilter(stage, reason, from);
        }

        List<DeadLetter> matching(Map<String, Object> kafkaClient) {
            return DeadLetterQueue.read(kafkaClient, kafka.registryUrl(), topic, TIMEOUT).stream().filter(filter()).toList();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the matching dead letters, oldest first per partition, with their coordinates and whether "
                    + "they were redriven.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        Filters filters;

        @Override
        public Integer call() {
            Map<String, Object> kafkaClient = filters.kafka.clientProperties(filters.stackOptions);
            List<DeadLetter> letters = filters.matching(kafkaClient);
            print(letters, ledgerIfAny(kafkaClient), System.out);
            return 0;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {
                "Republish the matching dead letters' original bytes to the topic their stage read (with headers "
                        + DeadLetterRedrive.HEADER_SOURCE + " and " + DeadLetterRedrive.HEADER_COUNT + "), bypassing the "
                        + "ingest API's duplicate check. Exactly once per letter: each record and its entry in the "
                        + "redrive ledger (" + Topics.DLQ_REDRIVE_LEDGER + ") are committed in one Kafka transaction, and "
                        + "letters already in the ledger are skipped, so running it twice redrives nothing the second "
                        + "time. Letters without original bytes (refused by the ingest API) cannot be redriven."})
    static final class Redrive implements Callable<Integer> {
        @Mixin
        Filters filters;

        @Option(names = "--dry-run", description = "Print what would be redriven; write nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            Map<String, Object> kafkaClient = filters.kafka.clientProperties(filters.stackOptions);
            List<DeadLetter> letters = filters.matching(kafkaClient);
            Map<String, String> ledger = ledgerIfAny(kafkaClient);
            DeadLetterRedrive.Plan plan = DeadLetterRedrive.plan(letters, ledger);
            PrintStream out = System.out;
            out.printf("%d matching letter(s): %d to redrive, %d already redriven, %d without original bytes%n",
                    letters.size(), plan.toRedrive().size(), plan.alreadyRedriven().size(), plan.notRedrivable().size());
            Map<String, Long> byTopic = new TreeMap<>(plan.toRedrive().stream()
                    .collect(Collectors.groupingBy(l -> l.event().getOriginalTopic(), Collectors.counting())));
            if (dryRun) {
                byTopic.forEach((topic, n) -> out.printf("would republish %d record(s) to %s%n", n, topic));
                return 0;
            }
            if (plan.toRedrive().isEmpty()) {
                out.println("redrove 0 letter(s)");
                return 0;
            }
            try (DeadLetterRedrive redrive = DeadLetterRedrive.open(kafkaClient, Topics.DLQ_REDRIVE_LEDGER, TIMEOUT)) {
                int n = redrive.execute(plan, ledger);
                byTopic.forEach((topic, count) -> out.printf("republished %d record(s) to %s%n", count, topic));
                out.printf("redrove %d letter(s); ledger %s%n", n, Topics.DLQ_REDRIVE_LEDGER);
            }
            return 0;
        }
    }

    /** The redrive ledger, or empty when no redrive has created it yet. */
    static Map<String, String> ledgerIfAny(Map<String, Object> kafkaClient) {
        try {
            return DeadLetterRedrive.readLedger(kafkaClient, Topics.DLQ_REDRIVE_LEDGER, TIMEOUT);
        } catch (IllegalStateException noLedgerYet) {
            if (String.valueOf(noLedgerYet.getMessage()).endsWith("does not exist")) {
                return Map.of();
            }
            throw noLedgerYet;
        }
    }

    static void print(List<DeadLetter> letters, Map<String, String> ledger, PrintStream out) {
        out.printf("%d dead letter(s)%n", letters.size());
        for (DeadLetter l : letters) {
            FailedEvent e = l.event();
            String from = e.getOriginalTopic() == null ? "(refused before Kafka)"
                    : e.getOriginalTopic() + "/" + e.getOriginalPartition() + "/" + e.getOriginalOffset();
            out.printf(Locale.ROOT, "%s  %-11s %-24s from %s  at %s%s%n    %s: %s%n", l.failedAt(), e.getStage(),
                    l.key() == null ? "(no key)" : l.key(), from, l.coordinates(),
                    ledger.containsKey(l.coordinates()) ? "  REDRIVEN" : "", shortClass(e.getErrorClass()), e.getReason());
        }
    }

    private static String shortClass(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
