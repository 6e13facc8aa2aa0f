package io.omnistream.encoder.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OcrTextTest {
    @Test
    void joinsLinesWithSingleSpacesAndRejoinsHyphenatedWords() {
        assertThat(OcrText.join(List.of("The  BCG vaccine against tuber-", "culosis was tested", "  in 2019 ")))
                .isEqualTo("The BCG vaccine against tuberculosis was tested in 2019");
    }

    @Test
    void keepsHyphensBeforeCapitalsAndNumbers() {
        assertThat(OcrText.join(List.of("Anglo-", "Saxon COVID-", "19"))).isEqualTo("Anglo- Saxon COVID- 19");
    }

    @Test
    void noLinesIsEmpty() {
        assertThat(OcrText.join(List.of())).isEmpty();
    }
}
