package io.omnistream.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {
    @TempDir
    Path dir;

    @Test
    void theCertificateNamesLoopbackIsValidNowAndBelongsToTheKey() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir.resolve("tls"), "unit");
        X509Certificate x509;
        try (InputStream in = Files.newInputStream(cert.certificatePem())) {
            x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(x509.getSubjectX500Principal().getName()).isEqualTo("CN=unit");
        assertThat(x509.getIssuerX500Principal()).isEqualTo(x509.getSubjectX500Principal());
        x509.checkValidity();
        assertThat(x509.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(29)));
        // subject alternative names: (type 2 = DNS, 7 = IP address)
        assertThat(x509.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"),
                List.of(7, "127.0.0.1"));
        assertThat(x509.getBasicConstraints()).as("a CA: it anchors trust itself").isGreaterThanOrEqualTo(0);
        x509.verify(x509.getPublicKey());

        String keyPem = Files.readString(cert.privateKeyPem());
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder()
                .decode(keyPem.replaceAll("-----[A-Z ]+-----", ""))));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(x509.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();

        assertThat(Files.readString(cert.keystorePem()))
                .isEqualTo(keyPem + Files.readString(cert.certificatePem()));
        assertThat(cert.files()).allSatisfy(f -> assertThat(f).isRegularFile().startsWith(dir));
    }

    @Test
    void aSaslSslBrokerNeedsUsersWithSimpleCredentials() {
        assertThatThrownBy(() -> EmbeddedKafka.startSaslSsl(dir, true, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one SCRAM user");
        assertThatThrownBy(() -> EmbeddedKafka.startSaslSsl(dir, true, Map.of("alice", "pass,word")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SCRAM user 'alice'");
        assertThat(dir).isEmptyDirectory();
    }
}
