package org.hhnn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.api.Test;

/** NativeLoader's order and messages; the failing cases use NativeLoader.attempt, which leaves the global state alone. */
class NativeLoaderTest {

    private static final String NO_LIB = "hhnn_not_a_library_for_tests";

    private static void assertOneSentence(String message) {
        assertNotNull(message);
        assertFalse(message.contains("\n"), "one line: " + message);
        assertTrue(message.endsWith("."), "ends a sentence: " + message);
        assertTrue(message.contains(System.getProperty("os.name")) && message.contains(System.getProperty("os.arch")),
                "names OS and arch: " + message);
        assertTrue(message.contains("./hhnn build") && message.contains("mvn -q package")
                && message.contains("libopenblas-openmp-dev"), "says how to build it: " + message);
    }

    @Test void badExplicitPathIsNamedInOneSentence() {
        String bad = new File("no/such/dir/libhhnn.so").getAbsolutePath();
        NativeLoader.Result r = NativeLoader.attempt(bad, "/native/no-such-platform/libhhnn.so", NO_LIB);
        assertFalse(r.ok());
        assertNull(r.path);
        String m = r.error.getMessage();
        assertOneSentence(m);
        assertTrue(m.contains(NativeLoader.PATH_PROPERTY + "=" + bad + " (no such file)"), m);
        assertEquals(3, r.error.getSuppressed().length, "each failed attempt is kept");
        assertTrue(r.error.getSuppressed()[0].getMessage().contains(bad));
    }

    @Test void missingResourceIsNamed() {
        String resource = "/native/no-such-platform/libhhnn.so";
        NativeLoader.Result r = NativeLoader.attempt(null, resource, NO_LIB);
        assertFalse(r.ok());
        String m = r.error.getMessage();
        assertOneSentence(m);
        assertTrue(m.contains("the classpath resource " + resource), m);
        assertTrue(m.contains(System.mapLibraryName(NO_LIB) + " on java.library.path"), m);
        assertEquals(2, r.error.getSuppressed().length);
    }

    @Test void aFolderIsSearchedForTheLibraryFile() throws Exception {
        File dir = java.nio.file.Files.createTempDirectory("hhnn-empty").toFile();
        dir.deleteOnExit();
        NativeLoader.Result r = NativeLoader.attempt(dir.getPath(), null, NO_LIB);
        assertFalse(r.ok());
        assertOneSentence(r.error.getMessage());
        assertTrue(r.error.getSuppressed()[0].getMessage().contains(new File(dir, System.mapLibraryName(NO_LIB)).getPath()),
                r.error.getSuppressed()[0].getMessage());
    }

    @Test void successfulLoadReportsThePath() {
        NativeLoader.load();
        assertTrue(NativeLoader.isLoaded());
        assertNull(NativeLoader.failure());
        String path = NativeLoader.loadedFrom();
        assertNotNull(path);
        assertTrue(new File(path).isFile(), "loaded from an existing file: " + path);
        assertEquals(path, CpuBackend.libraryPath());
        // Loading the same file again is a no-op for the JVM and reports the same path.
        NativeLoader.Result again = NativeLoader.attempt(path, null, null);
        assertTrue(again.ok(), () -> String.valueOf(again.error));
        assertEquals(path, again.path);
    }

    @Test void platformNamesTheResourceFolder() {
        String arch = System.getProperty("os.arch");
        if (System.getProperty("os.name").startsWith("Linux") && (arch.equals("amd64") || arch.equals("x86_64")))
            assertEquals("/native/linux-x86_64/libhhnn.so", NativeLoader.resourcePath("hhnn"));
        assertTrue(NativeLoader.resourcePath("hhnn").startsWith("/native/" + NativeLoader.platform() + "/"));
    }

    @Test void theLibraryIsNamedAndStampedWithTheJarsVersion() {
        assertFalse(NativeLoader.VERSION.equals("dev") || NativeLoader.VERSION.contains("${"),
                "Maven filled in the version: " + NativeLoader.VERSION);
        NativeLoader.load();
        // The resource libhhnn-<version>.so, or its extracted copy libhhnn-<version>-<random>.so.
        String want = System.mapLibraryName("hhnn-" + NativeLoader.VERSION), name = new File(NativeLoader.loadedFrom()).getName();
        assertTrue(name.startsWith(want.substring(0, want.lastIndexOf('.'))), name + " is named after " + want);
        assertEquals(NativeLoader.VERSION, CpuBackend.version0());
    }

    @Test void aLibraryOfAnotherVersionIsRefusedInOneSentence() {
        for (String stamp : new String[] {"0.0.9", null}) {
            NativeLoader.Result r = NativeLoader.checkVersion("/x/libhhnn-0.0.9.so", stamp);
            assertFalse(r.ok());
            String m = r.error.getMessage();
            assertFalse(m.contains("\n"), m);
            assertTrue(m.endsWith(".") && m.contains("/x/libhhnn-0.0.9.so") && m.contains("this hhnn is version " + NativeLoader.VERSION)
                    && m.contains(stamp == null ? "no version stamp" : "version 0.0.9") && m.contains("./hhnn build"), m);
        }
        assertTrue(NativeLoader.checkVersion("/x/lib.so", NativeLoader.VERSION).ok());
    }
}
