package io.omnistream.images;

import io.omnistream.launcher.cluster.ApicurioRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The schema registry the packaged services of this module's ITs share: one real Apicurio Registry per test JVM
 * ({@link ApicurioRegistry}, started on first use, about 15 s), since a standalone service refuses a {@code mock://}
 * registry. It stops with this JVM (the manager's shutdown hook).
 */
final class SharedRegistry {
    /** For tests that end with a configuration error before any registry is contacted. */
    static final String NEVER_CONTACTED = "http://127.0.0.1:9/never-contacted";
    private static ApicurioRegistry registry;

    private SharedRegistry() {
    }

    /** {@code schema.registry.url} of the shared registry (its Confluent-compatible API). */
    static synchronized String url() {
        if (registry == null) {
            try {
                Path dir = Files.createTempDirectory("images-it-apicurio");
                registry = ApicurioRegistry.builder(dir).build().start();
                System.out.printf("[images] schema registry %s at %s%n", registry.info(), registry.confluentUrl());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return registry.confluentUrl();
    }
}
