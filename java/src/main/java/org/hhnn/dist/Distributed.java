package org.hhnn.dist;

import com.google.gson.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.hhnn.backend.Backend;
import org.hhnn.backend.cpu.CpuBackend;
import org.hhnn.train.Trainer;
import org.hhnn.train.TrainingDivergedException;

/**
 * The few steps that turn a command into one rank of an MPI job, for {@code hhnn train} and {@code hhnn compare}:
 * start MPI (only under a launcher or when asked), give each rank its share of the cores (or its GPU), keep the
 * other ranks quiet so rank 0 alone prints, and end the job so that no rank is left waiting.
 */
public final class Distributed {
    private Distributed() {}

    /** MPI when this process was started by a launcher or {@code asked} (--distributed); else null, MPI untouched. */
    public static Mpi start(boolean asked) {
        if (!asked && !Mpi.launched()) return null;
        return Mpi.world();
    }

    /** Ranks of this job on this machine, from the launcher's environment (1 when it does not say). */
    static int localSize(Map<String, String> env) { return intVar(env, 1, "OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"); }

    static int localRank(Map<String, String> env) { return intVar(env, 0, "OMPI_COMM_WORLD_LOCAL_RANK", "PMIX_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"); }

    private static int intVar(Map<String, String> env, int fallback, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null) {
                try {
                    return Integer.parseInt(v.trim());
                } catch (NumberFormatException ignored) {
                    // a launcher variable in another format: try the next one
                }
            }
        }
        return fallback;
    }

    /**
     * Before the backend starts: a GPU per rank for {@code --backend cuda}; without --threads, the machine's cores
     * shared among the ranks on it; every rank but 0 prints nothing from here on (its errors still reach stderr
     * through {@link Mpi#err}). Returns the threads per rank, or 0 when not set here.
     */
    public static int prepare(Mpi mpi, String backend, Integer threads) {
        if (!mpi.isRoot()) quiet();
        Map<String, String> env = System.getenv();
        if ("cuda".equals(backend)) NcclReducer.pinDevice(localRank(env));
        if (threads != null || !CpuBackend.isAvailable()) return 0;
        int n = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, localSize(env)));
        CpuBackend.setThreads(n);
        return n;
    }

    private static void quiet() {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(none);
        System.setErr(none);
    }

    /**
     * Makes a trainer data-parallel: checks the batch and that every rank has the same configuration, installs the
     * hooks, and prints one INFO line on rank 0.
     */
    public static DataParallel attach(Mpi mpi, Trainer trainer, Backend backend, JsonObject data) {
        DataParallel dp = new DataParallel(mpi, backend);
        dp.checkBatchSize(trainer.config().batchSize);
        JsonObject d = new JsonObject();
        d.add("model", trainer.network().config);
        d.add("train", trainer.config().toJson());
        d.add("data", data);
        d.addProperty("backend", backend.name());
        d.addProperty("start_epoch", trainer.startEpoch());
        d.addProperty("step", trainer.optimizer().stepCount());
        dp.checkSameConfiguration(d, trainer.network().body.namedState());
        if (nonZero(trainer.network().config, "hebbian_rate"))
            throw new DistributedException("Hebbian plasticity (hebbian_rate) changes the conductances from each rank's own samples, "
                    + "which data-parallel training cannot keep in step: train this model in one process", true);
        trainer.setParallel(dp);
        long params = trainer.network().body.parameterCount();
        System.err.printf("INFO data-parallel over %d ranks (%s): each takes %d of every %d samples; gradients (%,d floats, %.1f MB) summed by %s once per step%n",
                mpi.size(), mpi.version(), trainer.config().batchSize / mpi.size(), trainer.config().batchSize, params, params * 4 / 1e6, dp.reducerName());
        java.nio.file.Path ck = trainer.config().checkpointDir;
        mpi.whenStopped(() -> "the MPI job was stopped by its launcher (another rank died or failed, or the job was interrupted)"
                + (ck != null && java.nio.file.Files.exists(ck.resolve(org.hhnn.train.Checkpoint.LATEST_FILE)) ? "; the last checkpoint in " + ck + " is kept" : ""));
        return dp;
    }

    private static boolean nonZero(com.google.gson.JsonElement e, String key) {
        if (e.isJsonArray()) for (com.google.gson.JsonElement x : e.getAsJsonArray()) if (nonZero(x, key)) return true;
        if (!e.isJsonObject()) return false;
        for (Map.Entry<String, com.google.gson.JsonElement> x : e.getAsJsonObject().entrySet())
            if (x.getKey().equals(key) ? x.getValue().isJsonPrimitive() && x.getValue().getAsDouble() != 0 : nonZero(x.getValue(), key)) return true;
        return false;
    }

    /** Whether every rank met this failure together (so rank 0 alone reports it and MPI ends normally). */
    public static boolean collective(Throwable e) {
        return e instanceof DistributedException d && d.collective()
                || e instanceof TrainingDivergedException && Mpi.current() != null;   // the summed loss is the same on every rank
    }

    /** Whether this process should print a failure: always, except on ranks other than 0 for a collective one. */
    public static boolean reports(Throwable e) {
        Mpi mpi = Mpi.current();
        return mpi == null || mpi.isRoot() || !collective(e);
    }

    /**
     * Ends MPI, if it was started: normally when the command succeeded or failed on every rank together; otherwise
     * aborts the job, so the launcher stops the other ranks rather than leaving them in a collective.
     */
    public static void end(int exitCode, Throwable failure) {
        Mpi mpi = Mpi.current();
        if (mpi == null) return;
        if (exitCode == 0 || collective(failure)) mpi.finish();
        else mpi.abort(exitCode);
    }
}
