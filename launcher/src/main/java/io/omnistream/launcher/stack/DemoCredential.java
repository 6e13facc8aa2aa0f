package io.omnistream.launcher.stack;

import io.omnistream.runtime.auth.ApiKeyStore;
import io.omnistream.runtime.auth.AuthResult;
import io.omnistream.runtime.auth.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The API key of the local stacks ({@code demo}, {@code cluster}) and of the commands that talk to them: one key of
 * tenant {@value #TENANT}, kept in {@code <omnistream.home>/}{@value #FILE} (mode 0600, readable by its owner only), so
 * that {@code search}, {@code chaos} and friends work without flags while every request is still authenticated.
 *
 * <p>The key store holds only the key's hash; the plaintext exists only in that file. If the file is missing, or its
 * key no longer authenticates (revoked, or the key store was replaced), a new key is created and the file rewritten.
 */
public final class DemoCredential {
    /** The tenant of the demo's content. */
    public static final String TENANT = "demo";
    /** The plaintext key's file name in {@code omnistream.home}. */
    public static final String FILE = "demo-api-key";
    /** Everything the demo and the local commands do; not {@code admin}. */
    static final Set<Scope> SCOPES = EnumSet.of(Scope.INGEST, Scope.DELETE, Scope.SEARCH, Scope.READ_QUALITY);

    /** The demo key, and whether it was created just now (then the caller tells the user where it is). */
    public record Key(String plaintext, Path file, boolean created) {
        @Override
        public String toString() {
            return "Key[file=" + file + ", created=" + created + "]"; // never the secret
        }
    }

    private DemoCredential() {}

    /** The key in {@code home}'s file if it still authenticates against {@code store} as tenant {@value #TENANT}; else a new one. */
    public static synchronized Key ensure(Path home, ApiKeyStore store) {
        Path file = home.resolve(FILE);
        Optional<String> existing = read(home);
        if (existing.isPresent() && store.verify(existing.get()) instanceof AuthResult.Authenticated ok
                && ok.principal().tenant().equals(TENANT)) {
            return new Key(existing.get(), file, false);
        }
        String plaintext = store.create(TENANT, SCOPES).plaintext();
        write(file, plaintext);
        return new Key(plaintext, file, true);
    }

    /** The plaintext key from {@code home}'s file, if there is one. */
    public static Optional<String> read(Path home) {
        Path file = home.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).trim();
            return key.isEmpty() ? Optional.empty() : Optional.of(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo API key " + file + ": " + e.getMessage(), e);
        }
    }

    /** How to use the key, for the first start. */
    public static String usage(Key key, String ingestUri) {
        return "API key of tenant '" + TENANT + "' written to " + key.file() + " (mode 0600). Use it as:\n"
                + "  curl -H \"Authorization: Bearer $(cat " + key.file() + ")\" -H 'Content-Type: application/json' \\\n"
                + "       -d '{\"contentId\":\"note-1\",\"modality\":\"TEXT\",\"text\":\"hello\"}' " + ingestUri + "/v1/media\n"
                + "  ('./omnistream search' and the other commands use it by default; './omnistream keys create' makes more.)";
    }

    /** Written to a temporary file created 0600, then moved into place: the key is never readable by others. */
    private static void write(Path file, String plaintext) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, plaintext + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo API key " + file + ": " + e.getMessage(), e);
        }
    }
}
