package org.hhnn.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.hhnn.backend.cuda.CudaBackend;
import org.hhnn.backend.cuda.HostDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hhnn gpu-check}: what a machine with an NVIDIA GPU runs once, in minutes ({@link GpuCheck} says what is in
 * the report). ./hhnn gpu-check first calls it with --probe (no GPU: one sentence, exit 3, nothing else runs), then runs
 * the cuda parity suites on the GPU through Maven, then calls it with --parity-reports to write the report.
 * --host-driver checks JCudaDevice over the host CUDA driver instead (no GPU needed; how the report is tested).
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "Check the cuda backend on this machine's NVIDIA GPU: device facts, parity, training steps, W2-gpu, gemm; one JSON report.")
public final class GpuCheckCommand implements Callable<Integer> {

    /** The exit status when there is no GPU to check. */
    public static final int NO_GPU = 3;

    @Option(names = "--probe", description = "only say whether there is a GPU to check (exit 0) or not (one sentence, exit " + NO_GPU + ")")
    boolean probe;

    @Option(names = "--host-driver", description = "check JCudaDevice over the host CUDA driver (kernels on the CPU) instead of a GPU")
    boolean hostDriver;

    @Option(names = "--parity-reports", description = "folder of the surefire reports of the cuda parity suites just run")
    Path parityReports;

    @Option(names = "--out", defaultValue = "gpu-check.json", description = "the JSON report (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quick", description = "small benchmark sizes (for the host driver)")
    boolean quick;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the training-step data and weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--fetch-cublas", description = "(read by ./hhnn: download the Maven artifact that ships libcublas.so.12 first)")
    boolean fetchCublas;

    @Override public Integer call() throws IOException {
        CudaBackend cuda;
        if (hostDriver) {
            cuda = HostDriver.backend();
        } else if (CudaBackend.isAvailable()) {
            cuda = CudaBackend.get();
        } else {
            System.err.println("hhnn gpu-check: there is no GPU to check here (" + CudaBackend.unavailabilityCause() + ").");
            return NO_GPU;
        }
        if (probe) {
            System.out.println("hhnn gpu-check: " + cuda.device().describe());
            return 0;
        }
        JsonObject report = GpuCheck.run(cuda, parityReports, quick, seed);
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".gpu-check", ".json");
        Files.writeString(tmp, new GsonBuilder().setPrettyPrinting().create().toJson(report) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        summary(report);
        return report.get("pass").getAsBoolean() ? 0 : 1;
    }

    private void summary(JsonObject r) {
        JsonObject d = r.getAsJsonObject("device"), p = r.getAsJsonObject("parity");
        System.out.println("hhnn gpu-check on " + d.get("description").getAsString());
        System.out.println("  kernels: " + str(d, "kernels") + "; gemm: " + str(d, "gemm"));
        System.out.println("  parity: " + (p.get("ran").getAsBoolean()
                ? p.get("tests").getAsInt() + " tests in " + p.getAsJsonArray("suites").size() + " suites, " + p.get("failures").getAsInt()
                        + " failures, " + p.get("errors").getAsInt() + " errors, " + p.get("skipped").getAsInt() + " skipped"
                : "not run (" + p.get("why").getAsString() + ")"));
        StringBuilder t = new StringBuilder("  training steps vs reference (max relative loss difference):");
        for (JsonElement e : r.getAsJsonArray("training")) {
            JsonObject f = e.getAsJsonObject();
            t.append(' ').append(f.get("family").getAsString()).append(f.get("pass").getAsBoolean() ? " ✓ " : " ✗ ")
                    .append(String.format("%.1e", f.get("max_relative_difference").getAsDouble())).append(';');
        }
        System.out.println(t);
        for (JsonElement e : r.getAsJsonArray("benchmarks")) {
            JsonObject b = e.getAsJsonObject();
            System.out.printf("  %s (%s): %.4g %s%n", b.get("workload").getAsString(), b.get("detail").getAsString(),
                    b.get("median").getAsDouble(), b.get("unit").getAsString());
        }
        System.out.printf("  %s in %.0f s; report: %s%n", r.get("pass").getAsBoolean() ? "PASS" : "FAIL", r.get("seconds").getAsDouble(), out);
    }

    private static String str(JsonObject o, String key) { return o.has(key) ? o.get(key).getAsString() : "?"; }
}
