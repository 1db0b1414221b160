package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** {@code hhnn bench --json} prints BENCHMARKS.md's object; unknown workloads fail with one sentence. */
class BenchCommandTest {
    @Test void jsonHasTheBenchmarkFields() {
        for (String[] w : new String[][] {{"gemm", "64", "GFLOP/s"}, {"W5", "0", "elements/s"}}) {
            CliRun.Result r = CliRun.run("bench", "--workload", w[0], "--size", w[1], "--backend", "reference",
                    "--repeats", "2", "--warmup", "0", "--json");
            assertEquals(0, r.code(), r.err());
            JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
            for (String k : new String[] {"workload", "backend", "unit", "median", "best", "worst", "repeats"})
                assertTrue(o.has(k), w[0] + " lacks " + k + ": " + o);
            assertEquals(w[2], o.get("unit").getAsString());
            assertEquals(2, o.get("repeats").getAsInt());
            assertTrue(o.get("best").getAsDouble() >= o.get("median").getAsDouble() && o.get("median").getAsDouble() >= o.get("worst").getAsDouble());
            assertTrue(o.get("worst").getAsDouble() > 0);
        }
    }

    @Test void unknownWorkloadFails() {
        CliRun.Result r = CliRun.run("bench", "--workload", "W9", "--backend", "reference");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("W9"), r.err());
    }
}
