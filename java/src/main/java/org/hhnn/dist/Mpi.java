package org.hhnn.dist;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Map;
import org.hhnn.backend.cpu.NativeLoader;

/**
 * The MPI world of this process, over the JNI binding in libhhnn_mpi.so. MPI is loaded only when the process was
 * started by a launcher ({@link #launched}: mpirun, srun --mpi=pmix, mpiexec.hydra) or when asked for
 * ({@code --distributed}); a plain {@code hhnn train} never touches it. All calls are synchronised, so one thread
 * at a time talks to MPI (initialised with MPI_THREAD_SERIALIZED).
 *
 * <p>Ending: {@link #finish} after a run that every rank completed (or a failure every rank detected together);
 * {@link #abort} when only this rank failed, so the launcher stops the others instead of leaving them waiting in
 * a collective. When the launcher stops this process (another rank died), a shutdown hook prints one sentence on
 * rank 0.
 */
public final class Mpi {
    /** Environment variables a launcher sets in each rank: Open MPI's mpirun, PMIx (srun --mpi=pmix, Open MPI 5), Hydra. */
    static final String[] LAUNCHER_VARIABLES = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"};
    private static final String LIB = "hhnn_mpi-" + NativeLoader.VERSION;   // versioned like libhhnn

    private static Mpi world;           // null until init
    private static String loadFailure;  // why the library did not load, once tried
    private static boolean loaded;

    private final int rank, size;
    private final String version;
    private final PrintStream err = System.err;   // kept: non-root ranks silence System.err while training
    private volatile boolean ended;
    private volatile java.util.function.Supplier<String> stoppedMessage =
            () -> "the MPI job was stopped by its launcher (another rank died or failed, or the job was interrupted)";

    private Mpi(int rank, int size, String version) {
        this.rank = rank;
        this.size = size;
        this.version = version;
    }

    /** Whether a launcher started this process (one of {@link #LAUNCHER_VARIABLES} is set). */
    public static boolean launched() { return launched(System.getenv()); }

    static boolean launched(Map<String, String> env) {
        for (String v : LAUNCHER_VARIABLES) if (env.get(v) != null) return true;
        return false;
    }

    /** Null when libhhnn_mpi.so loads (MPI is installed and was built in), else one sentence saying why not. */
    public static synchronized String unavailableReason() {
        if (loaded) return null;
        if (loadFailure != null) return loadFailure;
        String resource = NativeLoader.resourcePath(LIB);
        if (Mpi.class.getResource(resource) == null) {
            loadFailure = "hhnn was built without MPI (mpi.h was not found at build time; install openmpi-bin and libopenmpi-dev, then ./hhnn build)";
            return loadFailure;
        }
        NativeLoader.Result r = NativeLoader.attempt(null, resource, null);
        if (r.ok()) {
            loaded = true;
            return null;
        }
        Throwable cause = r.error.getSuppressed().length > 0 ? r.error.getSuppressed()[0] : r.error;
        loadFailure = System.mapLibraryName(LIB) + " did not load (" + firstLine(cause.getMessage()) + "); install openmpi-bin";
        return loadFailure;
    }

    private static String firstLine(String s) {
        String m = String.valueOf(s).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * For {@code hhnn info}: whether MPI can be used ({@code available}), the MPI library ({@code library}) or why not
     * ({@code cause}), and whether this process was started by a launcher ({@code launched}). Loads libhhnn_mpi.so
     * but does not start MPI.
     */
    public static com.google.gson.JsonObject describe() {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        String why = unavailableReason();
        o.addProperty("available", why == null);
        if (why != null) o.addProperty("cause", why);
        else o.addProperty("library", MpiNative.libraryVersion());   // MPI allows this one call before MPI_Init
        o.addProperty("launched", launched());
        return o;
    }

    /** The world, initialised on first use; throws {@link DistributedException} when MPI cannot start. */
    public static synchronized Mpi world() {
        if (world != null) return world;
        String why = unavailableReason();
        if (why != null) throw new DistributedException("distributed training needs MPI, but " + why, false);
        String failed = MpiNative.init();
        if (failed != null) throw new DistributedException("MPI could not start: " + failed, false);
        world = new Mpi(MpiNative.rank(), MpiNative.size(), MpiNative.libraryVersion());
        Runtime.getRuntime().addShutdownHook(new Thread(world::onShutdown, "hhnn-mpi-shutdown"));
        return world;
    }

    /** The world when MPI was started in this process, else null (never starts it). */
    public static synchronized Mpi current() { return world; }

    public int rank() { return rank; }
    public int size() { return size; }
    public boolean isRoot() { return rank == 0; }
    public String version() { return version; }

    /** Sums the first count floats of a direct, native-order buffer over all ranks, in place, in one MPI_Allreduce. */
    public synchronized void allReduceSum(ByteBuffer buf, long count) {
        if (!buf.isDirect()) throw new IllegalArgumentException("MPI all-reduce needs a direct buffer");
        MpiNative.allReduceSum(buf, count);
    }

    /** Every rank's value, in rank order. */
    public synchronized long[] allGather(long v) { return MpiNative.allGatherLong(v); }

    /** Root's bytes, on every rank. */
    public synchronized byte[] broadcast(byte[] data, int root) { return MpiNative.broadcast(data == null ? new byte[0] : data, root); }

    /** Every rank's bytes in rank order on root; null on the other ranks. */
    public synchronized byte[][] gather(byte[] data, int root) { return MpiNative.gather(data, root); }

    public synchronized void barrier() { MpiNative.barrier(); }

    /** What rank 0 says if the launcher stops the job from now on (e.g. naming the checkpoint that survives). */
    public void whenStopped(java.util.function.Supplier<String> sentence) { stoppedMessage = sentence; }

    /** Orderly end: every rank calls it (MPI_Finalize waits for the others). */
    public synchronized void finish() {
        if (ended) return;
        ended = true;
        MpiNative.finish();
    }

    /** Ends the whole job from this rank alone: the launcher stops every other rank. */
    public synchronized void abort(int code) {
        ended = true;
        err.flush();
        MpiNative.abort(code);
    }

    // The launcher stops the surviving ranks with SIGTERM when one dies; the JVM then runs this hook (the main thread
    // may be blocked inside MPI, so MPI is not called here).
    private void onShutdown() {
        if (ended || rank != 0) return;
        err.println("hhnn: " + stoppedMessage.get());
        err.flush();
    }

    /** The stream this rank's errors go to, even while its System.err is silenced. */
    public PrintStream err() { return err; }
}
