package org.hhnn.dist;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.hhnn.stats.Comparison;

/**
 * Independent runs spread over the ranks of an MPI job ({@code hhnn compare} under mpirun): run i goes to rank
 * i mod N, each rank runs its runs whole and one after another, and the results are gathered on rank 0 in run order.
 * A run that fails loses only itself: its error travels to rank 0 in its place, every rank learns of it, and the
 * comparison ends with one sentence naming the failed runs (the others' metrics files are kept, so the same command
 * again redoes only those).
 */
public final class RunSpread implements Comparison.Spread {
    private final Mpi mpi;

    public RunSpread(Mpi mpi) { this.mpi = mpi; }

    @Override public JsonObject[] run(int count, IntFunction<JsonObject> task) {
        JsonArray mine = new JsonArray();
        for (int i = mpi.rank(); i < count; i += mpi.size()) {
            JsonObject o = new JsonObject();
            o.addProperty("index", i);
            try {
                o.add("result", task.apply(i));
            } catch (RuntimeException e) {
                o.addProperty("error", e.getMessage() != null ? e.getMessage() : e.toString());
            }
            mine.add(o);
        }
        byte[][] all = mpi.gather(mine.toString().getBytes(StandardCharsets.UTF_8), 0);
        JsonObject[] results = new JsonObject[count];
        List<String> failed = new ArrayList<>();
        if (all != null)
            for (byte[] rank : all)
                for (JsonElement e : JsonParser.parseString(new String(rank, StandardCharsets.UTF_8)).getAsJsonArray()) {
                    JsonObject o = e.getAsJsonObject();
                    if (o.has("error")) failed.add("run " + (o.get("index").getAsInt() + 1) + " (" + o.get("error").getAsString() + ")");
                    else results[o.get("index").getAsInt()] = o.getAsJsonObject("result");
                }
        agree(mpi, failed.isEmpty() ? null : failed.size() + " of " + count + " runs failed: " + String.join("; ", failed)
                + "; the other runs' metrics are kept, so the same command again redoes only the failed ones");
        return mpi.isRoot() ? results : null;
    }

    @Override public void agree(Runnable check) {
        String verdict = null;
        if (mpi.isRoot()) {
            try {
                check.run();
            } catch (RuntimeException e) {
                verdict = e.getMessage() != null ? e.getMessage() : e.toString();
            }
        }
        agree(mpi, verdict);
    }

    /** Root's verdict (null = fine) on every rank, as one collective failure when there is one. */
    static void agree(Mpi mpi, String rootVerdict) {
        byte[] b = mpi.broadcast(mpi.isRoot() && rootVerdict != null ? rootVerdict.getBytes(StandardCharsets.UTF_8) : new byte[0], 0);
        if (b.length > 0) throw new DistributedException(new String(b, StandardCharsets.UTF_8), true);
    }

    /** Root's string on every rank. */
    public static String share(Mpi mpi, String rootValue) {
        return new String(mpi.broadcast(mpi.isRoot() ? rootValue.getBytes(StandardCharsets.UTF_8) : null, 0), StandardCharsets.UTF_8);
    }
}
