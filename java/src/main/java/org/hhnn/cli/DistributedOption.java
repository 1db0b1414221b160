package org.hhnn.cli;

import org.hhnn.dist.Distributed;
import org.hhnn.dist.Mpi;
import picocli.CommandLine.Option;

/** --distributed, shared by the commands that run as one MPI job: train (data-parallel) and compare (runs spread). */
public final class DistributedOption {
    @Option(names = "--distributed", description = "run as one MPI job even when no launcher variable is seen (under mpirun or srun "
            + "this is automatic): train splits each batch over the ranks, compare spreads its runs over them and rank 0 gathers the results")
    boolean distributed;

    /** The MPI job, prepared for the backend flags, or null when there is none. */
    Mpi start(BackendOptions backend) {
        Mpi mpi = Distributed.start(distributed);   // null unless under mpirun/srun or --distributed
        if (mpi != null) Distributed.prepare(mpi, backend.backend, backend.threads);
        return mpi;
    }
}
