package org.hhnn.cli;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hhnn.backend.Backends;
import org.hhnn.backend.cpu.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hhnn info}: versions, platform, and each backend's availability (and why not). */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show versions, platform and backend availability.")
public final class InfoCommand implements Callable<Integer> {
    @Mixin JsonOption json = new JsonOption();

    static JsonObject collect() {
        JsonObject o = new JsonObject();
        o.addProperty("version", Version.get());
        o.addProperty("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        o.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        o.addProperty("arch", System.getProperty("os.arch"));
        o.addProperty("cores", Runtime.getRuntime().availableProcessors());
        JsonObject backends = new JsonObject();
        for (Map.Entry<String, String> e : Backends.availability().entrySet()) {
            JsonObject b = new JsonObject();
            b.addProperty("available", e.getValue() == null);
            if (e.getValue() != null) b.addProperty("cause", e.getValue());
            backends.add(e.getKey(), b);
        }
        if (CpuBackend.isAvailable()) {
            JsonObject cpu = backends.getAsJsonObject("cpu");
            cpu.addProperty("library", CpuBackend.libraryPath());
            cpu.addProperty("blas", CpuBackend.blasInfo());
            cpu.addProperty("threads", CpuBackend.threads());
        }
        o.add("backends", backends);
        o.addProperty("default_backend", Backends.fastest().backend().name());
        o.add("mpi", org.hhnn.dist.Mpi.describe());
        return o;
    }

    @Override public Integer call() {
        JsonObject o = collect();
        if (json.json) {
            JsonOption.print(o);
            return 0;
        }
        System.out.println("hhnn " + o.get("version").getAsString());
        System.out.println("java     " + o.get("java").getAsString());
        System.out.println("platform " + o.get("os").getAsString() + " / " + o.get("arch").getAsString() + ", " + o.get("cores").getAsInt() + " cores");
        System.out.println("backends (fastest first; default: " + o.get("default_backend").getAsString() + ")");
        for (Map.Entry<String, com.google.gson.JsonElement> e : o.getAsJsonObject("backends").entrySet()) {
            JsonObject b = e.getValue().getAsJsonObject();
            if (b.get("available").getAsBoolean()) {
                StringBuilder s = new StringBuilder("  ✓ " + e.getKey());
                if (b.has("library")) s.append("  library ").append(b.get("library").getAsString())
                        .append("; BLAS ").append(b.get("blas").getAsString())
                        .append("; ").append(b.get("threads").getAsInt()).append(" threads");
                System.out.println(s);
            } else {
                System.out.println("  ✗ " + e.getKey() + "  " + b.get("cause").getAsString());
            }
        }
        JsonObject mpi = o.getAsJsonObject("mpi");
        System.out.println(mpi.get("available").getAsBoolean()
                ? "mpi      ✓ " + mpi.get("library").getAsString() + " (mpirun -np N ./hhnn train ... trains data-parallel"
                        + (mpi.get("launched").getAsBoolean() ? "; this process was started by a launcher)" : ")")
                : "mpi      ✗ " + mpi.get("cause").getAsString());
        return 0;
    }
}
