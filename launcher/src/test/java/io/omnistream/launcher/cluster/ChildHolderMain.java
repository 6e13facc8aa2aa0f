package io.omnistream.launcher.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a {@link ChildJvm} running {@link ChildHolderMain} itself in child mode (working directory {@code args[0]},
 * this JVM's classpath), waits until the child has printed {@code child-ready}, prints {@code child-pid=<pid>}, then
 * waits forever: the parent JVM that {@link ChildJvmIT} kills with -9. In child mode ({@code args[0] == "--child"})
 * it prints {@code child-ready} and blocks, never reading stdin (the watchdog owns it).
 */
public final class ChildHolderMain {
    private ChildHolderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--child")) {
            System.out.println("child-ready");
            System.out.flush();
            Thread.currentThread().join();
            return;
        }
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of).toList();
        ChildJvm child = ChildJvm.builder("blocked-child", ChildHolderMain.class.getName()).classpath(classpath)
                .workDir(Path.of(args[0])).jvmFlags("-Xmx64m").args("--child").start();
        child.awaitLogLine("child-ready", Duration.ofSeconds(60), System.out);
        System.out.println("child-pid=" + child.pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
