package io.omnistream.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PythonStringListTest {
    @Test
    void numpyPrintWithMixedQuotesAndEscapes() {
        String printed = "['It\\'s one.'\n \"He said \\\"hi\\\" and it's fine.\" 'tab\\there \\\\ nl\\n'\n 'caf\\xe9 \\u00e9']";
        assertThat(PythonStringList.parse(printed)).containsExactly(
                "It's one.", "He said \"hi\" and it's fine.", "tab\there \\ nl\n", "café é");
    }

    @Test
    void pythonListWithCommasAndEmpty() {
        assertThat(PythonStringList.parse("['a', \"b\"]")).containsExactly("a", "b");
        assertThat(PythonStringList.parse("[]")).isEmpty();
        assertThat(PythonStringList.parse("['unknown \\q escape']")).containsExactly("unknown \\q escape");
    }

    @Test
    void rejectsWhatIsNotAList() {
        assertThatThrownBy(() -> PythonStringList.parse("plain text")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PythonStringList.parse("['open")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PythonStringList.parse("['a'] x")).isInstanceOf(IllegalArgumentException.class);
    }
}
