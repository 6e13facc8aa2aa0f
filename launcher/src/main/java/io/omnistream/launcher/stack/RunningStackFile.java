package io.omnistream.launcher.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code <omnistream.home>/stack.json}: endpoints of a running embedded stack, so other commands ({@code search})
 * can use it. Written when a long-running demo is up, deleted when it stops; a stale file is detected by the caller
 * (the Milvus URI no longer answers).
 */
public final class RunningStackFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunningStackFile() {}

    public static Path path(Path home) {
        return home.resolve("stack.json");
    }

    public static void write(EmbeddedStack stack) throws IOException {
        Path file = path(stack.home());
        // it carries the control token: readable by this user only, set before anything is written into it
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        JSON.writeValue(file.toFile(), Map.of(
                "control_uri", stack.control().baseUri().toString(),
                "control_token", stack.control().token(),
                "milvus_uri", stack.milvusUri(),
                "ingest_uri", stack.ingest().baseUri().toString(),
                "search_uri", stack.searchUri().toString(),
                "bootstrap_servers", stack.bootstrapServers(),
                "model", stack.encoder().modelId(),
                "pid", ProcessHandle.current().pid()));
        file.toFile().deleteOnExit();
    }

    /** The running stack's endpoints, if a stack.json exists and its process is alive. */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> read(Path home) {
        Path file = path(home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Map<String, Object> values = JSON.readValue(file.toFile(), Map.class);
            long pid = ((Number) values.getOrDefault("pid", -1)).longValue();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> values);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
