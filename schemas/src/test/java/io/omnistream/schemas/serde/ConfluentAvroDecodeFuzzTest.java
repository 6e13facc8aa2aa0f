package io.omnistream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.MediaEvent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Fuzzes the Avro decode path every Kafka consumer of the project uses: {@link ConfluentAvroDeserializer} on an
 * arbitrary record value (Confluent wire format: magic byte 0, 4-byte schema id, Avro binary body), read as a
 * {@link MediaEvent} (encoder workers) and as an {@link EmbeddingEvent} (Milvus sink, quality plane). The
 * {@code mock://} registry of this JVM holds the current MediaEvent and EmbeddingEvent schemas and an older
 * EmbeddingEvent (without the optional fields), under the ids {@link #MEDIA_ID}, {@link #EMBEDDING_ID} and
 * {@link #OLD_EMBEDDING_ID} that the seeds carry, so the fuzzer starts from records that decode and mutates their
 * bodies and headers.
 *
 * <p>Invariant: the value decodes to a record, or the deserializer throws Kafka's {@link SerializationException},
 * which {@code io.omnistream.runtime.error.FailureClassifier} classifies as permanent (the record is dead-lettered,
 * the stage goes on). Any other exception, a hang (libFuzzer {@code -timeout}) or an OutOfMemoryError (e.g. from a
 * huge declared array, string or bytes length; the fuzzing JVM has {@code fuzz.heap} = 1 GiB) is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds and regression inputs under
 * {@code src/test/resources/io/omnistream/schemas/serde/ConfluentAvroDecodeFuzzTestInputs/decode/}.
 */
class ConfluentAvroDecodeFuzzTest {
    static final String REGISTRY = "mock://fuzz-avro-decode";
    static final int MEDIA_ID = 1;
    static final int EMBEDDING_ID = 2;
    static final int OLD_EMBEDDING_ID = 3;

    private static final ConfluentAvroDeserializer<MediaEvent> MEDIA;
    private static final ConfluentAvroDeserializer<EmbeddingEvent> EMBEDDING;

    static {
        SchemaRegistryClient client = SchemaRegistries.client(REGISTRY);
        try {
            assertThat(client.register("media.events.v1-value", new AvroSchema(MediaEvent.getClassSchema().toString())))
                    .as("the seeds' schema ids").isEqualTo(MEDIA_ID);
            assertThat(client.register("embeddings.text.v1-value", new AvroSchema(EmbeddingEvent.getClassSchema().toString())))
                    .isEqualTo(EMBEDDING_ID);
            assertThat(client.register("embeddings.old.v1-value", new AvroSchema(oldEmbeddingSchema().toString())))
                    .isEqualTo(OLD_EMBEDDING_ID);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the fuzz test's schemas", e);
        }
        MEDIA = new ConfluentAvroDeserializer<>(MediaEvent.class, client);
        EMBEDDING = new ConfluentAvroDeserializer<>(EmbeddingEvent.class, client);
    }

    /** EmbeddingEvent before the optional {@code instruction} and {@code benchmark} fields were added. */
    static Schema oldEmbeddingSchema() {
        Schema modality = EmbeddingEvent.getClassSchema().getField("modality").schema();
        return SchemaBuilder.record("EmbeddingEvent").namespace("io.omnistream.schemas.avro").fields()
                .requiredString("contentId").requiredString("tenant").requiredString("modelId")
                .requiredString("modelVersion").name("modality").type(modality).noDefault()
                .name("vector").type().array().items().floatType().noDefault()
                .requiredInt("dimension").requiredLong("sourceEventTimeMs").requiredLong("embeddedAtMs")
                .endRecord();
    }

    @FuzzTest
    void decode(byte[] value) {
        decodeAs(MEDIA, value);
        decodeAs(EMBEDDING, value);
    }

    private static void decodeAs(ConfluentAvroDeserializer<?> deserializer, byte[] value) {
        Object record;
        try {
            record = deserializer.deserialize("fuzz", value);
        } catch (SerializationException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(record).as("only a null value (tombstone) reads as null").isNotNull();
    }
}
