package io.omnistream.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicToolOptionsTest {
    @Test
    void sinceAcceptsUnitsAndIso() {
        assertThat(TopicToolOptions.parseSince("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TopicToolOptions.parseSince("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(TopicToolOptions.parseSince("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(TopicToolOptions.parseSince("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(TopicToolOptions.parseSince("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> TopicToolOptions.parseSince("soon")).hasMessageContaining("--since");
        assertThatThrownBy(() -> TopicToolOptions.parseSince("5w")).hasMessageContaining("--since");
    }

    @Test
    void anExplicitBootstrapAndRegistryWinAndTheEmbeddedStacksRegistryIsTheDefault() {
        TopicToolOptions options = new TopicToolOptions();
        assertThat(options.registryUrl()).isEqualTo("mock://omnistream");
        options.bootstrap = "kafka:9092";
        options.registry = "http://registry:8080/apis/ccompat/v7";
        assertThat(options.bootstrapServers(new StackOptions())).isEqualTo("kafka:9092");
        assertThat(options.registryUrl()).isEqualTo("http://registry:8080/apis/ccompat/v7");
    }
}
