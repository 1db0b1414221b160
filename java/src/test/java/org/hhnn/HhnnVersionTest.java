package org.hhnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The version the code reports is the POM's, not a constant that drifts from it. */
class HhnnVersionTest {
    @Test void versionIsThePomsVersion() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher m = Pattern.compile("<artifactId>hhnn-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        m.find();
        assertEquals(m.group(1), HhnnVersion.get());
    }
}
