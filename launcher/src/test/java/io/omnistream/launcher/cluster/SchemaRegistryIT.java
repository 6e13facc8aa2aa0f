package io.omnistream.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import io.omnistream.schemas.serde.SchemaRegistries;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry of the multi-process stack: a real Apicurio Registry ({@link ApicurioRegistry}, child JVM)
 * talked to over HTTP by the official Confluent client from two processes (this JVM and {@link RegistryClientMain}).
 */
class SchemaRegistryIT {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    @TempDir
    static Path dir;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() {
        long t0 = System.nanoTime();
        registry = ApicurioRegistry.builder(dir.resolve("apicurio")).build().start();
        System.out.printf("[registry] %s answered on %s after %.1f s%n", registry.info(), registry.confluentUrl(),
                (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            ProcessHandle child = registry.processHandle().orElseThrow();
            registry.close();
            assertThat(child.isAlive()).as("registry process after close()").isFalse();
        }
    }

    static MediaEvent event(String contentId) {
        return MediaEvent.newBuilder().setContentId(contentId).setTenant("t1").setModality(Modality.TEXT)
                .setText("one schema id for every process").setSource("schema-registry-it")
                .setEventTimeMs(1_700_000_000_000L).build();
    }

    @Test
    void reportsItsNameAndVersion() {
        assertThat(registry.info().name()).isEqualTo("apicurio-registry");
        assertThat(registry.info().version()).isEqualTo(System.getProperty("omnistream.apicurio.version"));
    }

    @Test
    void twoProcessesGetTheSameSchemaIdAndReadEachOthersRecords() throws Exception {
        String url = registry.confluentUrl();
        String topic = "media.events.two-processes";
        // the other process registers first: it creates the subject
        TestMainProcess writer = TestMainProcess.start(dir, RegistryClientMain.class, "write", url, topic, "from-child");
        assertThat(writer.awaitExit(CHILD_TIMEOUT)).as(writer.output()).isZero();
        int childId = Integer.parseInt(writer.value("schema-id"));

        byte[] here = new ConfluentAvroSerializer<>(MediaEvent.class, url).serialize(topic, event("from-test-jvm"));
        assertThat(ByteBuffer.wrap(here, 1, 4).getInt()).as("schema id in this JVM").isEqualTo(childId);

        MediaEvent fromChild = new ConfluentAvroDeserializer<>(MediaEvent.class, url)
                .deserialize(topic, Base64.getDecoder().decode(writer.value("bytes")));
        assertThat(fromChild).isEqualTo(event("from-child"));

        TestMainProcess reader = TestMainProcess.start(dir, RegistryClientMain.class, "read", url, topic,
                Base64.getEncoder().encodeToString(here));
        assertThat(reader.awaitExit(CHILD_TIMEOUT)).as(reader.output()).isZero();
        assertThat(reader.value("content-id")).as(reader.output()).isEqualTo("from-test-jvm");
    }

    @Test
    void aBackwardIncompatibleSchemaIsRefusedWith409() throws Exception {
        String url = registry.confluentUrl();
        String subject = "media.events.compat-value";
        SchemaRegistryClient client = SchemaRegistries.client(url);
        assertThat(client.getCompatibility(null)).as("Apicurio's global default: nothing enforced").isEqualTo("NONE");

        new ConfluentAvroSerializer<>(MediaEvent.class, url).serialize("media.events.compat", event("first"));
        assertThat(client.getCompatibility(subject)).as("set by the serializer on first registration")
                .isEqualTo("BACKWARD");

        // a new field without default: readers on the new schema cannot read records of the registered one
        Schema current = MediaEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("addedWithoutDefault", Schema.create(Schema.Type.STRING)));
        Schema breaking = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        RestClientException refused = catchThrowableOfType(
                () -> client.register(subject, new AvroSchema(breaking.toString())), RestClientException.class);
        assertThat(refused).as("registration of a BACKWARD-incompatible schema").isNotNull();
        assertThat(refused.getStatus()).as(refused.getMessage()).isEqualTo(409);
        assertThat(client.getAllVersions(subject)).hasSize(1);
    }
}
