package org.hhnn.backend.cuda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds CUDA 12's cuBLAS for JCublas, whose JNI library names libcublas.so.12 as a dependency: a machine with a CUDA 13
 * driver and toolkit may have only libcublas.so.13. Looked for, in order: where the dynamic linker finds it
 * (LD_LIBRARY_PATH, ldconfig), a CUDA 12 toolkit (CUDA_HOME, CUDA_PATH, /usr/local/cuda-12*), pip's nvidia-cublas-cu12
 * wheels, and the Maven artifact {@link #REDIST} (org.bytedeco's CUDA 12.6 redistributable, 2 GB) in the local Maven
 * repository, unpacked once to ~/.cache/hhnn/. What is found is loaded by path (libcublasLt.so.12 first), so JCublas's
 * library then binds to it by soname. Only {@link JCudaDevice} calls it, on a real GPU: nothing else loads cuBLAS.
 */
final class CublasLocator {
    private CublasLocator() {}

    static final String SONAME = "libcublas.so.12";
    /** The Maven coordinates of a jar that ships libcublas.so.12 and libcublasLt.so.12 for linux-x86_64. */
    static final String REDIST = "org.bytedeco:cuda:12.6-9.5-1.5.11:jar:linux-x86_64-redist";
    private static final String REDIST_JAR = "org/bytedeco/cuda/12.6-9.5-1.5.11/cuda-12.6-9.5-1.5.11-linux-x86_64-redist.jar";
    private static final String REDIST_DIR = "org/bytedeco/cuda/linux-x86_64/";
    /** Loaded before libcublas.so.12, which needs them (libcudart is optional). */
    private static final String[] COMPANIONS = {"libcudart.so.12", "libcublasLt.so.12"};

    /** Loads libcublas.so.12; null when it is loaded, else what is missing, as part of one sentence. */
    static String preload() {
        String found = CudaProbe.findLibrary(SONAME);
        if (found != null) return load(new File(found).getParentFile().toPath());
        for (Path dir : candidateDirs())
            if (Files.isRegularFile(dir.resolve(SONAME))) return load(dir);
        Path jar = localRepository().resolve(REDIST_JAR);
        if (Files.isRegularFile(jar)) {
            try {
                return load(unpack(jar));
            } catch (IOException e) {
                return "no " + SONAME + ": " + jar + " could not be unpacked (" + e.getMessage() + ")";
            }
        }
        return missing();
    }

    /** The one sentence-part that says what is missing and how to get it. */
    static String missing() {
        return "no " + SONAME + " here (looked on the linker's path, in CUDA 12 toolkits, pip's nvidia-cublas-cu12 and for the Maven artifact "
                + REDIST + " in " + localRepository() + "; ./hhnn gpu-check --fetch-cublas downloads that artifact, 2 GB)";
    }

    private static String load(Path dir) {
        try {
            for (String c : COMPANIONS)
                if (Files.isRegularFile(dir.resolve(c))) System.load(dir.resolve(c).toAbsolutePath().toString());
            System.load(dir.resolve(SONAME).toAbsolutePath().toString());
            return null;
        } catch (UnsatisfiedLinkError e) {
            return dir.resolve(SONAME) + " could not be loaded (" + CudaProbe.firstLine(e) + ")";
        }
    }

    static List<Path> candidateDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) dirs.add(Path.of(v, "lib64"));
        }
        dirs.addAll(glob(Path.of("/usr/local"), "cuda-12*", "lib64"));
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        for (String root : new String[] {"/usr/lib", "/usr/local/lib", System.getProperty("user.home") + "/.local/lib"})
            for (Path py : glob(Path.of(root), "python3*", ""))
                for (String site : new String[] {"site-packages", "dist-packages"}) dirs.add(py.resolve(site).resolve("nvidia/cublas/lib"));
        return dirs;
    }

    private static List<Path> glob(Path dir, String pattern, String under) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, pattern)) {
            for (Path p : s) out.add(under.isEmpty() ? p : p.resolve(under));
        } catch (IOException e) {
            // unreadable: nothing there for us
        }
        return out;
    }

    static Path localRepository() {
        String r = System.getProperty("maven.repo.local");
        return r != null && !r.isBlank() ? Path.of(r) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The CUDA libraries of the redist jar, unpacked once (to a temporary name, then renamed) under ~/.cache/hhnn/. */
    static Path unpack(Path jar) throws IOException {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "hhnn", "cublas-" + jar.getFileName().toString().replace(".jar", ""));
        Files.createDirectories(dir);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : new String[] {COMPANIONS[0], COMPANIONS[1], SONAME}) {
                Path out = dir.resolve(name);
                ZipEntry e = zip.getEntry(REDIST_DIR + name);
                if (e == null) {
                    if (name.equals(SONAME)) throw new IOException(jar + " has no " + REDIST_DIR + name);
                    continue;
                }
                if (Files.isRegularFile(out) && Files.size(out) == e.getSize()) continue;
                Path tmp = Files.createTempFile(dir, name, ".part");
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return dir;
    }
}
