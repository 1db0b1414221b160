package org.hhnn.data;

/**
 * Text taken from an input file, shown inside a one-sentence error message: single-quoted, its control characters
 * escaped (a name holding a newline or a terminal escape must not break the message or the terminal), and cut
 * after {@value #MAX_CHARS} characters, since a corrupt file can hold a "name" of any length.
 */
public final class Quote {
    public static final int MAX_CHARS = 80;

    private Quote() {}

    public static String of(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 16).append('\'');
        int shown = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('\'');
        if (shown < s.length()) sb.append(" (cut; ").append(s.length()).append(" characters)");
        return sb.toString();
    }
}
