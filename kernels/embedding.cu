// kernels/embedding.cu — embedding lookup and its scatter-add gradient on the GPU.
// Contract: Backend.embeddingForward / embeddingBackward javadoc. Twins: native/cpu_embedding.cpp,
// org.hhnn.backend.ReferenceModulated, CheckedBackend (validation), CudaBackend (the ids' grouping on the host, launches).
// Tested by: CudaModulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free and without atomics: the backward gets the ids grouped on the host (CudaBackend: a stable counting
// sort into distinct ids, their position ranges and the positions), so one thread per (distinct id, column) sums its
// positions' gradients in order, in double: deterministic, and the same bits on the GPU and the emulator.
#include "emu_shim.h"

// ---- kernels ------------------------------------------------------------------------------------------------------

// out[i, d] = table[ids[i], d].   table (vocab, dim); ids (n) ints in [0, vocab) (checked by the caller); out (n, dim)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_embedding_forward_f32(const float* table, const int* ids, float* out, int n, int dim) {
    HHNN_GRID_STRIDE(e, (long)n * dim) {
        long i = e / dim;
        out[e] = table[(long)ids[i] * dim + (e - i * dim)];
    }
}
HHNN_REGISTER(hhnn_embedding_forward_f32)

// dTable[uniq[k], d] += Σ_{q = start[k] .. start[k+1]-1} dOut[pos[q], d] in order, in double. One thread per (k, d).
// uniq (nu) distinct ids; start (nu + 1); pos (n); dOut (n, dim); dTable (vocab, dim), accumulated
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_embedding_backward_f32(const int* uniq, const int* start, const int* pos, const float* dOut, float* dTable, int nu,
                            int dim) {
    HHNN_GRID_STRIDE(t, (long)nu * dim) {
        long k = t / dim, d = t - k * dim;
        double acc = 0.0;
        for (int q = start[k]; q < start[k + 1]; q++) acc += (double)dOut[(long)pos[q] * dim + d];
        float* dt = dTable + (long)uniq[k] * dim + d;
        *dt = (float)(*dt + acc);
    }
}
HHNN_REGISTER(hhnn_embedding_backward_f32)
