package io.omnistream.runtime.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.schemas.tenant.Tenants;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys kept in one JSON file, hashed. A key is {@code osk_<id>_<secret>}: {@code id} is 16 hex digits (64 random
 * bits, public, names the key in listings and logs), {@code secret} is 32 bytes from {@link SecureRandom} in
 * base64url (256 bits). {@link #create} returns the plaintext once; the file holds only its SHA-256.
 *
 * <p>Why plain SHA-256 and not a slow password hash (PBKDF2, bcrypt): a slow hash protects low-entropy secrets that an
 * attacker holding the file could guess. A 256-bit random secret cannot be guessed at any hash speed, so stretching
 * would only add per-request CPU cost (every request is authenticated) without making a stolen file more useful.
 * Hashes are compared in constant time ({@link MessageDigest#isEqual}).
 *
 * <p>The file ({@code {"version":1,"keys":[{id, tenant, scopes, hash, created, revoked}...]}}) is written atomically
 * (temporary file with mode 0600 in the same directory, fsync, rename), mutations of several processes are serialised
 * with a lock on {@code <file>.lock}, and a running process picks up changes by another (e.g. {@code keys revoke})
 * within {@code reloadInterval}: the file's modification time, size and inode are checked at most that often, so a
 * rename-replaced file or an updated Kubernetes Secret volume (a symlink swap) is noticed. A read-only file (a
 * mounted Secret) works for authentication; only {@link #create} and {@link #revoke} need it writable.
 *
 * <p>If a changed file cannot be parsed (a bad hand edit), the keys last read stay in force and the error is logged:
 * locking every client out because of a typo is worse for an operator than the delay until the file is fixed. A file
 * that is missing means no keys: every request is refused.
 */
public final class ApiKeyStore {
    /** Every API key starts with this; it tells an API key from a JWT in a bearer header. */
    public static final String KEY_PREFIX = "osk_";

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyStore.class);
    private static final int ID_BYTES = 8;
    private static final int SECRET_BYTES = 32;
    private static final Pattern KEY = Pattern.compile("osk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final String HASH_PREFIX = "sha256:";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Compared against when the key id is unknown, so that unknown and wrong keys cost the same. */
    private static final byte[] NO_HASH = new byte[32];
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    /** The stored form of a key: what is listed plus the SHA-256 of the plaintext key. */
    private record StoredKey(ApiKey key, byte[] hash) {
    }

    /** What identifies one version of the file: a rename or a Secret update changes the inode (fileKey). */
    private record FileStamp(Object fileKey, Instant modified, long size) {
        static final FileStamp MISSING = new FileStamp(null, Instant.EPOCH, -1);
    }

    private record Snapshot(FileStamp stamp, Map<String, StoredKey> keys) {
    }

    /** A newly created key: {@code plaintext} exists nowhere else; it is not in {@link #toString()}. */
    public record CreatedKey(String plaintext, ApiKey key) {
        @Override
        public String toString() {
            return "CreatedKey[id=" + key.id() + ", tenant=" + key.tenant() + "]";
        }
    }

    private final Path file;
    private final long reloadIntervalNanos;
    private volatile Snapshot snapshot;
    private volatile long nextCheckNanos;

    private ApiKeyStore(Path file, Duration reloadInterval) {
        this.file = file.toAbsolutePath().normalize();
        this.reloadIntervalNanos = reloadInterval.toNanos();
        this.snapshot = read(this.file);
        this.nextCheckNanos = System.nanoTime() + reloadIntervalNanos;
    }

    /**
     * Opens the store at {@code file} (which need not exist yet) and reads it.
     *
     * @param reloadInterval how often at most the file is checked for changes; {@link Duration#ZERO} checks on every
     *                       authentication (tests)
     * @throws IllegalStateException if the file exists but cannot be read or parsed
     */
    public static ApiKeyStore open(Path file, Duration reloadInterval) {
        Objects.requireNonNull(file, "file");
        if (reloadInterval.isNegative()) {
            throw new IllegalArgumentException("reloadInterval must not be negative: " + reloadInterval);
        }
        return new ApiKeyStore(file, reloadInterval);
    }

    public Path file() {
        return file;
    }

    /**
     * Creates a key for a user tenant and returns its plaintext: the only time it is available.
     *
     * @throws IllegalArgumentException if the tenant is not a valid user tenant ({@link Tenants#validate}) or no scope
     *                                  is given
     * @throws UncheckedIOException     if the file cannot be written (e.g. a read-only Secret mount)
     */
    public CreatedKey create(String tenant, Set<Scope> scopes) {
        return createKey(Tenants.requireUserTenant(tenant), scopes);
    }

    /**
     * Creates a key for the reserved {@link Tenants#BENCHMARK} tenant (the replayer's credential; the CLI's
     * {@code keys create --reserved}).
     */
    public CreatedKey createReserved(Set<Scope> scopes) {
        return createKey(Tenants.BENCHMARK, scopes);
    }

    private CreatedKey createKey(String tenant, Set<Scope> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one scope");
        }
        HexFormat hex = HexFormat.of();
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        String encodedSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return mutate(keys -> {
            String id;
            do {
                byte[] idBytes = new byte[ID_BYTES];
                RANDOM.nextBytes(idBytes);
                id = hex.formatHex(idBytes);
            } while (keys.containsKey(id));
            String plaintext = KEY_PREFIX + id + "_" + encodedSecret;
            ApiKey key = new ApiKey(id, tenant, EnumSet.copyOf(scopes), Instant.now(), null);
            keys.put(id, new StoredKey(key, sha256(plaintext)));
            return new CreatedKey(plaintext, key);
        });
    }

    /**
     * Revokes a key: from the next reload on (at most {@code reloadInterval} later in every process reading the file)
     * it is refused with 401. Revoking a revoked key changes nothing.
     *
     * @return the key, with its revocation time
     * @throws IllegalArgumentException if there is no key with this id
     */
    public ApiKey revoke(String id) {
        return mutate(keys -> {
            StoredKey stored = keys.get(id);
            if (stored == null) {
                throw new IllegalArgumentException("no API key with id '" + id + "' in " + file);
            }
            if (stored.key().revoked()) {
                return stored.key();
            }
            ApiKey revoked = stored.key().revokedAt(Instant.now());
            keys.put(id, new StoredKey(revoked, stored.hash()));
            return revoked;
        });
    }

    /** All keys, revoked ones included, oldest first (as of the last reload). */
    public List<ApiKey> list() {
        return current().keys().values().stream().map(StoredKey::key)
                .sorted(Comparator.comparing(ApiKey::created).thenComparing(ApiKey::id)).toList();
    }

    public Optional<ApiKey> find(String id) {
        return Optional.ofNullable(current().keys().get(id)).map(StoredKey::key);
    }

    /** Whether {@code token} has the shape of an API key (not whether it is valid). */
    public static boolean looksLikeApiKey(String token) {
        return token != null && token.startsWith(KEY_PREFIX);
    }

    /**
     * Checks a bearer token that is meant to be an API key.
     *
     * @return authenticated with subject = key id; unauthenticated if malformed, unknown, wrong or revoked
     */
    public AuthResult verify(String token) {
        var m = KEY.matcher(token);
        if (!m.matches()) {
            return AuthResult.unauthenticated("malformed API key (expected " + KEY_PREFIX + "<16 hex digits>_<43 base64url characters>)");
        }
        StoredKey stored = current().keys().get(m.group(1));
        byte[] presented = sha256(token);
        boolean match = MessageDigest.isEqual(presented, stored == null ? NO_HASH : stored.hash());
        if (stored == null || !match) {
            return AuthResult.unauthenticated("invalid API key");
        }
        ApiKey key = stored.key();
        if (key.revoked()) {
            return AuthResult.unauthenticated("API key " + key.id() + " was revoked at " + key.revokedAt());
        }
        return AuthResult.authenticated(new Principal(key.id(), key.tenant(), key.scopes()));
    }

    /** The snapshot, re-read first if the check interval has passed and the file changed. */
    private Snapshot current() {
        long now = System.nanoTime();
        if (now - nextCheckNanos >= 0) {
            synchronized (this) {
                if (now - nextCheckNanos >= 0) {
                    reloadIfChanged();
                    nextCheckNanos = System.nanoTime() + reloadIntervalNanos;
                }
            }
        }
        return snapshot;
    }

    private void reloadIfChanged() {
        FileStamp stamp;
        try {
            stamp = stamp(file);
        } catch (IOException e) {
            LOG.error("cannot check API key store {} for changes, keeping the {} keys read before: {}", file,
                    snapshot.keys().size(), e.toString());
            return;
        }
        if (stamp.equals(snapshot.stamp())) {
            return;
        }
        try {
            Snapshot next = read(file);
            LOG.info("reloaded API key store {}: {} keys ({} revoked)", file, next.keys().size(),
                    next.keys().values().stream().filter(k -> k.key().revoked()).count());
            snapshot = next;
        } catch (RuntimeException e) {
            LOG.error("API key store {} changed but cannot be read, keeping the {} keys read before: {}", file,
                    snapshot.keys().size(), e.getMessage());
            // do not retry until the file changes again
            snapshot = new Snapshot(stamp, snapshot.keys());
        }
    }

    private interface Mutation<T> {
        T apply(Map<String, StoredKey> keys);
    }

    /**
     * Read the file fresh under the cross-process lock, apply {@code mutation}, write atomically. A {@link FileLock} is
     * held per JVM (a second channel of the same JVM locking the file throws), so stores of one file inside one JVM
     * first take a JVM-wide lock of the path.
     */
    private <T> T mutate(Mutation<T> mutation) {
        Object jvmLock = JVM_LOCKS.computeIfAbsent(file, f -> new Object());
        synchronized (jvmLock) {
            return mutateLocked(mutation);
        }
    }

    private <T> T mutateLocked(Mutation<T> mutation) {
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path lockFile = dir.resolve(file.getFileName() + ".lock");
            try (FileChannel lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                 FileLock ignored = lockChannel.lock()) {
                Map<String, StoredKey> keys = new LinkedHashMap<>(read(file).keys());
                T result = mutation.apply(keys);
                write(keys);
                synchronized (this) {
                    // under the monitor of reloadIfChanged, so that a reload that read the old file cannot land after
                    snapshot = read(file);
                }
                return result;
            }
        } catch (IOException e) {
            boolean readOnly = e instanceof AccessDeniedException
                    || (e instanceof FileSystemException f && String.valueOf(f.getReason()).contains("Read-only"));
            throw new UncheckedIOException("cannot write API key store " + file + ": " + e.getMessage()
                    + (readOnly ? " (a mounted Secret is read-only: change the Secret instead)" : ""), e);
        }
    }

    private void write(Map<String, StoredKey> keys) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode array = root.putArray("keys");
        for (StoredKey stored : keys.values()) {
            ApiKey key = stored.key();
            ObjectNode entry = array.addObject();
            entry.put("id", key.id());
            entry.put("tenant", key.tenant());
            ArrayNode scopes = entry.putArray("scopes");
            EnumSet.copyOf(key.scopes()).forEach(s -> scopes.add(s.wireName()));
            entry.put("hash", HASH_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(stored.hash()));
            entry.put("created", key.created().toString());
            if (key.revoked()) {
                entry.put("revoked", key.revokedAt().toString());
            } else {
                entry.putNull("revoked");
            }
        }
        byte[] bytes = JSON.writeValueAsBytes(root);
        Path dir = file.getParent();
        // created 0600 from the start: the content is never readable by others, not even briefly
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(channel)) {
                out.write(bytes);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Snapshot read(Path file) {
        FileStamp stamp;
        byte[] bytes;
        try {
            stamp = stamp(file);
            if (stamp.equals(FileStamp.MISSING)) {
                return new Snapshot(FileStamp.MISSING, Map.of());
            }
            bytes = Files.readAllBytes(file);
            warnIfReadableByOthers(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read API key store " + file + ": " + e.getMessage(), e);
        }
        try {
            return new Snapshot(stamp, Collections.unmodifiableMap(parse(bytes)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("API key store " + file + " is not a valid key store: " + e.getMessage(), e);
        }
    }

    private static Map<String, StoredKey> parse(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object {\"version\":1,\"keys\":[...]}");
        }
        if (root.path("version").asInt(-1) != 1) {
            throw new IllegalArgumentException("unsupported version " + root.get("version") + " (expected 1)");
        }
        JsonNode array = root.path("keys");
        if (!array.isArray()) {
            throw new IllegalArgumentException("'keys' is not an array");
        }
        Map<String, StoredKey> keys = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : array) {
            String where = "keys[" + index++ + "]";
            String id = required(entry, "id", where);
            String tenant = required(entry, "tenant", where);
            if (Tenants.nameProblem(tenant) != null) {
                throw new IllegalArgumentException(where + ": invalid tenant");
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (JsonNode s : entry.path("scopes")) {
                scopes.add(Scope.fromWireName(s.asText()));
            }
            if (scopes.isEmpty()) {
                throw new IllegalArgumentException(where + ": no scopes");
            }
            String hash = required(entry, "hash", where);
            if (!hash.startsWith(HASH_PREFIX)) {
                throw new IllegalArgumentException(where + ": hash is not " + HASH_PREFIX + "<base64url>");
            }
            byte[] digest = Base64.getUrlDecoder().decode(hash.substring(HASH_PREFIX.length()));
            if (digest.length != 32) {
                throw new IllegalArgumentException(where + ": hash is not 32 bytes");
            }
            Instant created = Instant.parse(required(entry, "created", where));
            JsonNode revoked = entry.get("revoked");
            Instant revokedAt = revoked == null || revoked.isNull() ? null : Instant.parse(revoked.asText());
            if (keys.put(id, new StoredKey(new ApiKey(id, tenant, scopes, created, revokedAt), digest)) != null) {
                throw new IllegalArgumentException(where + ": duplicate id " + id);
            }
        }
        return keys;
    }

    private static String required(JsonNode entry, String field, String where) {
        JsonNode v = entry.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": missing '" + field + "'");
        }
        return v.asText();
    }

    private static FileStamp stamp(Path file) throws IOException {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attrs.fileKey(), attrs.lastModifiedTime().toInstant(), attrs.size());
        } catch (NoSuchFileException e) {
            return FileStamp.MISSING;
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                LOG.warn("API key store {} is accessible to group/others ({}); it holds only hashes, but restrict it to "
                        + "the owner (chmod 600, or defaultMode 0400 on a Secret volume)", file,
                        PosixFilePermissions.toString(perms));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
