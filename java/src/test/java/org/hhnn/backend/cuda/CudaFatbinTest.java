package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hhnn.NativeRequired;

/**
 * What the build shipped for the GPU: the fatbin on the classpath ({@link Fatbin#RESOURCE}) holds SASS for sm_80 (A100)
 * and sm_90 (H100) and PTX for compute_90 (newer GPUs), read from its header by {@link Fatbin#parse} and, when
 * cuobjdump is installed, cross-checked with cuobjdump --list-elf / --list-ptx; it contains every kernel the emulator
 * registered (the same sources); and the kernel sources NVRTC would compile ship under /cuda/src/.
 * Without nvcc at build time there is no fatbin, and the fatbin tests are skipped saying so.
 */
class CudaFatbinTest {
    @TempDir Path tmp;

    private static File nvcc() { return findTool("nvcc"); }

    /** tool on PATH or in the usual CUDA folders, or null. */
    private static File findTool(String tool) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/cuda/bin", "/opt/cuda/bin"));
        String home = System.getenv("CUDA_HOME");
        if (home != null) dirs.add(home + "/bin");
        for (String d : dirs) {
            File f = new File(d, tool);
            if (!d.isEmpty() && f.canExecute()) return f;
        }
        return null;
    }

    private static byte[] fatbinOrSkip() {
        byte[] data = Fatbin.load();
        if (data == null) {
            if (nvcc() != null)
                fail("nvcc is installed (" + nvcc() + ") but the build left no " + Fatbin.RESOURCE + " on the classpath");
            assumeTrue(false, "built without nvcc: no fatbin to check (cuda-emulated still ran every kernel)");
        }
        return data;
    }

    @Test void fatbinHoldsSm80AndSm90SassAndCompute90Ptx() throws Exception {
        byte[] data = fatbinOrSkip();
        List<Fatbin.Entry> entries = Fatbin.parse(data);
        Set<String> labels = entries.stream().map(Fatbin.Entry::label).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(labels.containsAll(Set.of("sm_80", "sm_90", "compute_90")), "fatbin holds " + labels);
        for (Fatbin.Entry e : entries) assertTrue(e.bytes() > 0, "empty entry " + e);

        File cuobjdump = findTool("cuobjdump");
        if (cuobjdump == null) return;   // the header parse above is the check; cuobjdump only cross-checks it
        Path f = tmp.resolve("hhnn.fatbin");
        Files.write(f, data);
        Set<String> elf = archs(run(cuobjdump, "--list-elf", f), "sm_\\d+"), ptx = archs(run(cuobjdump, "--list-ptx", f), "sm_\\d+");
        assertTrue(elf.containsAll(Set.of("sm_80", "sm_90")), "cuobjdump --list-elf: " + elf);
        assertTrue(ptx.contains("sm_90"), "cuobjdump --list-ptx (PTX names its target as sm_90): " + ptx);
    }

    private static String run(File tool, String flag, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tool.getPath(), flag, file.toString()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), tool + " " + flag + " did not finish");
        assertEquals(0, p.exitValue(), tool + " " + flag + ": " + out);
        return out;
    }

    private static Set<String> archs(String text, String regex) {
        Set<String> s = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) s.add(m.group());
        return s;
    }

    /** The fatbin and the emulator are built from the same sources: every registered kernel is in the fatbin too. */
    @Test void everyEmulatedKernelIsInTheFatbin() {
        byte[] data = fatbinOrSkip();
        NativeRequired.cudaEmulated();
        String text = new String(data, StandardCharsets.ISO_8859_1);   // symbol names are plain bytes (--compress-mode=none)
        EmulatedDevice d = (EmulatedDevice) CudaBackend.emulated().device();
        assertTrue(d.kernels().size() >= 30, "kernels registered: " + d.kernels().keySet());
        for (String k : d.kernels().keySet()) assertTrue(text.contains(k), "kernel " + k + " is missing from the fatbin");
    }

    @Test void parserRejectsWhatIsNotAFatbin() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(new byte[64]));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        byte[] data = Fatbin.load();
        if (data != null) {
            byte[] cut = Arrays.copyOf(data, data.length / 2);
            e = assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(cut));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    /** NVRTC's input: index.txt lists every kernel source and header, and each is on the classpath. */
    @Test void kernelSourcesShipForNvrtc() throws IOException {
        String index;
        try (InputStream in = CudaFatbinTest.class.getResourceAsStream("/cuda/src/index.txt")) {
            assertNotNull(in, "/cuda/src/index.txt is missing from the classpath");
            index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> files = index.lines().map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toList());
        for (String required : List.of("elementwise.cu", "loss.cu", "optim.cu", "reduce.cu", "hh.cu", "legendre.cu", "gemm.cu",
                "emu_shim.h", "activations.cuh", "common.cuh", "random.cuh", "hh.cuh", "legendre.cuh"))
            assertTrue(files.contains(required), "index.txt lacks " + required + ": " + files);
        for (String f : files)
            try (InputStream in = CudaFatbinTest.class.getResourceAsStream("/cuda/src/" + f)) {
                assertNotNull(in, "/cuda/src/" + f + " is listed but missing");
            }
    }
}
