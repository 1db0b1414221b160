package org.hhnn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hhnn.NativeRequired;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.workload.FamilySteps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end on cuda-emulated and on JCudaDevice (the real GPU where one works, else the host CUDA driver: each test
 * runs once per target, named by it): a few training steps of each model family ({@link FamilySteps}: mlp with Adam
 * and SGD, a small HHNN with conductance gradients, cnn-mod, densenet-mod, lstm-mod) through Trainer.step, against the
 * same steps on the reference backend from the same seed. Every primitive agrees to ~1e-6 relative, and a few steps of
 * training carry that over to the losses: measured differences are below 1e-6 relative over 10 steps; the bound
 * {@link #LOSS_TOL} = 1e-5 is DESIGN.md's parity tolerance.
 */
class CudaTrainingTest {

    static final double LOSS_TOL = 1e-5;
    private static final int STEPS = 10;

    @ParameterizedTest(name = "{0}") @ValueSource(strings = {"cuda-emulated", "gpu"})
    void mlpTrainingStepsMatchTheReference(String target) {
        CudaBackend cuda = cuda(target);
        long seed = org.hhnn.TestSeeds.fresh();
        for (String optimizer : new String[] {"adam", "sgd"})
            compare(cuda, FamilySteps.mlp(seed, optimizer, STEPS), seed, true);
    }

    /** The other families, each on each target: one optimizer (their own), no learning asserted in so few steps. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"cuda-emulated, hhnn", "gpu, hhnn", "cuda-emulated, cnn-mod", "gpu, cnn-mod",
                "cuda-emulated, densenet-mod", "gpu, densenet-mod", "cuda-emulated, lstm-mod", "gpu, lstm-mod"})
    void familyTrainingStepsMatchTheReference(String target, String family) {
        CudaBackend cuda = cuda(target);
        long seed = org.hhnn.TestSeeds.fresh();
        FamilySteps.Family f = switch (family) {
            case "hhnn" -> FamilySteps.hhnn(seed);
            case "cnn-mod" -> FamilySteps.cnnMod(seed);
            case "densenet-mod" -> FamilySteps.densenetMod(seed);
            case "lstm-mod" -> FamilySteps.lstmMod(seed);
            default -> throw new IllegalArgumentException("no family " + family);
        };
        compare(cuda, f, seed, false);
    }

    /** cuda-emulated, or "gpu": JCudaDevice on the real GPU, else over the host driver (never skipped for want of a GPU). */
    private static CudaBackend cuda(String target) {
        if (target.equals("gpu")) return CudaTarget.gpuOrHostDriver();
        NativeRequired.cudaEmulated();
        return CudaBackend.emulated();
    }

    private static void compare(CudaBackend cuda, FamilySteps.Family f, long seed, boolean mustLearn) {
        String what = cuda.name() + " " + f.name() + " " + f.optimizer();
        List<Float> ref = f.losses(ReferenceBackend.get(), seed), got = f.losses(cuda, seed);
        assertEquals(ref.size(), got.size());
        for (int s = 0; s < ref.size(); s++)
            assertTrue(Math.abs(got.get(s) - ref.get(s)) <= LOSS_TOL * Math.abs(ref.get(s)),
                    what + " step " + (s + 1) + " [seed " + seed + "L]: cuda loss " + got.get(s)
                            + " vs reference " + ref.get(s) + "\n  reference " + ref + "\n  cuda      " + got);
        if (mustLearn) assertTrue(ref.get(ref.size() - 1) < ref.get(0), what + " learns: " + ref);
    }
}
