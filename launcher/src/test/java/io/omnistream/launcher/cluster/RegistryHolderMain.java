package io.omnistream.launcher.cluster;

import java.nio.file.Path;

/**
 * Starts an {@link ApicurioRegistry} (working directory {@code args[0]}), prints {@code registry-pid=<pid>} and
 * {@code registry-url=<url>}, then waits forever: the parent JVM of {@link ApicurioRegistryIT}'s {@code kill -9} test.
 */
public final class RegistryHolderMain {
    private RegistryHolderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApicurioRegistry registry = ApicurioRegistry.builder(Path.of(args[0])).build().start();
        System.out.println("registry-pid=" + registry.processHandle().orElseThrow().pid());
        System.out.println("registry-url=" + registry.confluentUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
