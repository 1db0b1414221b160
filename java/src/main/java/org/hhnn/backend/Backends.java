package org.hhnn.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.backend.cuda.CudaBackend;

/**
 * Finds backends by name and picks the fastest available one. Optional backends are probed once
 * (the probe runs a tiny real op); the cause of an unavailability is remembered and reported in
 * one sentence. {@code cuda-emulated} (the CUDA kernels run on the CPU, for CI and debugging) is
 * never chosen by default: the default is cuda when a GPU works, else cpu, else reference.
 */
public final class Backends {
    private Backends() {}

    /** Every backend name: the real ones fastest first, then cuda-emulated. */
    public static final List<String> NAMES = List.of("cuda", "cpu", "reference", "cuda-emulated");

    /** Backends {@link #fastest()} never picks (they exist for testing and debugging). */
    static final List<String> NEVER_DEFAULT = List.of("cuda-emulated");

    /** The backend called name; throws {@link BackendUnavailableException} with one sentence if it cannot run here. */
    public static Backend get(String name) {
        switch (name) {
            case "reference": return ReferenceBackend.get();
            case "cpu": return CpuBackend.get();
            case "cuda": return CudaBackend.get();
            case "cuda-emulated": return CudaBackend.emulated();
            default: throw new BackendUnavailableException("unknown backend '" + name + "' (expected one of " + String.join(", ", NAMES) + ").");
        }
    }

    /** name → null when available, else the one-sentence cause; every name of {@link #NAMES}, in its order. */
    public static Map<String, String> availability() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cuda", CudaBackend.isAvailable() ? null : CudaBackend.unavailabilityCause());
        m.put("cpu", CpuBackend.isAvailable() ? null : CpuBackend.unavailabilityCause());
        m.put("reference", null);
        m.put("cuda-emulated", CudaBackend.isEmulatedAvailable() ? null : CudaBackend.emulatedUnavailabilityCause());
        return m;
    }

    /** The fastest available backend and a one-line reason for the choice. */
    public static Choice fastest() {
        StringBuilder why = new StringBuilder();
        for (Map.Entry<String, String> e : availability().entrySet()) {
            if (NEVER_DEFAULT.contains(e.getKey())) continue;
            if (e.getValue() == null) {
                String reason = "using backend '" + e.getKey() + "' (fastest available" + (why.length() > 0 ? "; " + why : "") + ")";
                return new Choice(get(e.getKey()), reason);
            }
            if (why.length() > 0) why.append("; ");
            why.append(e.getKey()).append(" unavailable: ").append(e.getValue());
        }
        throw new AssertionError("the reference backend is always available");
    }

    public record Choice(Backend backend, String reason) {}
}
