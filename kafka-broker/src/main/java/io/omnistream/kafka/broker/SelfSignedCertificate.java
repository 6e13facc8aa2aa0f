package io.omnistream.kafka.broker;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A freshly generated self-signed TLS server certificate (EC P-256, SHA-256) for loopback services: the embedded
 * broker's SASL_SSL listener and tests of TLS endpoints. The certificate is its own trust anchor, so a client that
 * trusts {@link #certificatePem()} trusts exactly this server; it names {@code localhost} and {@code 127.0.0.1} as
 * subject alternative names, so host name verification stays on.
 *
 * <p>Files: {@link #certificatePem()} (the certificate, also the truststore), {@link #privateKeyPem()} (the
 * unencrypted PKCS#8 private key, mode of the temp directory it lives in) and {@link #keystorePem()} (key then
 * certificate in one file, the layout of Kafka's {@code ssl.keystore.type=PEM}). Not for production: the key is
 * unencrypted on disk and there is no revocation.
 *
 * @param certificatePem PEM certificate; trust it to trust this server
 * @param privateKeyPem  PEM PKCS#8 private key
 * @param keystorePem    PEM private key followed by the certificate
 */
public record SelfSignedCertificate(Path certificatePem, Path privateKeyPem, Path keystorePem) {
    /** How long a generated certificate is valid; a test or demo run is far shorter. */
    static final Duration VALIDITY = Duration.ofDays(30);

    /** Generates a key pair and certificate for {@code commonName} into {@code dir} (created if missing). */
    public static SelfSignedCertificate generate(Path dir, String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + commonName);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                    // a CA so that it can anchor trust in PKIX; also a server and client certificate (mTLS tests)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            String certPem = pem(certificate);
            String keyPem = pem(new JcaPKCS8Generator(keys.getPrivate(), null));
            Files.createDirectories(dir);
            Path cert = Files.writeString(dir.resolve("certificate.pem"), certPem);
            Path key = Files.writeString(dir.resolve("private-key.pem"), keyPem);
            Path keystore = Files.writeString(dir.resolve("keystore.pem"), keyPem + certPem);
            return new SelfSignedCertificate(cert, key, keystore);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate files to " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** The files, for a caller that removes them. */
    public List<Path> files() {
        return List.of(certificatePem, privateKeyPem, keystorePem);
    }
}
