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
        int shown = Math.min(s.length(), MAX_CHARS);
        StringBuilder sb = escape(s, shown, new StringBuilder(shown + 16).append('\'')).append('\'');
        if (shown < s.length()) sb.append(" (cut; ").append(s.length()).append(" characters)");
        return sb.toString();
    }

    /** s with its control characters escaped, whole and unquoted: a library's message that may echo input text. */
    public static String escape(String s) { return escape(s, s.length(), new StringBuilder(s.length() + 16)).toString(); }

    private static StringBuilder escape(String s, int n, StringBuilder sb) {
        for (int i = 0; i < n; i++) {
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
        return sb;
    }
}
