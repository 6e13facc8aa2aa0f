package io.omnistream.encoder.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model with {@link InstructionMode#TEMPLATE} wants one side's texts written before tokenisation, e.g.
 * Qwen3-Embedding's query template {@code "Instruct: {instruction}\nQuery:{text}"}. {@code {text}} (exactly once)
 * is replaced by the text, {@code {instruction}} (at most once) by the instruction; everything else, whitespace and
 * line breaks included, is copied verbatim. Part of the model version: another template gives other vectors.
 *
 * <p>Placeholders are replaced in one pass over the template, so a text or an instruction that itself contains
 * {@code {text}} or {@code {instruction}} is inserted as it is, never expanded.
 *
 * @param template the template as declared in the registry
 */
public record PromptTemplate(String template) {
    // before TEXT_ONLY, whose construction uses it
    /** A {name} that looks like a placeholder: catches {query}, {task} copied from a model card's Python f-string. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*}");
    public static final String TEXT = "{text}";
    public static final String INSTRUCTION = "{instruction}";
    /** The template of a side whose texts are embedded as they are. */
    public static final PromptTemplate TEXT_ONLY = new PromptTemplate(TEXT);


    public PromptTemplate {
        if (template == null) {
            throw new IllegalArgumentException("template is null");
        }
        int texts = 0;
        int instructions = 0;
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            switch (m.group()) {
                case TEXT -> texts++;
                case INSTRUCTION -> instructions++;
                default -> throw new IllegalArgumentException("template \"" + template + "\" has an unknown placeholder "
                        + m.group() + "; a template knows " + TEXT + " (required) and " + INSTRUCTION);
            }
        }
        if (texts != 1) {
            throw new IllegalArgumentException("template \"" + template + "\" must contain " + TEXT + " exactly once, "
                    + "found " + texts + " times");
        }
        if (instructions > 1) {
            throw new IllegalArgumentException("template \"" + template + "\" contains " + INSTRUCTION + " "
                    + instructions + " times; at most once");
        }
    }

    /** True if the template has an {@code {instruction}} slot; otherwise instructions are not applied on its side. */
    public boolean usesInstruction() {
        return template.contains(INSTRUCTION);
    }

    /** The template with its placeholders replaced; a null instruction counts as empty. */
    public String format(String instruction, String text) {
        StringBuilder out = new StringBuilder(template.length() + text.length()
                + (instruction == null ? 0 : instruction.length()));
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String value = m.group().equals(TEXT) ? text : instruction == null ? "" : instruction;
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
