package org.hhnn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build, as the POM gives it (Maven writes it into {@code org/hhnn/version.properties}). */
public final class HhnnVersion {
    private static final String VERSION = read();

    private HhnnVersion() {}

    /** The POM's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = HhnnVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) throw new IllegalStateException("org/hhnn/version.properties is missing from the class path (build with Maven)");
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            // An unfiltered copy (an IDE's own resource copy) still holds the placeholder.
            if (v.isEmpty() || v.startsWith("${")) throw new IllegalStateException("org/hhnn/version.properties was not filtered by Maven: '" + v + "'");
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
