package org.hhnn.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Arrays;
import java.util.Map;
import org.hhnn.backend.DropoutRng;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.nn.Dropout;
import org.hhnn.nn.SeedStream;
import org.hhnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The single-process pieces of data-parallel training: how a batch is cut into shards, how a mismatch is named,
 * launcher detection, and dropout keyed by the global sample index. (The 2-rank runs are in
 * {@code cli/DistributedTrainTest}.)
 */
class DataParallelTest {
    @Test void shardsCoverTheBatchInOrderWithoutOverlap() {
        for (int size : new int[] {1, 7, 16, 63, 64})
            for (int ranks : new int[] {1, 2, 3, 4, 8}) {
                int next = 0;
                for (int r = 0; r < ranks; r++) {
                    int[] rows = DataParallel.rows(size, r, ranks);
                    assertEquals(next, rows[0], size + " over " + ranks);
                    assertTrue(rows[1] - rows[0] == size / ranks || rows[1] - rows[0] == size / ranks + 1, size + " over " + ranks);
                    next = rows[1];
                }
                assertEquals(size, next);
            }
    }

    @Test void aMismatchIsNamedByItsSetting() {
        JsonObject a = JsonParser.parseString("{\"model\":{\"hidden\":[256]},\"train\":{\"lr\":0.001,\"seed\":1}}").getAsJsonObject();
        JsonObject b = JsonParser.parseString("{\"model\":{\"hidden\":[256]},\"train\":{\"lr\":0.002,\"seed\":1}}").getAsJsonObject();
        assertEquals("train.lr is 0.002 there and 0.001 on rank 0", DataParallel.firstDifference("", a, b));
        JsonObject c = a.deepCopy();
        c.getAsJsonObject("train").addProperty("extra", 1);
        assertEquals("train.extra is set there and not on rank 0", DataParallel.firstDifference("", a, c));
        assertFalse(DataParallel.hash(a.toString().getBytes()) == DataParallel.hash(b.toString().getBytes()));
    }

    @Test void launcherVariablesAreRecognised() {
        assertFalse(Mpi.launched(Map.of("PATH", "/bin")));
        assertTrue(Mpi.launched(Map.of("OMPI_COMM_WORLD_SIZE", "2")));
        assertTrue(Mpi.launched(Map.of("PMIX_RANK", "0")));
        assertEquals(4, Distributed.localSize(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "4")));
        assertEquals(1, Distributed.localSize(Map.of()));
        assertEquals(3, Distributed.localRank(Map.of("SLURM_LOCALID", "3")));
    }

    @Test void shiftedDropoutStreamsAreTheWholeStream() {
        for (long seed : new long[] {0, 1, -7, 0x123456789L})
            for (long off : new long[] {0, 1, 784, 1L << 33})
                for (long i : new long[] {0, 5, 1000})
                    assertEquals(DropoutRng.uniform(seed, off + i), DropoutRng.uniform(DropoutRng.at(seed, off), i));
    }

    /** Two ranks, each dropping out its half of a batch with its sample offset, give one process's masks. */
    @Test void dropoutOfTwoHalvesIsDropoutOfTheWholeBatch() {
        ReferenceBackend be = ReferenceBackend.get();
        int rows = 8, cols = 10;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        float[] whole = dropout(be, x, rows, cols, 0);
        float[] lo = dropout(be, Arrays.copyOfRange(x, 0, 4 * cols), 4, cols, 0);
        float[] hi = dropout(be, Arrays.copyOfRange(x, 4 * cols, 8 * cols), 4, cols, 4);
        assertArrayEquals(Arrays.copyOfRange(whole, 0, 4 * cols), lo);
        assertArrayEquals(Arrays.copyOfRange(whole, 4 * cols, 8 * cols), hi);
        float[] unshifted = dropout(be, Arrays.copyOfRange(x, 4 * cols, 8 * cols), 4, cols, 0);
        assertFalse(Arrays.equals(hi, unshifted), "without the offset the second half would reuse the first half's mask");
    }

    private static float[] dropout(ReferenceBackend be, float[] x, int rows, int cols, int sampleOffset) {
        SeedStream seeds = new SeedStream(42);
        seeds.setSampleOffset(sampleOffset);
        Dropout d = new Dropout(0.5f, seeds);
        d.train(true);
        return d.forward(Tensor.of(be, x, rows, cols)).toArray();
    }
}
