package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.hhnn.backend.Backends;
import org.hhnn.cli.CliRun;
import org.hhnn.cli.Main;
import org.hhnn.data.IdxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hhnn.NativeRequired;

/**
 * The cuda backends seen from the command line: on a machine without a GPU, {@code --backend cuda} exits non-zero with
 * one sentence naming the cause and {@code info --json} reports cuda unavailable with that cause; cuda-emulated is
 * listed, available, and never the default; and {@code train --backend cuda-emulated} gives the reference backend's
 * losses on the same seed.
 */
class CudaCliTest {
    @TempDir Path tmp;


    static CliRun.Result run(String... args) { return CliRun.run(args); }

    @Test void backendCudaWithoutAGpuFailsWithOneSentence() {
        assumeFalse(CudaBackend.isAvailable(), "a GPU is available here");
        CliRun.Result r = run("bench", "--workload", "gemm", "--backend", "cuda");
        assertEquals(1, r.code(), r.err());
        String line = r.err().lines().filter(l -> l.startsWith("hhnn:")).findFirst().orElse("");
        String cause = CudaBackend.unavailabilityCause();
        assertTrue(line.contains("cuda") && line.contains(cause), "names the cause '" + cause + "': " + r.err());
        String sentence = line.substring("hhnn:".length()).strip();
        assertTrue(sentence.endsWith(".") && !sentence.substring(0, sentence.length() - 1).contains(". "), "one sentence: " + sentence);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        if (CudaProbe.findLibcuda() == null) assertEquals("no libcuda.so.1 (no NVIDIA driver)", cause);
    }

    @Test void infoJsonReportsEachCudaBackend() {
        CliRun.Result r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject backends = j.getAsJsonObject("backends");
        for (String b : Backends.NAMES) assertTrue(backends.has(b), "info lists " + b + ": " + r.out());
        JsonObject cuda = backends.getAsJsonObject("cuda");
        assertEquals(CudaBackend.isAvailable(), cuda.get("available").getAsBoolean());
        if (!CudaBackend.isAvailable()) assertEquals(CudaBackend.unavailabilityCause(), cuda.get("cause").getAsString());
        assertEquals(CudaBackend.isEmulatedAvailable(), backends.getAsJsonObject("cuda-emulated").get("available").getAsBoolean());
        assertNotEquals("cuda-emulated", j.get("default_backend").getAsString(), "cuda-emulated is never the default");
        if (CudaBackend.isAvailable()) assertEquals("cuda", j.get("default_backend").getAsString(), "a working GPU is the default");
    }

    /** A tiny learnable IDX data set (a bright band per class), as the CLI reads Fashion-MNIST. */
    private Path tinyData(int train, int test) {
        Path dir = tmp.resolve("data");
        Random rng = new Random(5);
        for (String prefix : new String[] {"train", "t10k"}) {
            int n = prefix.equals("train") ? train : test;
            byte[] px = new byte[n * 784];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                int c = i % 10;
                labels[i] = c;
                for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) (rng.nextInt(60) + (p / 28 / 3 == c ? 150 : 0));
            }
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            IdxWriter.writeImages(dir.resolve(prefix + "-images-idx3-ubyte.gz"), n, 28, 28, px, true);
            IdxWriter.writeLabels(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels, true);
        }
        return dir;
    }

    @Test void trainOnCudaEmulatedMatchesTheReferenceLosses() throws Exception {
        NativeRequired.cudaEmulated();
        Path data = tinyData(320, 60);
        JsonArray[] losses = new JsonArray[2];
        String[] backends = {"reference", "cuda-emulated"};
        for (int i = 0; i < 2; i++) {
            Path m = tmp.resolve(backends[i] + ".json");
            CliRun.Result r = run("train", "--data", data.toString(), "--backend", backends[i], "--epochs", "2", "--seed", "3",
                    "--batch-size", "32", "--hidden", "32", "--dropout", "0.1", "--no-progress", "--metrics-out", m.toString());
            assertEquals(0, r.code(), r.err());
            JsonObject j = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
            assertEquals(backends[i], j.get("backend").getAsString());
            losses[i] = j.getAsJsonArray("train_loss");
        }
        assertEquals(losses[0].size(), losses[1].size());
        for (int e = 0; e < losses[0].size(); e++) {
            double ref = losses[0].get(e).getAsDouble(), emu = losses[1].get(e).getAsDouble();
            assertTrue(Math.abs(emu - ref) <= CudaTrainingTest.LOSS_TOL * Math.abs(ref),
                    "epoch " + (e + 1) + " train loss: cuda-emulated " + emu + " vs reference " + ref);
        }
    }
}
