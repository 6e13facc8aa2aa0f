package io.omnistream.quality.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class QualityPageServerTest {

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBrowsersBasicCredentialIsTheKeyAsBearer() {
        assertThat(QualityPageServer.asBearer(basic("anyone:osk_abc_def"))).isEqualTo("Bearer osk_abc_def");
        assertThat(QualityPageServer.asBearer(basic(":osk_abc_def"))).isEqualTo("Bearer osk_abc_def");
        assertThat(QualityPageServer.asBearer(basic("user:pa:ss"))).as("only the first ':' separates").isEqualTo("Bearer pa:ss");
        assertThat(QualityPageServer.asBearer("basic " + Base64.getEncoder().encodeToString("u:k".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("Bearer k");
    }

    @Test
    void otherHeadersPassUnchangedAndGarbageIsNoCredential() {
        assertThat(QualityPageServer.asBearer("Bearer osk_x_y")).isEqualTo("Bearer osk_x_y");
        assertThat(QualityPageServer.asBearer(null)).isNull();
        assertThat(QualityPageServer.asBearer("Basic !!!not-base64")).isNull();
        assertThat(QualityPageServer.asBearer(basic("no-colon"))).isNull();
    }
}
