package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hhnn.backend.cuda.CudaBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hhnn gpu-check: without a GPU it ends at once with one sentence; its report, produced over the host CUDA driver
 * (JCudaDevice with the kernels on the CPU), has every field of schema hhnn-gpu-check/1 with the right types and
 * consistent values; the parity part reads surefire's reports and counts a failure as one.
 */
class GpuCheckTest {

    private static final String SUITE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" name=\"org.hhnn.backend.cuda.CudaHhParityTest$OnGpu\" "
            + "time=\"1.2\" tests=\"3\" errors=\"0\" skipped=\"1\" failures=\"%d\">\n  <properties><property name=\"a\" value=\"b\"/></properties>\n"
            + "  <testcase name=\"forward\" classname=\"org.hhnn.backend.cuda.CudaHhParityTest$OnGpu\" time=\"0.1\"/>\n"
            + "  <testcase name=\"backward\" classname=\"org.hhnn.backend.cuda.CudaHhParityTest$OnGpu\" time=\"0.1\">%s</testcase>\n"
            + "  <testcase name=\"skipped\" classname=\"org.hhnn.backend.cuda.CudaHhParityTest$OnGpu\" time=\"0\"><skipped/></testcase>\n"
            + "</testsuite>\n";

    private static Path reports(Path dir, boolean failing) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("TEST-org.hhnn.backend.cuda.CudaHhParityTest$OnGpu.xml"),
                String.format(SUITE, failing ? 1 : 0, failing ? "<failure message=\"relative error 1e-3\"/>" : ""), StandardCharsets.UTF_8);
        return dir;
    }

    @Test void withoutAGpuItEndsAtOnceWithOneSentence() {
        assumeFalse(CudaBackend.isAvailable(), "a GPU is here");
        for (String[] args : new String[][] {{"gpu-check", "--probe"}, {"gpu-check"}}) {
            long t0 = System.nanoTime();
            CliRun.Result r = CliRun.run(args);
            assertEquals(GpuCheckCommand.NO_GPU, r.code(), r.err());
            assertEquals("", r.out());
            String err = r.err().strip();
            assertFalse(err.contains("\n"), err);
            assertTrue(err.startsWith("hhnn gpu-check: there is no GPU to check here (") && err.endsWith(")."), err);
            assertTrue(System.nanoTime() - t0 < 30e9, "ends at once");
        }
    }

    @Test void parityCountsEachSuiteAndNamesTheFailures(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("TEST-org.hhnn.cli.OtherTest.xml"), String.format(SUITE, 1, "<failure/>"));   // not a cuda suite: ignored
        JsonObject p = GpuCheck.parity(reports(tmp, true));
        assertTrue(p.get("ran").getAsBoolean());
        assertEquals(3, p.get("tests").getAsInt());
        assertEquals(1, p.get("failures").getAsInt());
        assertEquals(1, p.get("skipped").getAsInt());
        assertEquals("org.hhnn.backend.cuda.CudaHhParityTest$OnGpu.backward", p.getAsJsonArray("failed_cases").get(0).getAsString());
        JsonObject none = GpuCheck.parity(tmp.resolve("nothing"));
        assertFalse(none.get("ran").getAsBoolean());
        assertTrue(none.get("why").getAsString().contains("no " + GpuCheck.REPORTS), none.toString());
    }

    @Test void reportOverTheHostDriverHasTheWholeSchema(@TempDir Path tmp) throws Exception {
        assumeFalse(org.hhnn.backend.cuda.CudaBackend.isAvailable(), "a GPU is here: ./hhnn gpu-check checks it for real");
        Path out = tmp.resolve("gpu-check.json");
        CliRun.Result r = CliRun.run("gpu-check", "--host-driver", "--quick", "--parity-reports", reports(tmp.resolve("reports"), false).toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS") && r.out().contains("parity: 3 tests in 1 suites"), r.out());
        JsonObject o = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals(GpuCheck.SCHEMA, o.get("schema").getAsString());
        assertEquals(Set.of("schema", "version", "time", "device", "parity", "training", "benchmarks", "pass", "seconds"), o.keySet());
        JsonObject d = o.getAsJsonObject("device");
        assertEquals("cuda-hostdriver", d.get("backend").getAsString());
        assertTrue(d.get("host_driver").getAsBoolean());
        assertTrue(Set.of("fatbin", "host-ptx").contains(d.get("kernels").getAsString()), d.toString());
        assertEquals("host-cublas-stand-in", d.get("gemm").getAsString());
        assertEquals("9.0", d.get("compute_capability").getAsString());
        assertTrue(d.get("multiprocessors").getAsInt() >= 1 && d.get("memory_gib").getAsDouble() > 0, d.toString());
        for (String k : new String[] {"name", "driver", "description", "kernels_detail", "gemm_detail"}) assertFalse(d.get(k).getAsString().isBlank(), k);
        JsonObject p = o.getAsJsonObject("parity");
        assertTrue(p.get("ran").getAsBoolean());
        assertEquals(3, p.get("tests").getAsInt());
        List<String> families = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("training")) {
            JsonObject t = e.getAsJsonObject();
            families.add(t.get("family").getAsString());
            int steps = t.get("steps").getAsInt();
            JsonArray ref = t.getAsJsonArray("reference_losses"), got = t.getAsJsonArray("cuda_losses");
            assertTrue(steps >= 2 && ref.size() == steps && got.size() == steps, t.toString());
            double worst = 0;
            for (int s = 0; s < steps; s++)
                worst = Math.max(worst, Math.abs(got.get(s).getAsDouble() - ref.get(s).getAsDouble()) / Math.abs(ref.get(s).getAsDouble()));
            // The losses travel as shortest decimal floats: their relative difference is recomputed to within float rounding.
            assertEquals(worst, t.get("max_relative_difference").getAsDouble(), 2.5e-7, "max_relative_difference is the losses' " + t);
            assertTrue(t.get("pass").getAsBoolean() && worst <= t.get("tolerance").getAsDouble(), t.toString());
        }
        assertEquals(List.of("mlp", "hhnn", "cnn-mod", "densenet-mod", "lstm-mod"), families);
        List<String> workloads = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("benchmarks")) {
            JsonObject b = e.getAsJsonObject();
            workloads.add(b.get("workload").getAsString());
            assertTrue(b.get("median").getAsDouble() > 0 && b.get("best").getAsDouble() >= b.get("median").getAsDouble(), b.toString());
            assertFalse(b.get("unit").getAsString().isBlank());
        }
        assertEquals(List.of("W2-gpu", "gemm"), workloads);
        assertTrue(o.get("pass").getAsBoolean());
        assertTrue(o.get("seconds").getAsDouble() > 0);
    }
}
