package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {
    private static final PromptTemplate QWEN3_QUERY = new PromptTemplate("Instruct: {instruction}\nQuery:{text}");

    @Test
    void fillsTheSlotsAndCopiesEverythingElseVerbatim() {
        assertThat(QWEN3_QUERY.format("Given a claim, find papers", "aspirin lowers fever"))
                .isEqualTo("Instruct: Given a claim, find papers\nQuery:aspirin lowers fever");
        assertThat(new PromptTemplate("<|im_start|>user\n{text}<|im_end|>").format(null, "hi"))
                .isEqualTo("<|im_start|>user\nhi<|im_end|>");
        assertThat(PromptTemplate.TEXT_ONLY.format("ignored", "as it is")).isEqualTo("as it is");
        assertThat(QWEN3_QUERY.usesInstruction()).isTrue();
        assertThat(PromptTemplate.TEXT_ONLY.usesInstruction()).isFalse();
    }

    @Test
    void placeholdersInsideTheTextOrInstructionAreNotExpanded() {
        assertThat(QWEN3_QUERY.format("say {text}", "what is {instruction}? costs $1 \\ 2"))
                .isEqualTo("Instruct: say {text}\nQuery:what is {instruction}? costs $1 \\ 2");
    }

    @Test
    void aTemplateNeedsTextExactlyOnceAndKnowsNoOtherPlaceholder() {
        assertThatThrownBy(() -> new PromptTemplate("Instruct: {instruction}\nQuery:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must contain {text} exactly once")
                .hasMessageContaining("found 0 times");
        assertThatThrownBy(() -> new PromptTemplate("{text} and {text}"))
                .hasMessageContaining("found 2 times");
        assertThatThrownBy(() -> new PromptTemplate("{instruction} {instruction} {text}"))
                .hasMessageContaining("{instruction} 2 times; at most once");
        assertThatThrownBy(() -> new PromptTemplate("Instruct: {task}\nQuery: {query}"))
                .hasMessageContaining("unknown placeholder {task}")
                .hasMessageContaining("knows {text} (required) and {instruction}");
        // braces that are no placeholder are text
        assertThat(new PromptTemplate("{\"q\": \"{text}\"}").format("", "x")).isEqualTo("{\"q\": \"x\"}");
    }
}
