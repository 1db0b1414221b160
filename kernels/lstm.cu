// kernels/lstm.cu — the pointwise part of one LSTM step on the GPU, forward and backward, for the vanilla, modulated and
// Control 3 cells (org.hhnn.backend.LstmCell), with a per-row mask for variable-length sequences.
// Math: kernels/lstm.cuh; contract: Backend.lstmCellForward / lstmCellBackward javadoc. Twins: native/cpu_lstm.cpp,
// org.hhnn.backend.ReferenceModulated, CheckedBackend (validation), CudaBackend (launches).
// Tested by: CudaModulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
//
// Barrier-free, one thread per (row b, node j) of the (B, H) state; the thread reads its node's G preactivations from
// the row's gate blocks (consecutive threads, consecutive j: coalesced in each block). Nothing is summed.
#include "emu_shim.h"
#include "lstm.cuh"

// ---- kernels ------------------------------------------------------------------------------------------------------

// c, h (B, H) from gates (B, G·H) and cPrev, hPrev (B, H); mask (B) or null: mask[b] == 0 keeps row b's state.
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_lstm_cell_forward_f32(int cell, int mod, const float* gates, const float* cPrev, const float* hPrev,
                           const float* mask, float* c, float* h, int batch, int hidden) {
    const long G = cell == HHNN_LSTM_VANILLA ? 4 : 5;
    HHNN_GRID_STRIDE(e, (long)batch * hidden) {
        long b = e / hidden, j = e - b * hidden;
        if (mask != nullptr && mask[b] == 0.f) {
            c[e] = cPrev[e];
            h[e] = hPrev[e];
            continue;
        }
        const float* a = gates + b * G * hidden + j;
        hhnn_lstm_forward(cell, mod, a[0], a[hidden], a[2 * hidden], a[3 * hidden], G == 5 ? a[4 * hidden] : 0.f,
                          cPrev[e], &c[e], &h[e]);
    }
}
HHNN_REGISTER(hhnn_lstm_cell_forward_f32)

// dGates (B, G·H), dcPrev, dhPrev (B, H) from dc, dh (B, H; each may be null = 0). Masked rows: no gate gradient,
// dc and dh pass to the previous step; valid rows: dhPrev = 0 (the recurrent gemm's part is the caller's).
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_lstm_cell_backward_f32(int cell, int mod, const float* gates, const float* cPrev, const float* mask,
                            const float* dc, const float* dh, float* dGates, float* dcPrev, float* dhPrev, int batch,
                            int hidden) {
    const long G = cell == HHNN_LSTM_VANILLA ? 4 : 5;
    HHNN_GRID_STRIDE(e, (long)batch * hidden) {
        long b = e / hidden, j = e - b * hidden;
        float dcv = dc != nullptr ? dc[e] : 0.f, dhv = dh != nullptr ? dh[e] : 0.f;
        float* da = dGates + b * G * hidden + j;
        if (mask != nullptr && mask[b] == 0.f) {
            for (int k = 0; k < G; k++) da[k * hidden] = 0.f;
            dcPrev[e] = dcv;
            dhPrev[e] = dhv;
            continue;
        }
        const float* a = gates + b * G * hidden + j;
        float dai, daf, dag, dao, dax, dcp;
        hhnn_lstm_backward(cell, mod, a[0], a[hidden], a[2 * hidden], a[3 * hidden], G == 5 ? a[4 * hidden] : 0.f,
                           cPrev[e], dcv, dhv, &dai, &daf, &dag, &dao, &dax, &dcp);
        da[0] = dai;
        da[hidden] = daf;
        da[2 * hidden] = dag;
        da[3 * hidden] = dao;
        if (G == 5) da[4 * hidden] = dax;
        dcPrev[e] = dcp;
        dhPrev[e] = 0.f;
    }
}
HHNN_REGISTER(hhnn_lstm_cell_backward_f32)
