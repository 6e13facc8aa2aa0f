package io.omnistream.runtime.error;

import java.time.Instant;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which dead letters an operator means ({@code ./omnistream dlq list|redrive --stage --reason --since}); every
 * criterion is optional (null = any).
 *
 * @param stage          the stage that gave up, exactly as recorded ({@code encode}, {@code sink}, {@code poison}, ...);
 *                       case-insensitive
 * @param reasonContains text the reason or the error class contains; case-insensitive
 * @param since          failed at or after this instant
 */
public record DeadLetterFilter(String stage, String reasonContains, Instant since) implements Predicate<DeadLetter> {
    /** Every letter. */
    public static DeadLetterFilter any() {
        return new DeadLetterFilter(null, null, null);
    }

    @Override
    public boolean test(DeadLetter letter) {
        if (stage != null && !stage.equalsIgnoreCase(letter.event().getStage())) {
            return false;
        }
        if (reasonContains != null) {
            String needle = reasonContains.toLowerCase(Locale.ROOT);
            if (!letter.event().getReason().toLowerCase(Locale.ROOT).contains(needle)
                    && !letter.event().getErrorClass().toLowerCase(Locale.ROOT).contains(needle)) {
                return false;
            }
        }
        return since == null || !letter.failedAt().isBefore(since);
    }
}
