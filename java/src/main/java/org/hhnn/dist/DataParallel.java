package org.hhnn.dist;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.data.Batcher;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.Trainer;

/**
 * Data-parallel training over the MPI world: every rank builds the same model from the same seed, takes rows
 * [size·r/N, size·(r+1)/N) of each global batch (in the single-process order), and the gradients, each weighted by
 * its rank's share of the batch, are summed over the ranks in one collective per step, so every rank takes the
 * step one process takes on the whole batch. Rank 0 alone logs, validates and writes checkpoints.
 */
public final class DataParallel implements Trainer.Parallel {
    private final Mpi mpi;
    private final GradientReducer reducer;
    private long steps;

    public DataParallel(Mpi mpi, Backend backend) {
        this.mpi = mpi;
        this.reducer = NcclReducer.wanted(backend) ? NcclReducer.open(mpi, backend) : new HostReducer(mpi);
    }

    public Mpi mpi() { return mpi; }
    public String reducerName() { return reducer instanceof NcclReducer ? "NCCL all-reduce on the device" : "MPI_Allreduce in host memory"; }

    /** The rows of a batch of {@code size} that rank r of n holds: [lo, hi). */
    static int[] rows(int size, int rank, int ranks) {
        return new int[] {(int) ((long) size * rank / ranks), (int) ((long) size * (rank + 1) / ranks)};
    }

    @Override public Shard shard(Batcher.Batch global) {
        int[] r = rows(global.size(), mpi.rank(), mpi.size());
        int f = global.size() == 0 ? 0 : global.x().length / global.size();
        Batcher.Batch b = new Batcher.Batch(Arrays.copyOfRange(global.x(), r[0] * f, r[1] * f),
                Arrays.copyOfRange(global.y(), r[0], r[1]), r[1] - r[0]);
        return new Shard(b, r[0]);
    }

    @Override public float reduce(List<Tensor> params, float localLoss, int localSize, int globalSize) {
        steps++;
        return reducer.reduce(params, (float) localSize / globalSize, localLoss);
    }

    @Override public boolean isRoot() { return mpi.isRoot(); }

    @Override public JsonObject metrics() {
        JsonObject o = new JsonObject();
        o.addProperty("ranks", mpi.size());
        o.addProperty("reducer", reducerName());
        o.addProperty("allreduce_seconds_per_step", collectiveSecondsPerStep());
        o.addProperty("allreduce_bytes_per_step", bytesPerStep());
        return o;
    }

    /** Mean seconds per step spent in the all-reduce. */
    public double collectiveSecondsPerStep() { return steps == 0 ? 0 : reducer.collectiveSeconds() / steps; }

    /** Bytes each rank sends into the all-reduce per step (gradients + the loss). */
    public long bytesPerStep() { return reducer.floatsPerStep() * 4; }

    /** Refuses a global batch the ranks cannot share evenly (every rank computes the same verdict). */
    public void checkBatchSize(int batchSize) {
        if (batchSize % mpi.size() != 0)
            throw new DistributedException("the global batch of " + batchSize + " samples does not divide evenly over " + mpi.size()
                    + " ranks: give a --batch-size that is a multiple of " + mpi.size(), true);
    }

    /**
     * Checks that every rank was started with the same configuration: a hash of the description (model and training
     * configuration, data sizes, backend, where training starts) and of the initial weights is exchanged; on a
     * mismatch, every rank throws and rank 0's sentence names the first rank and setting that differ.
     */
    public void checkSameConfiguration(JsonObject description, Map<String, Tensor> weights) {
        JsonObject d = description.deepCopy();
        d.addProperty("weights_sha256", weightsDigest(weights));
        byte[] text = d.toString().getBytes(StandardCharsets.UTF_8);
        long mine = hash(text);
        long[] all = mpi.allGather(mine);
        int odd = -1;
        for (int r = 0; r < all.length && odd < 0; r++) if (all[r] != all[0]) odd = r;
        if (odd < 0) return;
        byte[][] texts = mpi.gather(text, 0);   // collective: every rank takes part
        String what = "";
        if (texts != null) {
            JsonObject root = com.google.gson.JsonParser.parseString(new String(texts[0], StandardCharsets.UTF_8)).getAsJsonObject();
            JsonObject other = com.google.gson.JsonParser.parseString(new String(texts[odd], StandardCharsets.UTF_8)).getAsJsonObject();
            what = ": " + firstDifference("", root, other);
        }
        throw new DistributedException("rank " + odd + " was started with a different configuration than rank 0" + what
                + "; every rank must run the same command on the same data", true);
    }

    static String firstDifference(String prefix, JsonObject a, JsonObject b) {
        for (Map.Entry<String, JsonElement> e : a.entrySet()) {
            JsonElement o = b.get(e.getKey());
            if (e.getValue().equals(o)) continue;
            if (o != null && e.getValue().isJsonObject() && o.isJsonObject())
                return firstDifference(prefix + e.getKey() + ".", e.getValue().getAsJsonObject(), o.getAsJsonObject());
            return prefix + e.getKey() + " is " + o + " there and " + e.getValue() + " on rank 0";
        }
        for (String k : b.keySet()) if (!a.has(k)) return prefix + k + " is set there and not on rank 0";
        return "the same settings, different bytes";
    }

    private static String weightsDigest(Map<String, Tensor> weights) {
        MessageDigest md = sha256();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            float[] v = e.getValue().toArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            md.update(b);
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    static long hash(byte[] data) {
        byte[] h = sha256().digest(data);
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (h[i] & 0xFF);
        return v;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
