package org.hhnn.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs {@code hhnn} as a real Open MPI job on this machine: {@code mpirun --oversubscribe --allow-run-as-root -np N}
 * over JVMs with this test's classpath, each rank one thread. (The command goes through {@code env}: mpirun rewrites
 * the arguments of an application it sees named {@code java}, for Open MPI's own Java bindings.)
 */
final class MpiJob {
    private MpiJob() {}

    record Result(int code, String out, String err, double seconds) {}

    static List<String> rank(String... mainArgs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> c = new ArrayList<>(List.of("env", "OMP_WAIT_POLICY=passive", java, "-Xmx1g", "-cp", cp, Main.class.getName()));
        c.addAll(List.of(mainArgs));
        return c;
    }

    /** N ranks of the same command line. */
    static Result run(int ranks, int timeoutSeconds, String... mainArgs) throws Exception {
        List<String> cmd = launcher(ranks);
        cmd.addAll(rank(mainArgs));
        return run(cmd, timeoutSeconds, p -> {});
    }

    static List<String> launcher(int ranks) {
        return new ArrayList<>(List.of("mpirun", "--oversubscribe", "--allow-run-as-root", "-np", Integer.toString(ranks)));
    }

    /** Runs an mpirun command line; during calls {@code meanwhile} with the running launcher; kills it all on timeout. */
    static Result run(List<String> cmd, int timeoutSeconds, Consumer<Process> meanwhile) throws Exception {
        Path out = Files.createTempFile("mpijob", ".out"), err = Files.createTempFile("mpijob", ".err");
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("mpirun could not be started (" + e.getMessage() + "): install openmpi-bin (./hhnn test does)", e);
        }
        try {
            meanwhile.accept(p);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("the MPI job did not end within " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
