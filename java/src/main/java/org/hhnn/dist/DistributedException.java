package org.hhnn.dist;

/**
 * A failure of a distributed run, one sentence. {@code collective} is true when every rank detected it together
 * (a mismatch found by a collective check): rank 0 prints it and all ranks end MPI normally. Otherwise only this
 * rank knows, and the job is aborted so no other rank waits forever.
 */
public final class DistributedException extends RuntimeException {
    private final boolean collective;

    public DistributedException(String message, boolean collective) {
        super(message);
        this.collective = collective;
    }

    public boolean collective() { return collective; }
}
