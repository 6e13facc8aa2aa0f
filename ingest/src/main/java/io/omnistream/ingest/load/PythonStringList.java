package io.omnistream.ingest.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the printed form of a Python list or NumPy array of strings, e.g.
 * {@code ['First sentence.'\n 'It\'s "quoted".']} or {@code ["It's", 'b']}, as SciFact's CSV export stores abstracts.
 *
 * <p>Elements are Python string literals in single or double quotes, separated by whitespace and/or commas. Escapes
 * are decoded as Python does: {@code \\ \' \" \n \r \t \b \f \v \a \0}, {@code \xhh}, {@code \\uXXXX},
 * {@code \UXXXXXXXX}, {@code \ooo} octal; a backslash before any other character stays literal (Python's rule).
 */
final class PythonStringList {
    private PythonStringList() {}

    static List<String> parse(String s) {
        int i = skip(s, 0);
        if (i >= s.length() || s.charAt(i) != '[') {
            throw new IllegalArgumentException("expected '[' at index " + i + " of " + preview(s));
        }
        i++;
        List<String> out = new ArrayList<>();
        while (true) {
            i = skip(s, i);
            if (i >= s.length()) {
                throw new IllegalArgumentException("unterminated list: " + preview(s));
            }
            char c = s.charAt(i);
            if (c == ']') {
                if (skip(s, i + 1) != s.length()) {
                    throw new IllegalArgumentException("text after ']' in " + preview(s));
                }
                return out;
            }
            if (c != '\'' && c != '"') {
                throw new IllegalArgumentException("expected a quoted string at index " + i + " of " + preview(s));
            }
            StringBuilder sb = new StringBuilder();
            i = literal(s, i, sb);
            out.add(sb.toString());
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
            i++;
        }
        return i;
    }

    /** Decodes the literal starting at the quote at {@code i}; returns the index after its closing quote. */
    private static int literal(String s, int i, StringBuilder sb) {
        char quote = s.charAt(i++);
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == quote) {
                return i;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i >= s.length()) {
                break;
            }
            char e = s.charAt(i++);
            switch (e) {
                case '\\', '\'', '"' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000B');
                case 'a' -> sb.append('\u0007');
                case 'x' -> { sb.appendCodePoint(Integer.parseInt(s.substring(i, i + 2), 16)); i += 2; }
                case 'u' -> { sb.appendCodePoint(Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                case 'U' -> { sb.appendCodePoint(Integer.parseInt(s.substring(i, i + 8), 16)); i += 8; }
                case '\n' -> { } // line continuation
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i - 1;
                        while (end < s.length() && end < i + 2 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                            end++;
                        }
                        sb.append((char) Integer.parseInt(s.substring(i - 1, end), 8));
                        i = end;
                    } else {
                        sb.append('\\').append(e);
                    }
                }
            }
        }
        throw new IllegalArgumentException("unterminated string literal in " + preview(s));
    }

    private static String preview(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
