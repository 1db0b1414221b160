package org.hhnn.dist;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Independent runs spread over the ranks of an MPI job ({@code hhnn compare} under mpirun): run i goes to rank
 * i mod N, each rank runs its runs whole and one after another, and the results are gathered on rank 0 in run order.
 * A run that fails loses only itself: its error travels to rank 0 in its place, and every rank learns of it.
 */
public final class RunSpread {
    private RunSpread() {}

    /** One run's outcome: its result, or the one-sentence error that ended it. */
    public record Outcome(JsonObject result, String error) {}

    /**
     * Runs the tasks owned by this rank and returns all outcomes in task order: on rank 0 every result and error, on
     * the other ranks the errors only (null elsewhere).
     */
    public static List<Outcome> run(Mpi mpi, int count, IntFunction<JsonObject> task) {
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
        Outcome[] out = new Outcome[count];
        JsonArray errors = new JsonArray();
        if (all != null) {
            for (byte[] rank : all)
                for (JsonElement e : JsonParser.parseString(new String(rank, StandardCharsets.UTF_8)).getAsJsonArray()) {
                    JsonObject o = e.getAsJsonObject();
                    int i = o.get("index").getAsInt();
                    JsonObject result = o.has("result") && o.get("result").isJsonObject() ? o.getAsJsonObject("result") : null;
                    String error = o.has("error") ? o.get("error").getAsString() : null;
                    out[i] = new Outcome(result, error);
                    if (error != null) errors.add(o);
                }
        }
        // Every rank learns which runs failed, so all of them end the same way.
        JsonArray failed = JsonParser.parseString(new String(mpi.broadcast(errors.toString().getBytes(StandardCharsets.UTF_8), 0),
                StandardCharsets.UTF_8)).getAsJsonArray();
        for (JsonElement e : failed) {
            JsonObject o = e.getAsJsonObject();
            int i = o.get("index").getAsInt();
            if (out[i] == null) out[i] = new Outcome(null, o.get("error").getAsString());
        }
        return new ArrayList<>(java.util.Arrays.asList(out));
    }

    /** Root's answer to a question only root can settle (null = fine), as one collective failure on every rank. */
    public static void agree(Mpi mpi, String rootVerdict) {
        byte[] b = mpi.broadcast(mpi.isRoot() && rootVerdict != null ? rootVerdict.getBytes(StandardCharsets.UTF_8) : new byte[0], 0);
        if (b.length > 0) throw new DistributedException(new String(b, StandardCharsets.UTF_8), true);
    }

    /** Root's string on every rank. */
    public static String share(Mpi mpi, String rootValue) {
        return new String(mpi.broadcast(mpi.isRoot() ? rootValue.getBytes(StandardCharsets.UTF_8) : null, 0), StandardCharsets.UTF_8);
    }
}
