package io.omnistream.runtime.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * TLS for the platform's HTTP APIs (ingest, the quality service's page and API), defined once: two keys naming PEM
 * files, typically mounted from a Kubernetes TLS Secret ({@code tls.crt}, {@code tls.key}), and a factory that returns
 * a JDK {@link HttpServer}, or an {@link HttpsServer} when both files are set.
 *
 * <p>Guarantees: only TLSv1.3 and TLSv1.2 are offered (the JDK's default cipher suites for them); the files are read
 * once, when the server is created (a rotated Secret takes effect on restart); a key that does not belong to the
 * certificate, an encrypted or PKCS#1 key, or only one of the two keys set fails at startup with a
 * {@link ConfigException} naming the key. The operational endpoint (/metrics, /healthz, /readyz) stays plain HTTP:
 * it serves no user data and is scraped and probed inside the cluster.
 */
public final class HttpTls {
    public static final ConfigOption<String> CERTIFICATE_CHAIN_FILE = new ConfigOption<>(
            "http.tls.certificate-chain-file", "",
            "PEM file with the HTTP API's certificate, then any intermediate CA certificates (e.g. a mounted Secret's "
                    + "tls.crt). With http.tls.private-key-file set too, the API serves HTTPS only (TLSv1.3/1.2); both "
                    + "empty: plain HTTP.", String::trim, s -> true, "path or empty");
    public static final ConfigOption<String> PRIVATE_KEY_FILE = new ConfigOption<>("http.tls.private-key-file", "",
            "PEM file with the unencrypted PKCS#8 private key (BEGIN PRIVATE KEY) of http.tls.certificate-chain-file "
                    + "(e.g. a mounted Secret's tls.key; convert a PKCS#1 key with 'openssl pkcs8 -topk8 -nocrypt').",
            String::trim, s -> true, "path or empty");
    /** Offered protocol versions, newest first; older ones have known weaknesses. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private HttpTls() {
    }

    /** The keys, in the order the configuration reference lists them. */
    public static List<ConfigOption<?>> options() {
        return List.of(CERTIFICATE_CHAIN_FILE, PRIVATE_KEY_FILE);
    }

    /**
     * An unstarted server bound to {@code address}: {@link HttpsServer} when {@code source} sets both TLS files, else a
     * plain {@link HttpServer}. The caller adds its contexts and executor and starts it, as with
     * {@link HttpServer#create(InetSocketAddress, int)}.
     *
     * @param backlog TCP accept queue length (0: the system default)
     * @throws ConfigException if the TLS keys are inconsistent or the PEM files are unusable
     * @throws IOException     if the address cannot be bound
     */
    public static HttpServer createServer(InetSocketAddress address, int backlog, ConfigSource source) throws IOException {
        return createServer(address, backlog, sslContext(source));
    }

    /**
     * An unstarted {@link HttpsServer} with {@code tls} (from {@link #sslContext(ConfigSource)}, resolved when the
     * service's config was read), or a plain {@link HttpServer} when it is empty.
     */
    public static HttpServer createServer(InetSocketAddress address, int backlog, Optional<SSLContext> tls)
            throws IOException {
        if (tls.isEmpty()) {
            return HttpServer.create(address, backlog);
        }
        HttpsServer server = HttpsServer.create(address, backlog);
        server.setHttpsConfigurator(configurator(tls.get()));
        return server;
    }

    /** Whether {@code source} turns TLS on (both files set); see {@link #sslContext(ConfigSource)} for the checks. */
    public static boolean enabled(ConfigSource source) {
        return !source.get(CERTIFICATE_CHAIN_FILE).isEmpty() && !source.get(PRIVATE_KEY_FILE).isEmpty();
    }

    /** The server {@link SSLContext} {@code source} configures; empty when both keys are empty. */
    public static Optional<SSLContext> sslContext(ConfigSource source) {
        String chain = source.get(CERTIFICATE_CHAIN_FILE);
        String key = source.get(PRIVATE_KEY_FILE);
        if (chain.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (chain.isEmpty() || key.isEmpty()) {
            ConfigOption<String> missing = chain.isEmpty() ? CERTIFICATE_CHAIN_FILE : PRIVATE_KEY_FILE;
            throw new ConfigException("HTTPS needs both '" + CERTIFICATE_CHAIN_FILE.key() + "' and '"
                    + PRIVATE_KEY_FILE.key() + "'; '" + missing.key() + "' is empty");
        }
        return Optional.of(sslContext(Path.of(chain), Path.of(key)));
    }

    /**
     * A server {@link SSLContext} from a PEM certificate chain (leaf first) and its PEM PKCS#8 private key.
     *
     * @throws ConfigException naming the file when one is unreadable, holds no usable PEM, or the key does not match
     */
    public static SSLContext sslContext(Path certificateChainPem, Path privateKeyPem) {
        List<X509Certificate> chain = certificates(certificateChainPem);
        PrivateKey key = privateKey(privateKeyPem);
        requireMatching(key, chain.get(0), certificateChainPem, privateKeyPem);
        try {
            char[] password = randomPassword();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("cannot build a TLS context from " + certificateChainPem + " and " + privateKeyPem
                    + ": " + e.getMessage(), e);
        }
    }

    /** Applies {@code context} with {@link #PROTOCOLS} only, no client certificates, to every connection. */
    static HttpsConfigurator configurator(SSLContext context) {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
                parameters.setNeedClientAuth(false);
                params.setSSLParameters(parameters);
            }
        };
    }

    private static List<X509Certificate> certificates(Path file) {
        String pem = read(file, CERTIFICATE_CHAIN_FILE);
        List<X509Certificate> chain = new java.util.ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, "CERTIFICATE")) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("'" + CERTIFICATE_CHAIN_FILE.key() + "' " + file + " holds an unreadable "
                    + "certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new ConfigException("'" + CERTIFICATE_CHAIN_FILE.key() + "' " + file
                    + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) {
        String pem = read(file, PRIVATE_KEY_FILE);
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            String hint = pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                    ? " (it holds a PKCS#1/SEC1 key: convert it with 'openssl pkcs8 -topk8 -nocrypt')"
                    : pem.contains("BEGIN ENCRYPTED PRIVATE KEY") ? " (it holds an encrypted key: the key must be "
                    + "unencrypted; protect the file or Secret instead)" : "";
            throw new ConfigException("'" + PRIVATE_KEY_FILE.key() + "' " + file + " must hold exactly one unencrypted "
                    + "PKCS#8 key (-----BEGIN PRIVATE KEY-----), found " + keys.size() + hint);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new ConfigException("'" + PRIVATE_KEY_FILE.key() + "' " + file
                + " holds a PKCS#8 key of an unsupported algorithm (RSA, EC, Ed25519, Ed448 are)");
    }

    /** Signs a challenge with the key and verifies it with the certificate: a swapped file fails here, not per client. */
    private static void requireMatching(PrivateKey key, X509Certificate leaf, Path chainFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null;
            default -> key.getAlgorithm(); // EdDSA: Ed25519, Ed448
        };
        if (algorithm == null) {
            return; // PSS parameters vary; the handshake itself will reject a mismatch
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another algorithm than the certificate's: reported below
        }
        throw new ConfigException("the private key in '" + PRIVATE_KEY_FILE.key() + "' " + keyFile + " does not belong "
                + "to the first certificate in '" + CERTIFICATE_CHAIN_FILE.key() + "' " + chainFile + " ("
                + leaf.getSubjectX500Principal().getName() + ")");
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> blocks = new java.util.ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return blocks;
    }

    private static String read(Path file, ConfigOption<String> option) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read '" + option.key() + "' " + file + ": " + e, e);
        }
    }

    private static char[] randomPassword() {
        // the in-memory keystore needs a password; it never leaves this method's objects
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).toCharArray();
    }
}
