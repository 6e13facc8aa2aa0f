package io.omnistream.encoder.fetch;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real HTTPS server on loopback for tests (JDK {@code HttpsServer}, handlers on their own threads) with a
 * self-signed EC certificate for the name {@code localhost} only, generated with BouncyCastle, and a PKCS12 trust
 * store file holding that certificate: what {@code encoder.fetch.truststore} points at.
 */
public final class LocalHttpsServer implements AutoCloseable {
    public static final String TRUSTSTORE_PASSWORD = "test-only";

    private final HttpsServer server;
    private final ExecutorService handlers;
    private final Path truststore;

    /** Starts the server; the trust store is written into {@code dir}. */
    public LocalHttpsServer(Path dir) {
        try {
            char[] password = TRUSTSTORE_PASSWORD.toCharArray();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair keys = generator.generateKeyPair();
            X509Certificate cert = selfSigned(keys, "localhost");

            KeyStore serverKeys = KeyStore.getInstance("PKCS12");
            serverKeys.load(null, null);
            serverKeys.setKeyEntry("server", keys.getPrivate(), password, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(serverKeys, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("localhost", cert);
            truststore = dir.resolve("truststore.p12");
            try (OutputStream out = Files.newOutputStream(truststore)) {
                trust.store(out, password);
            }

            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            handlers = Executors.newCachedThreadPool();
            server.setExecutor(handlers);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot set up the test TLS server", e);
        }
    }

    /** Serves {@code path} (and below) with {@code handler}. */
    public LocalHttpsServer handle(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code https://localhost:<port><path>}. */
    public String url(String path) {
        return "https://localhost:" + port() + path;
    }

    /** The PKCS12 trust store (password {@link #TRUSTSTORE_PASSWORD}) that trusts the server's certificate. */
    public Path truststore() {
        return truststore;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static X509Certificate selfSigned(KeyPair keys, String dnsName)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name subject = new X500Name("CN=" + dnsName);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }
}
