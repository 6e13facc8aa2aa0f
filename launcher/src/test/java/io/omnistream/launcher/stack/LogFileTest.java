package io.omnistream.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogFileTest {
    @AfterEach
    void clear() {
        System.clearProperty(LogFile.PROPERTY);
    }

    @Test
    void defaultIsTheOneTheLog4jFileUses() throws Exception {
        assertThat(LogFile.path()).isEqualTo(Path.of(System.getProperty("user.home"), ".omnistream/logs/omnistream.log"));
        String xml = new String(getClass().getResourceAsStream("/omnistream-log4j2.xml").readAllBytes());
        assertThat(xml).contains("${sys:omnistream.log.file:-${sys:user.home}/.omnistream/logs/omnistream.log}");
    }

    @Test
    void propertyWins() {
        System.setProperty(LogFile.PROPERTY, "/tmp/x/omni.log");
        assertThat(LogFile.path()).isEqualTo(Path.of("/tmp/x/omni.log"));
        assertThat(Files.exists(Path.of("/tmp/x/omni.log"))).isFalse();
    }
}
