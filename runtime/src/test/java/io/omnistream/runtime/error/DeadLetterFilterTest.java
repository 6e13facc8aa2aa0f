package io.omnistream.runtime.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.FailedEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {
    private static DeadLetter letter(String stage, String errorClass, String reason, long failedAtMs) {
        return new DeadLetter("media.dlq.v1", 0, 7, "doc-1", FailedEvent.newBuilder().setStage(stage)
                .setErrorClass(errorClass).setReason(reason).setFailedAtMs(failedAtMs).build());
    }

    @Test
    void everyCriterionIsOptionalAndAllGivenOnesMustHold() {
        DeadLetter encode = letter("encode", "java.lang.IllegalArgumentException", "model has no AUDIO encoder", 1_000);
        DeadLetter sink = letter("sink", "io.milvus.v2.exception.MilvusClientException", "dimension mismatch", 5_000);

        assertThat(DeadLetterFilter.any()).accepts(encode, sink);
        assertThat(new DeadLetterFilter("ENCODE", null, null)).accepts(encode).rejects(sink);
        // the reason text or the error class, case-insensitive
        assertThat(new DeadLetterFilter(null, "audio", null)).accepts(encode).rejects(sink);
        assertThat(new DeadLetterFilter(null, "MilvusClient", null)).accepts(sink).rejects(encode);
        // since is inclusive
        assertThat(new DeadLetterFilter(null, null, Instant.ofEpochMilli(5_000))).accepts(sink).rejects(encode);
        assertThat(new DeadLetterFilter("sink", "audio", null)).rejects(encode, sink);
    }
}
