package io.omnistream.launcher.cluster;

import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.serde.ConfluentAvroDeserializer;
import io.omnistream.schemas.serde.ConfluentAvroSerializer;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The second process of {@link SchemaRegistryIT}, with its own Confluent client:
 * {@code write URL TOPIC CONTENT_ID} serializes {@link SchemaRegistryIT#event} and prints {@code schema-id=} and
 * {@code bytes=} (Base64); {@code read URL TOPIC BASE64} deserializes and prints {@code content-id=}.
 */
public final class RegistryClientMain {
    private RegistryClientMain() {
    }

    public static void main(String[] args) {
        String url = args[1];
        String topic = args[2];
        if (args[0].equals("write")) {
            byte[] bytes = new ConfluentAvroSerializer<>(MediaEvent.class, url).serialize(topic, SchemaRegistryIT.event(args[3]));
            System.out.println("schema-id=" + ByteBuffer.wrap(bytes, 1, 4).getInt());
            System.out.println("bytes=" + Base64.getEncoder().encodeToString(bytes));
        } else {
            MediaEvent event = new ConfluentAvroDeserializer<>(MediaEvent.class, url)
                    .deserialize(topic, Base64.getDecoder().decode(args[3]));
            System.out.println("content-id=" + event.getContentId());
        }
        System.out.flush();
        System.exit(0);
    }
}
