package io.omnistream.monitoring;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A lexical reading of a PromQL expression, enough to check which metrics and labels it uses without a Prometheus
 * server: metric selectors (name + label names of their matchers), labels named in {@code by/without/on/ignoring/
 * group_left/group_right}, labels created by {@code label_replace/label_join/count_values}, and function names.
 *
 * <p>It is not a parser: it checks that brackets and quotes balance, that every function is a PromQL function, and
 * that matchers have the form {@code label op "value"}; operator precedence and types are promtool's job
 * ({@code PromtoolTest}). Grafana variables must be substituted before ({@link Dashboards#substitute}).
 */
final class PromQl {
    /** Functions and aggregation operators of PromQL (Prometheus 2.42 through 3.x; none removed in between is used). */
    static final Set<String> FUNCTIONS = Set.of(
            // aggregation operators
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio",
            // functions
            "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month",
            "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_count",
            "histogram_sum", "histogram_fraction", "histogram_quantile", "histogram_avg", "histogram_stddev",
            "histogram_stdvar", "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln", "log2",
            "log10", "minute", "month", "predict_linear", "rate", "resets", "round", "scalar", "sgn", "sort",
            "sort_desc", "sqrt", "time", "timestamp", "vector", "year", "avg_over_time", "min_over_time",
            "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time",
            "stdvar_over_time", "last_over_time", "present_over_time", "acos", "acosh", "asin", "asinh", "atan",
            "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh", "deg", "rad", "pi");
    /** Aggregation operators: may be followed by {@code by (...)} / {@code without (...)} before their argument. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    /** Other keywords that are neither metrics nor functions. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");
    /** Functions whose argument at the given index (0-based) is the name of a label they create. */
    private static final java.util.Map<String, Integer> LABEL_CREATING = java.util.Map.of(
            "label_replace", 1, "label_join", 1, "count_values", 0);

    /** One label matcher of a selector; {@code value} without quotes. */
    record Matcher(String label, String op, String value) {
        /** {@code label=""} or {@code label!=""}: tests that the label is absent / present, not what it holds. */
        boolean testsPresence() {
            return value.isEmpty() && (op.equals("=") || op.equals("!="));
        }
    }

    /** A metric selector: {@code name{label op "value", ...}}. */
    record Selector(String metric, List<Matcher> matchers) {
        Set<String> labels() {
            Set<String> labels = new LinkedHashSet<>();
            matchers.forEach(m -> labels.add(m.label()));
            return labels;
        }
    }

    /** What an expression uses. */
    record Analysis(List<Selector> selectors, Set<String> groupingLabels, Set<String> byLabels,
                    Set<String> createdLabels, Set<String> functions) {
        Set<String> metrics() {
            Set<String> names = new LinkedHashSet<>();
            selectors.forEach(s -> names.add(s.metric()));
            return names;
        }
    }

    /** Thrown for text that cannot be a PromQL expression. */
    static final class SyntaxError extends RuntimeException {
        SyntaxError(String message, String expr) {
            super(message + " in: " + expr);
        }
    }

    private enum Kind { IDENT, NUMBER, STRING, OPEN, CLOSE, COMMA, OP }

    private record Token(Kind kind, String text) {}

    private PromQl() {}

    static Analysis analyze(String expr) {
        List<Token> tokens = tokenize(expr);
        if (tokens.isEmpty()) {
            throw new SyntaxError("empty expression", expr);
        }
        List<Selector> selectors = new ArrayList<>();
        Set<String> grouping = new LinkedHashSet<>();
        Set<String> by = new LinkedHashSet<>();
        Set<String> created = new LinkedHashSet<>();
        Set<String> functions = new LinkedHashSet<>();
        int i = 0;
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            if (t.kind == Kind.IDENT) {
                String lower = t.text.toLowerCase(Locale.ROOT);
                if (GROUPING.contains(lower)) {
                    if (next != null && next.text.equals("(")) {
                        Set<String> labels = new LinkedHashSet<>();
                        i = labelList(tokens, i + 1, labels, expr);
                        grouping.addAll(labels);
                        if (lower.equals("by")) {
                            by.addAll(labels);
                        }
                        continue;
                    }
                    if (!lower.startsWith("group_")) {
                        throw new SyntaxError("'" + t.text + "' without a label list", expr);
                    }
                } else if (KEYWORDS.contains(lower)) {
                    // nothing to record
                } else if (AGGREGATIONS.contains(t.text) && next != null
                        && (next.text.equals("by") || next.text.equals("without"))) {
                    functions.add(t.text); // sum by (a) (x): the clause comes next, then the argument
                } else if (next != null && next.text.equals("(")) {
                    if (!FUNCTIONS.contains(t.text)) {
                        throw new SyntaxError("unknown function '" + t.text + "'", expr);
                    }
                    functions.add(t.text);
                    Integer labelArg = LABEL_CREATING.get(t.text);
                    if (labelArg != null) {
                        String label = stringArgument(tokens, i + 1, labelArg);
                        if (label == null) {
                            throw new SyntaxError(t.text + " without a string label argument", expr);
                        }
                        created.add(label);
                    }
                } else {
                    List<Matcher> matchers = new ArrayList<>();
                    if (next != null && next.text.equals("{")) {
                        i = matchers(tokens, i + 1, matchers, expr);
                    } else {
                        i++;
                    }
                    selectors.add(new Selector(t.text, matchers));
                    continue;
                }
            } else if (t.text.equals("{")) {
                throw new SyntaxError("selector without a metric name", expr);
            } else if (t.text.equals("[")) {
                i = skipTo(tokens, i, "]", expr); // a range or subquery: durations only
                continue;
            }
            i++;
        }
        return new Analysis(selectors, grouping, by, created, functions);
    }

    /** {@code (a, b)} at {@code open}: adds a and b to {@code into}; returns the index after ')'. */
    private static int labelList(List<Token> tokens, int open, Set<String> into, String expr) {
        int i = open + 1;
        boolean wantLabel = true;
        for (; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.text.equals(")")) {
                return i + 1;
            }
            if (wantLabel && t.kind == Kind.IDENT) {
                into.add(t.text);
            } else if (!(!wantLabel && t.kind == Kind.COMMA)) {
                throw new SyntaxError("bad label list near '" + t.text + "'", expr);
            }
            wantLabel = !wantLabel;
        }
        throw new SyntaxError("unclosed label list", expr);
    }

    /** {@code {a="x", b=~"y"}} at {@code open}: adds a and b; returns the index after '}'. */
    private static int matchers(List<Token> tokens, int open, List<Matcher> into, String expr) {
        int i = open + 1;
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            if (t.text.equals("}")) {
                return i + 1;
            }
            if (i + 2 >= tokens.size() || t.kind != Kind.IDENT || tokens.get(i + 1).kind != Kind.OP
                    || !Set.of("=", "!=", "=~", "!~").contains(tokens.get(i + 1).text)
                    || tokens.get(i + 2).kind != Kind.STRING) {
                throw new SyntaxError("bad label matcher near '" + t.text + "'", expr);
            }
            into.add(new Matcher(t.text, tokens.get(i + 1).text, unquote(tokens.get(i + 2).text)));
            i += 3;
            if (i < tokens.size() && tokens.get(i).kind == Kind.COMMA) {
                i++;
            }
        }
        throw new SyntaxError("unclosed selector", expr);
    }

    private static int skipTo(List<Token> tokens, int from, String close, String expr) {
        for (int i = from + 1; i < tokens.size(); i++) {
            if (tokens.get(i).text.equals(close)) {
                return i + 1;
            }
        }
        throw new SyntaxError("missing '" + close + "'", expr);
    }

    /** The string literal that is the {@code index}-th argument of the call whose '(' is at {@code open}, or null. */
    private static String stringArgument(List<Token> tokens, int open, int index) {
        int depth = 0;
        int arg = 0;
        for (int i = open; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind == Kind.OPEN) {
                depth++;
            } else if (t.kind == Kind.CLOSE) {
                if (--depth == 0) {
                    return null;
                }
            } else if (depth == 1 && t.kind == Kind.COMMA) {
                arg++;
            } else if (depth == 1 && arg == index && t.kind == Kind.STRING) {
                return unquote(t.text);
            }
        }
        return null;
    }

    private static String unquote(String literal) {
        return literal.substring(1, literal.length() - 1);
    }

    /** Splits into tokens; checks that quotes are closed and (), {}, [] nest. */
    private static List<Token> tokenize(String expr) {
        List<Token> tokens = new ArrayList<>();
        Deque<Character> open = new ArrayDeque<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') { // comment to end of line
                while (i < n && expr.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                int start = i++;
                while (i < n && expr.charAt(i) != c) {
                    i += expr.charAt(i) == '\\' && c != '`' ? 2 : 1;
                }
                if (i >= n) {
                    throw new SyntaxError("unterminated string", expr);
                }
                i++;
                tokens.add(new Token(Kind.STRING, expr.substring(start, i)));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++; // numbers, 1e3, 0x1f and durations (5m, 1h30m) alike
                }
                tokens.add(new Token(Kind.NUMBER, expr.substring(start, i)));
            } else if (Character.isLetter(c) || c == '_' || (c == ':' && !"[".equals(top(open)))) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                        || expr.charAt(i) == ':')) {
                    i++;
                }
                tokens.add(new Token(Kind.IDENT, expr.substring(start, i)));
            } else if (c == '(' || c == '{' || c == '[') {
                open.push(c);
                tokens.add(new Token(Kind.OPEN, String.valueOf(c)));
                i++;
            } else if (c == ')' || c == '}' || c == ']') {
                char expected = c == ')' ? '(' : c == '}' ? '{' : '[';
                if (open.isEmpty() || open.pop() != expected) {
                    throw new SyntaxError("unbalanced '" + c + "' at offset " + i, expr);
                }
                tokens.add(new Token(Kind.CLOSE, String.valueOf(c)));
                i++;
            } else if (c == ',') {
                tokens.add(new Token(Kind.COMMA, ","));
                i++;
            } else if ("=!<>~+-*/%^@:".indexOf(c) >= 0) {
                int start = i++;
                if (i < n && (expr.charAt(i) == '=' || expr.charAt(i) == '~') && "=!<>".indexOf(c) >= 0) {
                    i++;
                }
                tokens.add(new Token(Kind.OP, expr.substring(start, i)));
            } else if (c == '$') {
                throw new SyntaxError("unsubstituted variable at offset " + i, expr);
            } else {
                throw new SyntaxError("unexpected character '" + c + "' at offset " + i, expr);
            }
        }
        if (!open.isEmpty()) {
            throw new SyntaxError("unclosed '" + open.peek() + "'", expr);
        }
        return tokens;
    }

    private static String top(Deque<Character> open) {
        return open.isEmpty() ? null : String.valueOf(open.peek());
    }
}
