package org.hhnn.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.cpu.CpuBackend;

/**
 * Finds backends by name and picks the fastest available one. Optional backends are probed once
 * (the probe runs a tiny real op); the cause of an unavailability is remembered and reported in
 * one sentence.
 */
public final class Backends {
    private Backends() {}

    /** Every backend name, fastest first. */
    public static final List<String> NAMES = List.of("cuda", "cpu", "reference");

    static final String CUDA_CAUSE = "the cuda backend is not part of this build yet (the CUDA kernels and JCuda bridge are a later milestone); use --backend cpu";

    /** The backend called name; throws {@link BackendUnavailableException} with one sentence if it cannot run here. */
    public static Backend get(String name) {
        switch (name) {
            case "reference": return ReferenceBackend.get();
            case "cpu": return CpuBackend.get();
            case "cuda": throw new BackendUnavailableException("backend 'cuda' is not available: " + CUDA_CAUSE + ".");
            default: throw new BackendUnavailableException("unknown backend '" + name + "' (expected one of reference, cpu, cuda).");
        }
    }

    /** name → null when available, else the one-sentence cause. */
    public static Map<String, String> availability() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cuda", CUDA_CAUSE);
        m.put("cpu", CpuBackend.isAvailable() ? null : CpuBackend.unavailabilityCause());
        m.put("reference", null);
        return m;
    }

    /** The fastest available backend and a one-line reason for the choice. */
    public static Choice fastest() {
        StringBuilder why = new StringBuilder();
        for (Map.Entry<String, String> e : availability().entrySet()) {
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
