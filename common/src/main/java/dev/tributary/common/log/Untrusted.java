package dev.tributary.common.log;

/**
 * How a string that a client chose (a user name, a client id, a topic, a header) is written into a log
 * line: in double quotes, with every character that could forge a line or hide text escaped, and cut to a
 * length. A CR or LF would start a fake log line; ANSI escapes would drive the operator's terminal; bidi
 * overrides and other format characters would show text in another order than it is stored. The output is
 * printable ASCII and the characters a log viewer shows as they are, on one line.
 */
public final class Untrusted {

    /** Characters of the original shown at most; longer strings are cut and say how much was left off. */
    public static final int DEFAULT_MAX_CHARS = 128;

    private Untrusted() {
    }

    /** The string quoted and escaped for a log line, cut after {@link #DEFAULT_MAX_CHARS}; {@code null} stays null. */
    public static String quote(CharSequence value) {
        return quote(value, DEFAULT_MAX_CHARS);
    }

    /** As {@link #quote(CharSequence)}, cut after {@code maxChars} characters of the original. */
    public static String quote(CharSequence value, int maxChars) {
        if (value == null) {
            return "null";
        }
        int length = value.length();
        int shown = Math.min(length, maxChars);
        StringBuilder out = new StringBuilder(shown + 8).append('"');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                        int codePoint = Character.toCodePoint(c, value.charAt(i + 1));
                        if (shows(codePoint)) {
                            out.append(c).append(value.charAt(i + 1));
                        } else {
                            escape(out, c);
                            escape(out, value.charAt(i + 1));
                        }
                        i++;
                    } else if (shows(c)) {
                        out.append(c);
                    } else {
                        escape(out, c);
                    }
                }
            }
        }
        out.append('"');
        if (length > shown) {
            out.append("...(").append(length - shown).append(" more chars)");
        }
        return out.toString();
    }

    /**
     * Whether a character is written as it is: not a control character (C0, DEL, C1), not a format character
     * (bidi marks, embeddings, overrides and isolates, zero-width characters, the BOM), not a line or paragraph
     * separator, not a lone surrogate, not unassigned or private use.
     */
    private static boolean shows(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }

    private static void escape(StringBuilder out, char c) {
        out.append("\\u").append(Character.forDigit(c >> 12 & 0xF, 16)).append(Character.forDigit(c >> 8 & 0xF, 16))
                .append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
    }
}
