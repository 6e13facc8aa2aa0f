package io.omnistream.launcher.cli;

import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.runtime.auth.ApiKey;
import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.AuthOptions;
import io.omnistream.runtime.auth.Scope;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.schemas.tenant.Tenants;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ./omnistream keys create|list|revoke}: the API keys of the HTTP services, in the key store file the services
 * read ({@code auth.key-store-file}, by default {@code api-keys.json} in {@code omnistream.home}). Running services
 * pick up a change within {@code auth.key-store.reload-interval}, without a restart.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class},
        description = {
            "API keys for the HTTP API ('Authorization: Bearer <key>'), each bound to one tenant and a set of scopes "
                    + "(ingest, delete, search, read-quality, admin). Keys are stored hashed; 'create' prints a key "
                    + "once. Running services notice 'create' and 'revoke' within auth.key-store.reload-interval."})
public final class KeysCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the store is: --store, else auth.key-store-file, else api-keys.json in omnistream.home. */
    static final class StoreOptions {
        @Option(names = "--store", paramLabel = "FILE",
                description = "API key store file (default: auth.key-store-file if set, else api-keys.json in omnistream.home, ~/.omnistream).")
        Path store;

        @Option(names = "--config", paramLabel = "FILE", description = "Properties file with configuration keys (omnistream.home, auth.key-store-file).")
        Path configFile;

        @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Override one configuration key, e.g. -D omnistream.home=/srv/omnistream.")
        Map<String, String> overrides = new HashMap<>();

        Path file() {
            if (store != null) {
                return store;
            }
            ConfigSource source = ConfigSource.load(configFile, overrides);
            return AuthOptions.keyStoreFile(source, new LauncherConfig(source).home());
        }

        ApiKeyStore open() {
            // the CLI reads the file once per run, so no periodic re-read is needed
            return ApiKeyStore.open(file(), Duration.ZERO);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key and print it. It is shown only this once: the store keeps only its SHA-256.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "TENANT",
                description = "Tenant the key acts for: 1-64 of a-z, 0-9, '-', '_', starting with a letter or digit. Not with --reserved.")
        String tenant;

        @Option(names = "--scopes", paramLabel = "SCOPES", required = true,
                description = "Comma-separated scopes: ingest, delete, search, read-quality, admin (admin implies all).")
        String scopes;

        @Option(names = "--reserved",
                description = "Create a key of the reserved benchmark tenant (" + Tenants.BENCHMARK + "), the replayer's credential; user keys never get it.")
        boolean reserved;

        @Option(names = "--quiet", description = "Print only the key (for scripts: KEY=$(./omnistream keys create ... --quiet)).")
        boolean quiet;

        @Mixin
        StoreOptions storeOptions;

        @Override
        public Integer call() {
            Set<Scope> parsed = Scope.parseList(scopes);
            if (reserved && tenant != null && !tenant.equals(Tenants.BENCHMARK)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--reserved creates a key of tenant " + Tenants.BENCHMARK + "; do not combine it with --tenant " + tenant);
            }
            if (!reserved && tenant == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--tenant=TENANT'");
            }
            ApiKeyStore store = storeOptions.open();
            ApiKeyStore.CreatedKey created = reserved ? store.createReserved(parsed) : store.create(tenant, parsed);
            PrintWriter out = spec.commandLine().getOut();
            if (quiet) {
                out.println(created.plaintext());
            } else {
                ApiKey key = created.key();
                out.printf("Created API key %s for tenant '%s' with scopes %s in %s.%n", key.id(), key.tenant(),
                        Scope.wireNames(key.scopes()), store.file());
                out.printf("This is the only time the key is shown; keep it secret:%n%n  %s%n%n", created.plaintext());
                out.printf("Send it as a bearer token, e.g.:%n");
                out.printf("  curl -H \"Authorization: Bearer %s\" -H 'Content-Type: application/json' \\%n"
                        + "       -d @event.json http://localhost:8080/v1/media%n", created.plaintext());
                out.printf("Revoke it with: ./omnistream keys revoke %s%n", key.id());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the keys: id, tenant, scopes, created, revoked (never the keys or their hashes).")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOptions storeOptions;

        @Override
        public Integer call() {
            ApiKeyStore store = storeOptions.open();
            print(store.list(), store.file(), spec.commandLine().getOut());
            return 0;
        }

        static void print(List<ApiKey> keys, Path file, PrintWriter out) {
            out.printf("%d API key(s) in %s%n", keys.size(), file);
            if (!keys.isEmpty()) {
                out.printf("%-16s  %-24s  %-36s  %-20s  %s%n", "ID", "TENANT", "SCOPES", "CREATED", "REVOKED");
            }
            for (ApiKey k : keys) {
                out.printf("%-16s  %-24s  %-36s  %-20s  %s%n", k.id(), k.tenant(), Scope.wireNames(k.scopes()),
                        k.created().truncatedTo(ChronoUnit.SECONDS), k.revoked() ? k.revokedAt().truncatedTo(ChronoUnit.SECONDS) : "-");
            }
            out.flush();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key by id: running services refuse it (401) within auth.key-store.reload-interval.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The key id (the 16 hex digits after osk_, as 'keys list' shows).")
        String id;

        @Mixin
        StoreOptions storeOptions;

        @Override
        public Integer call() {
            ApiKeyStore store = storeOptions.open();
            boolean already = store.find(id).map(ApiKey::revoked).orElse(false);
            ApiKey key = store.revoke(id);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(already ? "API key %s (tenant '%s') was already revoked at %s.%n"
                    : "Revoked API key %s (tenant '%s') at %s.%n", key.id(), key.tenant(), key.revokedAt());
            out.flush();
            return 0;
        }
    }
}
