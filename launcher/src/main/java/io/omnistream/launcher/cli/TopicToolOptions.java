package io.omnistream.launcher.cli;

import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningStackFile;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.schemas.serde.SchemaRegistries;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * Where the commands that read topics directly ({@code alerts}, {@code dlq}) find Kafka and the registry: the running
 * embedded stack's broker (its {@code stack.json}) unless {@code --bootstrap} is given; the embedded stack's registry
 * unless {@code --registry} is given (records whose schema that registry does not know are read with this build's
 * schema, which is what a stack of the same build wrote with).
 */
public final class TopicToolOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers instead of the running stack's.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Schema registry URL (default: the embedded stack's; records "
            + "whose schema the registry does not know are decoded with this build's schema).")
    String registry;

    /** {@code --bootstrap}, else the running embedded stack's broker. */
    String bootstrapServers(StackOptions stackOptions) {
        if (bootstrap != null) {
            return bootstrap;
        }
        LauncherConfig launcher = new LauncherConfig(stackOptions.configSource());
        return RunningStackFile.read(launcher.home()).map(m -> (String) m.get("bootstrap_servers"))
                .orElseThrow(() -> new IllegalStateException("no running stack found in " + launcher.home()
                        + "; start one ('./omnistream demo') or pass --bootstrap"));
    }

    String registryUrl() {
        return registry == null ? EmbeddedStack.REGISTRY_URL : registry;
    }

    /**
     * The Kafka client properties of the command: {@link #bootstrapServers} plus the security of the shared keys
     * ({@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*} from {@code --config}, {@code -D} or
     * the environment), so the tools reach a secured cluster as the services do. Also registers the registry's
     * authentication/TLS ({@code schema.registry.basic-auth.*}, {@code schema.registry.ssl.*}) for {@link #registryUrl}.
     */
    Map<String, Object> clientProperties(StackOptions stackOptions) {
        ConfigSource source = stackOptions.configSource();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(stackOptions));
        props.putAll(KafkaOptions.securityProperties(source));
        SchemaRegistries.configure(registryUrl(), KafkaOptions.registryClientConfig(source));
        return props;
    }

    /** {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT15M}), for {@code --since}. */
    static Duration parseSince(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--since: not a duration: '" + text + "' (e.g. 30m, 2h, 1d, PT15M)");
        }
    }
}
