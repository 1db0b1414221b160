package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event files decoded by an independent reader (Python standard library): framing, checksums, protobuf fields. */
class TensorBoardWriterTest {
    @TempDir Path dir;

    @Test void scalarsAndHistogramsDecodeWithAnIndependentReader() throws Exception {
        float[] xs = new float[1000];
        Random rng = new Random(7);
        double sum = 0, sq = 0;
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) rng.nextGaussian();
            sum += xs[i];
            sq += (double) xs[i] * xs[i];
            min = Math.min(min, xs[i]);
            max = Math.max(max, xs[i]);
        }
        Path file;
        try (TensorBoardWriter w = TensorBoardWriter.open(dir.resolve("tb"))) {
            file = w.file();
            w.scalar("train/loss", 10, 0.6931);
            w.scalar("train/lr", 10, 1e-3);
            w.histogram("weights/0.weight", 1, xs);
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."), file.toString());

        JsonArray ev = TfEvents.read(file);
        assertEquals(4, ev.size());
        assertEquals("brain.Event:2", ev.get(0).getAsJsonObject().get("file_version").getAsString());
        double now = System.currentTimeMillis() / 1000.0;
        for (var e : ev) assertTrue(Math.abs(e.getAsJsonObject().get("wall_time").getAsDouble() - now) < 600, "wall time in seconds");

        JsonObject loss = ev.get(1).getAsJsonObject();
        assertEquals(10, loss.get("step").getAsLong());
        JsonObject v = loss.getAsJsonArray("values").get(0).getAsJsonObject();
        assertEquals("train/loss", v.get("tag").getAsString());
        assertEquals(0.6931f, v.get("simple_value").getAsFloat());
        assertEquals(1e-3f, ev.get(2).getAsJsonObject().getAsJsonArray("values").get(0).getAsJsonObject().get("simple_value").getAsFloat());

        JsonObject h = ev.get(3).getAsJsonObject().getAsJsonArray("values").get(0).getAsJsonObject().getAsJsonObject("histo");
        assertEquals(min, h.get("min").getAsDouble());
        assertEquals(max, h.get("max").getAsDouble());
        assertEquals(1000, h.get("num").getAsDouble());
        assertEquals(sum, h.get("sum").getAsDouble(), 1e-9);
        assertEquals(sq, h.get("sum_squares").getAsDouble(), 1e-9);
        JsonArray limits = h.getAsJsonArray("bucket_limit"), counts = h.getAsJsonArray("bucket");
        assertEquals(TensorBoardWriter.HISTOGRAM_BUCKETS, limits.size());
        assertEquals(limits.size(), counts.size());
        assertEquals(max, limits.get(limits.size() - 1).getAsDouble());
        // Each bucket counts the values in (previous limit, limit]; recount from the raw data.
        double lo = Double.NEGATIVE_INFINITY, total = 0;
        for (int b = 0; b < limits.size(); b++) {
            double hi = limits.get(b).getAsDouble(), c = 0;
            for (float x : xs) if (x > lo && x <= hi) c++;
            assertTrue(hi > lo, "limits increase");
            assertEquals(c, counts.get(b).getAsDouble(), "bucket " + b);
            total += counts.get(b).getAsDouble();
            lo = hi;
        }
        assertEquals(1000, total);
    }

    @Test void aCorruptedByteIsCaughtByTheChecksum() throws Exception {
        Path file;
        try (TensorBoardWriter w = TensorBoardWriter.open(dir)) {
            file = w.file();
            w.scalar("a", 1, 1.0);
        }
        byte[] b = Files.readAllBytes(file);
        b[b.length - 6] ^= 0x10;  // inside the last record's data (the float value)
        Files.write(file, b);
        TfEvents.Result r = TfEvents.run(file);
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("data checksum mismatch"), r.err());
    }
}
