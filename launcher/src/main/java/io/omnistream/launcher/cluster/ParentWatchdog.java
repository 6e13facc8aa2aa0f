package io.omnistream.launcher.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that ends a child JVM when the JVM that started it is gone, even after {@code kill -9} of that
 * parent (no shutdown hook of the parent runs then). It is how {@link ApicurioRegistry} (and any other JVM the
 * multi-process stack starts) is tied to its parent: the child runs with {@code -javaagent:<jar>=<parent pid>} and its
 * stdin a pipe from the parent.
 *
 * <p>Two signals, either suffices: <b>EOF on stdin</b> (the kernel closes the parent's end of the pipe when the
 * parent dies, however it dies; Java closes inherited descriptors in other children, so no one else holds it) and
 * <b>the parent pid no longer alive</b> (polled every {@value #POLL_MS} ms, for a child whose stdin is not a pipe).
 * Then the child exits through {@link System#exit} (its own shutdown hooks run: Quarkus stops gracefully) and is
 * halted if that takes longer than {@value #HALT_AFTER_MS} ms. The child must not read stdin itself.
 *
 * <p>Only JDK classes are used: the agent jar {@link #agentJar} writes holds this one class.
 */
public final class ParentWatchdog {
    static final long POLL_MS = 500;
    static final long HALT_AFTER_MS = 10_000;
    /** Exit status of a child ended because its parent is gone. */
    static final int EXIT_PARENT_GONE = 3;

    private ParentWatchdog() {
    }

    /** Agent entry point; {@code args} is the parent's pid. */
    public static void premain(String args) {
        long parentPid = Long.parseLong(args.trim());
        Thread stdin = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException e) {
                // a broken pipe is the same news as EOF
            }
            parentGone("stdin closed");
        }, "parent-watchdog-stdin");
        Thread poll = new Thread(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(POLL_MS); // polling a pid has no blocking alternative in the JDK
                } catch (InterruptedException e) {
                    return;
                }
            }
            parentGone("parent pid " + parentPid + " gone");
        }, "parent-watchdog-pid");
        for (Thread t : new Thread[] {stdin, poll}) {
            t.setDaemon(true);
            t.start();
        }
    }

    private static synchronized void parentGone(String why) {
        System.err.println("parent-watchdog: " + why + "; exiting");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }, "parent-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(EXIT_PARENT_GONE);
    }

    /**
     * Writes the agent jar ({@code Premain-Class} this class) to {@code dir} and returns it; rewritten each call so
     * that it always matches the running code.
     */
    public static Path agentJar(Path dir) {
        String classFile = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatchdog.class.getName());
        try (InputStream bytes = ParentWatchdog.class.getResourceAsStream("/" + classFile)) {
            if (bytes == null) {
                throw new IllegalStateException("class file " + classFile + " not found on the classpath");
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "parent-watchdog", ".jar.tmp");
            try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, manifest)) {
                jar.putNextEntry(new JarEntry(classFile));
                bytes.transferTo(jar);
                jar.closeEntry();
            }
            return Files.move(tmp, dir.resolve("parent-watchdog.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the parent-watchdog agent jar to " + dir, e);
        }
    }
}
