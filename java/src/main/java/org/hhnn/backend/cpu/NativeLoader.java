package org.hhnn.backend.cpu;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libhhnn-&lt;version&gt; once per JVM, trying in a fixed order and keeping every failed attempt as a suppressed
 * exception of the final error:
 * <ol>
 *   <li>the file named by the system property {@code hhnn.native.path} (a file, or a folder holding it);</li>
 *   <li>{@code System.loadLibrary("hhnn-<version>")} from {@code java.library.path};</li>
 *   <li>the classpath resource {@code /native/<os>-<arch>/libhhnn-<version>.so} (where the Maven build puts it),
 *       extracted to a unique temp file.</li>
 * </ol>
 * The final error is one sentence: OS, arch, what was looked for and how to build it. A library that loads but carries
 * another version stamp than this jar ({@link #VERSION}) is refused with one sentence too: its entry points would not
 * match this jar's native methods.
 */
public final class NativeLoader {
    public static final String PATH_PROPERTY = "hhnn.native.path";
    /** This jar's version (Maven's project.version), which the library must carry; "dev" outside a Maven build. */
    public static final String VERSION = readVersion();
    static final String LIB_NAME = "hhnn-" + VERSION;

    private static Result result;   // null until load() first runs

    private NativeLoader() {}

    /** The outcome of one {@link #attempt}: the path loaded from, or the error with each attempt suppressed. */
    public static final class Result {
        public final String path;
        public final UnsatisfiedLinkError error;

        Result(String path, UnsatisfiedLinkError error) {
            this.path = path;
            this.error = error;
        }

        public boolean ok() { return error == null; }
    }

    /** Loads the library (once); throws the (cached) one-sentence UnsatisfiedLinkError when it cannot. */
    public static synchronized void load() {
        if (result == null) {
            String explicit = System.getProperty(PATH_PROPERTY);
            result = attempt(explicit, resourcePath(LIB_NAME), LIB_NAME);
            if (result.ok()) result = checkVersion(result.path, stamp());
            if (result.ok() && explicit != null && !explicit.isBlank() && !result.path.startsWith(new File(explicit).getAbsolutePath()))
                System.getLogger(NativeLoader.class.getName()).log(System.Logger.Level.WARNING,
                        PATH_PROPERTY + "=" + explicit + " could not be loaded; using " + result.path + " instead");
        }
        if (result.error != null) throw result.error;
    }

    public static synchronized boolean isLoaded() { return result != null && result.ok(); }

    /** Where the library was loaded from, or null when it is not loaded. */
    public static synchronized String loadedFrom() { return result == null ? null : result.path; }

    /** Why loading failed, or null when it succeeded or was not tried yet. */
    public static synchronized Throwable failure() { return result == null ? null : result.error; }

    // The loaded library's version stamp, or null when it has none (a library from before stamps).
    private static String stamp() {
        try {
            return CpuBackend.version0();
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    /** The loaded library at path with the given stamp (null: none), or the one-sentence refusal when it is not VERSION. */
    static Result checkVersion(String path, String stamp) {
        if (VERSION.equals(stamp)) return new Result(path, null);
        return new Result(null, new UnsatisfiedLinkError("The hhnn native library " + path + " is "
                + (stamp == null ? "of an older version (it has no version stamp)" : "version " + stamp)
                + " but this hhnn is version " + VERSION + "; rebuild it with ./hhnn build or mvn -q package from the repo root."));
    }

    private static String readVersion() {
        try (InputStream in = NativeLoader.class.getResourceAsStream("native.properties")) {
            if (in == null) return "dev";
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "dev").strip();
        } catch (IOException e) {
            return "dev";
        }
    }

    /** "linux-x86_64" style platform name used for the classpath resource folder (CMakeLists.txt computes the same). */
    public static String platform() { return os() + "-" + arch(); }

    /** The classpath resource the Maven build writes for this platform. */
    public static String resourcePath(String libName) {
        return "/native/" + platform() + "/" + System.mapLibraryName(libName);
    }

    /**
     * One run of the three steps, without touching the global state (tests use it with paths that do
     * not exist). Each argument may be null to skip its step.
     */
    public static Result attempt(String explicitPath, String resourcePath, String libName) {
        List<Throwable> failures = new ArrayList<>();
        List<String> lookedFor = new ArrayList<>();   // each place, with why it did not work when not obvious
        if (explicitPath != null && !explicitPath.isBlank()) {
            File f = new File(explicitPath);
            if (f.isDirectory() && libName != null) f = new File(f, System.mapLibraryName(libName));
            try {
                if (!f.isFile()) throw new UnsatisfiedLinkError(PATH_PROPERTY + " names " + f + ", which does not exist");
                System.load(f.getAbsolutePath());
                return new Result(f.getAbsolutePath(), null);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                failures.add(e);
                lookedFor.add(PATH_PROPERTY + "=" + explicitPath + (f.isFile() ? " (" + firstLine(e) + ")" : " (no such file)"));
            }
        }
        if (libName != null) {
            try {
                System.loadLibrary(libName);
                String found = findOnLibraryPath(libName);
                return new Result(found != null ? found : System.mapLibraryName(libName) + " (java.library.path)", null);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                failures.add(e);
                String found = findOnLibraryPath(libName);
                lookedFor.add(System.mapLibraryName(libName) + " on java.library.path"
                        + (found != null ? " (" + firstLine(e) + ")" : ""));
            }
        }
        if (resourcePath != null) {
            boolean present = NativeLoader.class.getResource(resourcePath) != null;
            try {
                return new Result(extractAndLoad(resourcePath), null);
            } catch (UnsatisfiedLinkError | IOException | RuntimeException e) {
                failures.add(e);
                lookedFor.add("the classpath resource " + resourcePath + (present ? " (" + firstLine(e) + ")" : " (not there)"));
            }
        }
        String places = lookedFor.isEmpty() ? "nothing" : lookedFor.size() == 1 ? lookedFor.get(0)
                : String.join(", ", lookedFor.subList(0, lookedFor.size() - 1)) + " and " + lookedFor.get(lookedFor.size() - 1);
        String sentence = "The hhnn native library could not be loaded on " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ": looked for " + places
                + "; to build it, run ./hhnn build or mvn -q package from the repo root"
                + " with cmake, g++ and libopenblas-openmp-dev installed.";
        UnsatisfiedLinkError error = new UnsatisfiedLinkError(sentence);
        failures.forEach(error::addSuppressed);
        return new Result(null, error);
    }

    // Why a file that exists did not load (e.g. the dynamic linker's "libopenblas.so.0: cannot open ...").
    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String findOnLibraryPath(String libName) {
        String file = System.mapLibraryName(libName);
        for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
            File f = new File(dir, file);
            if (!dir.isEmpty() && f.isFile()) return f.getAbsolutePath();
        }
        return null;
    }

    private static String extractAndLoad(String resourcePath) throws IOException {
        try (InputStream in = NativeLoader.class.getResourceAsStream(resourcePath)) {
            if (in == null) throw new UnsatisfiedLinkError("the classpath resource " + resourcePath + " does not exist");
            String name = resourcePath.substring(resourcePath.lastIndexOf('/') + 1);
            int dot = name.lastIndexOf('.');
            // A unique file per JVM: two processes (or two class loaders) never share or overwrite one.
            Path tmp = Files.createTempFile(dot > 0 ? name.substring(0, dot) + "-" : name + "-", dot > 0 ? name.substring(dot) : "");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            String path = tmp.toAbsolutePath().toString();
            System.load(path);
            return path;
        }
    }

    static String os() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) return "linux";
        if (os.startsWith("mac") || os.startsWith("darwin")) return "macos";
        if (os.startsWith("windows")) return "windows";
        return os.replaceAll("[^a-z0-9]", "");
    }

    static String arch() {
        String a = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        switch (a) {
            case "amd64": case "x86_64": case "x86-64": return "x86_64";
            case "aarch64": case "arm64": return "aarch64";
            default: return a.replaceAll("[^a-z0-9_]", "");
        }
    }
}
