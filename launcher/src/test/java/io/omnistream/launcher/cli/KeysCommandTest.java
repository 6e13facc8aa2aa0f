package io.omnistream.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.AuthResult;
import io.omnistream.runtime.auth.Authenticator;
import io.omnistream.runtime.auth.Authenticators;
import io.omnistream.runtime.auth.Principal;
import io.omnistream.runtime.auth.Scope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
    private static final Pattern KEY = Pattern.compile("osk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = OmnistreamCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String keyIn(String output) {
        Matcher m = KEY.matcher(output);
        assertThat(m.find()).as("a key in: " + output).isTrue();
        return m.group();
    }

    @Test
    void createListRevoke() throws Exception {
        Path store = dir.resolve("keys.json");
        Run created = run("keys", "create", "--tenant", "acme", "--scopes", "ingest,search", "--store", store.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        String key = keyIn(created.out());
        String id = key.substring(4, 20);
        assertThat(created.out()).contains("for tenant 'acme' with scopes ingest,search")
                .contains("only time the key is shown").contains("curl -H \"Authorization: Bearer " + key + "\"")
                .contains("keys revoke " + id);
        assertThat(Files.readString(store)).doesNotContain(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rw-------");

        // a service reading the same file accepts the key
        Authenticator service = Authenticators.apiKeys(ApiKeyStore.open(store, Duration.ZERO));
        AuthResult before = service.authenticate("Bearer " + key);
        assertThat(before).isInstanceOf(AuthResult.Authenticated.class);
        Principal p = ((AuthResult.Authenticated) before).principal();
        assertThat(p.tenant()).isEqualTo("acme");
        assertThat(p.scopes()).containsExactlyInAnyOrder(Scope.INGEST, Scope.SEARCH);

        Run list = run("keys", "list", "--store", store.toString());
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("1 API key(s)").contains(id).contains("acme").contains("ingest,search")
                .doesNotContain(key).doesNotContain("sha256");
        assertThat(list.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow()).endsWith("-");

        Run revoked = run("keys", "revoke", id, "--store", store.toString());
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).startsWith("Revoked API key " + id + " (tenant 'acme')");
        assertThat(service.authenticate("Bearer " + key)).isInstanceOf(AuthResult.Unauthenticated.class);
        assertThat(run("keys", "list", "--store", store.toString()).out().lines()
                .filter(l -> l.startsWith(id)).findFirst().orElseThrow()).doesNotEndWith("-");
        assertThat(run("keys", "revoke", id, "--store", store.toString()).out()).contains("already revoked");

        Run unknown = run("keys", "revoke", "0123456789abcdef", "--store", store.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no API key with id '0123456789abcdef'");
    }

    @Test
    void theStoreDefaultsToApiKeysJsonInTheHome() {
        Path home = dir.resolve("home");
        Run created = run("keys", "create", "--tenant", "t1", "--scopes", "admin", "--quiet", "-D", "omnistream.home=" + home);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().strip()).matches(KEY);
        assertThat(home.resolve("api-keys.json")).isRegularFile();
        assertThat(run("keys", "list", "-D", "omnistream.home=" + home).out()).contains("t1").contains("admin");
        Path explicit = dir.resolve("elsewhere.json");
        run("keys", "create", "--tenant", "t2", "--scopes", "search", "-D", "omnistream.home=" + home,
                "-D", "auth.key-store-file=" + explicit);
        assertThat(explicit).isRegularFile();
    }

    @Test
    void theBenchmarkTenantOnlyWithReserved() {
        Path store = dir.resolve("keys.json");
        Run refused = run("keys", "create", "--tenant", "omnistream-bench", "--scopes", "ingest", "--store", store.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("reserved");
        Run reserved = run("keys", "create", "--reserved", "--scopes", "ingest", "--store", store.toString());
        assertThat(reserved.exit()).as(reserved.err()).isZero();
        assertThat(reserved.out()).contains("for tenant 'omnistream-bench'");
        Run both = run("keys", "create", "--reserved", "--tenant", "acme", "--scopes", "ingest", "--store", store.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("do not combine it with --tenant");
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        Path store = dir.resolve("keys.json");
        Run noTenant = run("keys", "create", "--scopes", "ingest", "--store", store.toString());
        assertThat(noTenant.exit()).isEqualTo(2);
        assertThat(noTenant.err()).contains("--tenant");
        Run badScope = run("keys", "create", "--tenant", "acme", "--scopes", "ingest,write", "--store", store.toString());
        assertThat(badScope.exit()).isEqualTo(1);
        assertThat(badScope.err()).contains("unknown scope 'write'");
        Run badTenant = run("keys", "create", "--tenant", "Acme Corp", "--scopes", "ingest", "--store", store.toString());
        assertThat(badTenant.exit()).isEqualTo(1);
        assertThat(badTenant.err()).contains("invalid tenant 'Acme Corp'");
        assertThat(store).doesNotExist();
        assertThat(run("keys", "--help").out()).contains("Usage: omnistream keys").contains("create").contains("revoke");
    }
}
