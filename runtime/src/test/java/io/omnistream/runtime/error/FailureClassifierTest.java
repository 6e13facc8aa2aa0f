package io.omnistream.runtime.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {
    @Test
    void badInputIsPermanent() {
        assertThat(FailureClassifier.classify(new PermanentFailureException("encode", "no encoder"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureClassifier.classify(new SerializationException("bad bytes"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureClassifier.classify(new RuntimeException(new IllegalArgumentException("x")))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureClassifier.classify(new java.util.concurrent.ExecutionException(new RecordTooLargeException("25 MB"))))
                .isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void outagesAreTransient() {
        assertThat(FailureClassifier.classify(new TimeoutException("broker"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureClassifier.classify(new NotLeaderOrFollowerException("x"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureClassifier.classify(new RuntimeException(new IOException("reset")))).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void anUnreachableSchemaRegistryIsAnOutageNotBadData() {
        // what ConfluentAvroSerializer throws while the registry restarts
        SerializationException registryDown = new SerializationException("schema registry refused EmbeddingEvent under "
                + "subject embeddings.m.v1-value: Connection refused", new java.net.ConnectException("Connection refused"));
        assertThat(FailureClassifier.classify(registryDown)).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureClassifier.classify(new SerializationException("timed out",
                new java.net.SocketTimeoutException("Read timed out")))).isEqualTo(FailureKind.TRANSIENT);
        // but truncated bytes (an EOF from the Avro decoder) stay bad data
        assertThat(FailureClassifier.classify(new SerializationException("cannot decode",
                new java.io.EOFException()))).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void stageAndReasonComeFromThePermanentFailureInTheChain() {
        var error = new RuntimeException("wrapper", new PermanentFailureException("preprocess", "empty text"));
        assertThat(FailureClassifier.stageOf(error, "encode")).isEqualTo("preprocess");
        assertThat(FailureClassifier.reasonOf(error)).isEqualTo("empty text");
        assertThat(FailureClassifier.stageOf(new IOException("x"), "sink")).isEqualTo("sink");
    }
}
