package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hhnn simulate} end to end: the JSON it prints and the files it writes. */
class SimulateCommandTest {
    @TempDir Path tmp;

    @Test void singleCurrentPrintsSpikesAndWritesTracesAndPlots() throws Exception {
        CliRun.Result r = CliRun.run("simulate", "--backend", "reference", "--current", "10",
                "--duration", "200", "--json", "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        int count = o.get("spike_count").getAsInt();
        assertTrue(count >= 13 && count <= 15, "I=10 fires 13-15 times in 200 ms, got " + count);
        JsonArray times = o.getAsJsonArray("spike_times");
        assertEquals(count, times.size());
        for (int i = 1; i < times.size(); i++)
            assertTrue(times.get(i).getAsDouble() > times.get(i - 1).getAsDouble());
        assertTrue(times.get(times.size() - 1).getAsDouble() <= 200);
        for (String f : new String[] {"traces.csv", "voltage.png", "gates.png", "legendre_basis.png"})
            assertTrue(Files.size(tmp.resolve(f)) > 100, f);
        assertEquals(8002, Files.readAllLines(tmp.resolve("traces.csv")).size(), "header + 8001 states");
    }

    @Test void fiSweepPrintsAnArray() throws Exception {
        CliRun.Result r = CliRun.run("simulate", "--backend", "reference", "--fi", "0:20:1",
                "--duration", "200", "--json", "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonArray a = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(21, a.size());
        JsonObject first = a.get(0).getAsJsonObject(), i10 = a.get(10).getAsJsonObject();
        assertEquals(0f, first.get("current").getAsFloat());
        assertEquals(0, first.get("spike_count").getAsInt());
        assertEquals(10f, i10.get("current").getAsFloat());
        assertEquals(i10.get("spike_count").getAsInt() / 0.2, i10.get("rate_hz").getAsDouble(), 1e-9);
        assertTrue(Files.exists(tmp.resolve("fi.png")) && Files.exists(tmp.resolve("fi.csv")));
    }

    @Test void badFlagsFailWithOneSentence() {
        CliRun.Result r = CliRun.run("simulate", "--backend", "reference", "--fi", "0:20", "--out", tmp.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--fi"), r.err());
        CliRun.Result d = CliRun.run("simulate", "--backend", "reference", "--duration", "-5", "--out", tmp.toString());
        assertEquals(1, d.code());
        assertTrue(d.err().contains("--duration"), d.err());
    }
}
