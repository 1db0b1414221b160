package org.hhnn.backend.cuda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether this machine can run the real cuda backend, found without touching any JCuda class first: JCuda's native
 * library links libcuda.so.1 (the NVIDIA driver), so on a machine without it loading JCuda can only fail; looking
 * for the file first keeps CPU-only runs free of that (and of its extraction to /tmp). Then {@link JCudaDevice} is
 * created inside a catch-all, and its failure becomes one remembered sentence.
 */
final class CudaProbe {
    private CudaProbe() {}

    static final String NO_DRIVER = "no libcuda.so.1 (no NVIDIA driver)";

    /** Where the driver's libcuda.so.1 lies, or null: the usual folders, LD_LIBRARY_PATH, then ldconfig's cache. */
    static String findLibcuda() { return findLibrary("libcuda.so.1"); }

    /** Where the dynamic linker would find soname, or null: the usual folders, LD_LIBRARY_PATH, then ldconfig's cache. */
    static String findLibrary(String soname) {
        List<String> dirs = new ArrayList<>(List.of(
                "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/lib64", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/wsl/lib"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(File.pathSeparator)) if (!d.isEmpty()) dirs.add(d);
        for (String d : dirs) {
            File f = new File(d, soname);
            if (f.exists()) return f.getAbsolutePath();
        }
        return fromLdconfig(soname);
    }

    // "libcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1" in `ldconfig -p`.
    private static String fromLdconfig(String soname) {
        for (String exe : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"}) {
            if (exe.startsWith("/") && !new File(exe).canExecute()) continue;
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
                for (String line : out.split("\n")) {
                    String t = line.strip();
                    if (t.startsWith(soname + " ") && t.contains("=>")) return t.substring(t.indexOf("=>") + 2).strip();
                }
                return null;
            } catch (IOException e) {
                // not on this path: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Opens the GPU, or returns the cause in one sentence-part ("no CUDA device", ...) as the exception's message. */
    static JCudaDevice open() {
        if (findLibcuda() == null) throw new CudaUnavailableException(NO_DRIVER);
        try {
            return new JCudaDevice(0);
        } catch (CudaUnavailableException e) {
            throw e;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CudaUnavailableException("JCuda's native library could not be loaded beside " + findLibcuda()
                    + " (" + firstLine(e) + ")", e);
        } catch (Throwable t) {
            throw new CudaUnavailableException("the GPU could not be opened (" + t.getClass().getSimpleName() + ": " + firstLine(t) + ")", t);
        }
    }

    static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).strip();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).replaceAll("\\.$", "");
    }

    /** Why the real GPU cannot be used; the message is the cause alone, e.g. "no CUDA device". */
    static final class CudaUnavailableException extends RuntimeException {
        CudaUnavailableException(String cause) { super(cause); }
        CudaUnavailableException(String cause, Throwable t) { super(cause, t); }
    }
}
