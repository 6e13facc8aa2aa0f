package io.omnistream.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChaosCommandTest {
    private final ChaosCommand.DurationConverter durations = new ChaosCommand.DurationConverter();

    @Test
    void durationsInTheShortFormsAndIso8601() {
        assertThat(durations.convert("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(durations.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(durations.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(durations.convert("PT10M")).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> durations.convert("ten minutes")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("e.g. 30m");
    }

    @Test
    void theServedPathWaitsOutAnOutageLongerThanItsDefaultWait() {
        ChaosCommand command = new ChaosCommand();
        new CommandLine(command).parseArgs("--scenario", "milvus-outage-60s", "--outage", "600");
        assertThat(command.clusterConfig().explicitValues("quality.")).containsEntry(
                "quality.served.completeness-timeout", "900s");
        ChaosCommand shortOutage = new ChaosCommand();
        new CommandLine(shortOutage).parseArgs("--outage", "60", "-Dquality.served.completeness-timeout=20m");
        assertThat(shortOutage.clusterConfig().explicitValues("quality.")).containsEntry(
                "quality.served.completeness-timeout", "1200s");
    }

    @Test
    void theSoakOptionsParse() {
        ChaosCommand command = new ChaosCommand();
        new CommandLine(command).parseArgs("--scenario", "soak", "--duration", "10m", "--sample-every", "20s");
        assertThat(command.scenario).isEqualTo("soak");
        assertThat(command.duration).isEqualTo(Duration.ofMinutes(10));
        assertThat(command.sampleEvery).isEqualTo(Duration.ofSeconds(20));
    }
}
