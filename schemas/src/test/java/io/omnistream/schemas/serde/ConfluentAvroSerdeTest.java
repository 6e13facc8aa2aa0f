package io.omnistream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.schemas.avro.BenchmarkMarker;
import io.omnistream.schemas.avro.BenchmarkRole;
import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
    private final String registry = "mock://serde-test-" + UUID.randomUUID();

    private static MediaEvent event() {
        return MediaEvent.newBuilder()
                .setContentId("doc-1").setTenant("t1").setModality(Modality.TEXT).setText("hello world")
                .setInstruction("Represent this sentence for searching relevant passages: ")
                .setSource("test").setEventTimeMs(1_700_000_000_000L)
                .setBenchmark(BenchmarkMarker.newBuilder().setTaskId("scifact").setRole(BenchmarkRole.QUERY)
                        .setItemId("q1").setEpoch(2).build())
                .build();
    }

    @Test
    void roundTripsThroughTheConfluentWireFormat() throws Exception {
        var serializer = new ConfluentAvroSerializer<>(MediaEvent.class, registry);
        var deserializer = new ConfluentAvroDeserializer<>(MediaEvent.class, registry);
        byte[] bytes = serializer.serialize("media.events.v1", event());

        assertThat(bytes[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        // the id in the header is the one the registry holds for the topic's value subject (TopicNameStrategy)
        var client = SchemaRegistries.client(registry);
        assertThat(client.getAllSubjects()).contains("media.events.v1-value");
        assertThat(id).isEqualTo(client.getId("media.events.v1-value", new AvroSchema(MediaEvent.getClassSchema().toString())));
        assertThat(deserializer.deserialize("media.events.v1", bytes)).isEqualTo(event());
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(new ConfluentAvroSerializer<>(MediaEvent.class, registry).serialize("t", null)).isNull();
        assertThat(new ConfluentAvroDeserializer<>(MediaEvent.class, registry).deserialize("t", null)).isNull();
    }

    @Test
    void rejectsBytesThatAreNotWireFormat() {
        var deserializer = new ConfluentAvroDeserializer<>(MediaEvent.class, registry);
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not Confluent wire format");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema id");
    }

    @Test
    void readsRecordsWrittenWithAnOlderSchemaFillingDefaults() throws Exception {
        // An older EmbeddingEvent writer without the optional 'instruction' and 'benchmark' fields.
        Schema modality = EmbeddingEvent.getClassSchema().getField("modality").schema();
        Schema old = SchemaBuilder.record("EmbeddingEvent").namespace("io.omnistream.schemas.avro").fields()
                .requiredString("contentId").requiredString("tenant").requiredString("modelId")
                .requiredString("modelVersion").name("modality").type(modality).noDefault()
                .name("vector").type().array().items().floatType().noDefault()
                .requiredInt("dimension").requiredLong("sourceEventTimeMs").requiredLong("embeddedAtMs")
                .endRecord();
        var client = SchemaRegistries.client(registry);
        int id = client.register("old-value", new AvroSchema(old.toString()));

        GenericRecord record = new GenericData.Record(old);
        record.put("contentId", "c");
        record.put("tenant", "t");
        record.put("modelId", "m");
        record.put("modelVersion", "v");
        record.put("modality", new GenericData.EnumSymbol(modality, "TEXT"));
        record.put("vector", List.of(0.6f, 0.8f));
        record.put("dimension", 2);
        record.put("sourceEventTimeMs", 1L);
        record.put("embeddedAtMs", 2L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(record, encoder);
        encoder.flush();

        EmbeddingEvent read = new ConfluentAvroDeserializer<>(EmbeddingEvent.class, registry).deserialize("old", out.toByteArray());
        assertThat(read.getVector()).containsExactly(0.6f, 0.8f);
        assertThat(read.getInstruction()).isNull();
        assertThat(read.getBenchmark()).isNull();
    }

    @Test
    void firstRegistrationMakesTheSubjectBackwardCompatible() throws Exception {
        var client = SchemaRegistries.client(registry);
        client.updateCompatibility(null, "NONE"); // the global default must not matter
        new ConfluentAvroSerializer<>(MediaEvent.class, registry).serialize("compat", event());

        assertThat(client.getCompatibility("compat-value")).isEqualTo("BACKWARD");
        // a reader of the registered schema could not fill a new field without default: refused
        Schema breaking = SchemaBuilder.record("MediaEvent").namespace("io.omnistream.schemas.avro").fields()
                .requiredString("contentId").requiredString("mustHaveNoDefault").endRecord();
        assertThat(client.testCompatibility("compat-value", new AvroSchema(breaking.toString()))).isFalse();
    }

    @Test
    void aSubjectThatAlreadyHasVersionsKeepsItsCompatibility() throws Exception {
        var client = SchemaRegistries.client(registry);
        client.register("kept-value", new AvroSchema(MediaEvent.getClassSchema().toString()));
        client.updateCompatibility("kept-value", "FULL");
        new ConfluentAvroSerializer<>(MediaEvent.class, registry).serialize("kept", event());

        assertThat(client.getCompatibility("kept-value")).isEqualTo("FULL");
    }

    @Test
    void rejectsRegistryUrlsThatAreNeitherMockNorHttp() {
        assertThatThrownBy(() -> SchemaRegistries.client("kafka://x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mock://, http:// or https://");
    }

    @Test
    void anIdUnknownToTheRegistryFailsUnlessTheToolAsksForItsOwnSchema() {
        // written through another JVM's mock:// scope: this JVM's registry of the same URL has never seen the id
        byte[] bytes = new ConfluentAvroSerializer<>(MediaEvent.class, "mock://other-jvm-" + UUID.randomUUID())
                .serialize("media.events.v1", event());
        String empty = "mock://cli-" + UUID.randomUUID();
        assertThatThrownBy(() -> new ConfluentAvroDeserializer<>(MediaEvent.class, empty).deserialize("media.events.v1", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema id");
        assertThat(ConfluentAvroDeserializer.withLocalSchemaFallback(MediaEvent.class, empty)
                .deserialize("media.events.v1", bytes)).isEqualTo(event());
    }

    @Test
    void anArrayCountPastTheEndIsRefusedWithoutAllocatingIt() {
        byte[] good = new ConfluentAvroSerializer<>(EmbeddingEvent.class, registry).serialize("embeddings.text.v1",
                EmbeddingEvent.newBuilder().setContentId("c").setTenant("t").setModelId("m").setModelVersion("v")
                        .setModality(Modality.TEXT).setVector(List.of(0.6f, 0.8f)).setDimension(2)
                        .setSourceEventTimeMs(1L).setEmbeddedAtMs(2L).build());
        // four 1-char strings, enum 0, then a vector block of -2^28 items (zig-zag varint) declaring 0 bytes, one float:
        // Avro's skipping trusts the byte size; its reader allocates float[2^28] (1 GiB) from the count
        byte[] hostile = {good[0], good[1], good[2], good[3], good[4], 2, 'c', 2, 't', 2, 'm', 2, 'v', 0,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0, 0, 0, (byte) 0x80, 0x3f};
        var deserializer = new ConfluentAvroDeserializer<>(EmbeddingEvent.class, registry);
        deserializer.deserialize("embeddings.text.v1", good);

        long allocated = allocatedWhile(() -> assertThatThrownBy(() -> deserializer.deserialize("embeddings.text.v1", hostile))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot decode"));
        assertThat(allocated).as("bytes allocated while decoding a 24-byte value").isLessThan(16L * 1024 * 1024);
    }

    private static long allocatedWhile(Runnable action) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void aDeclaredLengthPastTheEndIsRefusedWithoutAllocatingIt() {
        var serializer = new ConfluentAvroSerializer<>(MediaEvent.class, registry);
        byte[] good = serializer.serialize("media.events.v1", event());
        // the header of a real value, then a contentId that declares 2^30 bytes (zig-zag varint 2^31) and holds 2
        byte[] hostile = {good[0], good[1], good[2], good[3], good[4], (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                0x08, 'a', 'b'};
        var deserializer = new ConfluentAvroDeserializer<>(MediaEvent.class, registry);
        deserializer.deserialize("media.events.v1", good); // the reader for this id is built, its allocation not counted

        long allocated = allocatedWhile(() -> assertThatThrownBy(() -> deserializer.deserialize("media.events.v1", hostile))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot decode"));
        // Avro alone allocates the declared 1 GiB before it finds the bytes missing (or fails with OutOfMemoryError)
        assertThat(allocated).as("bytes allocated while decoding a 12-byte value").isLessThan(16L * 1024 * 1024);
    }
}
