// kernels/optim.cu — fused optimizer steps of the cuda backend: SGD (momentum, Nesterov, L2 decay), Adam / AdamW.
// Math: kernels/optim.cuh (shared with native/cpu_optim.cpp); semantics: Backend.sgdUpdate / adamUpdate javadoc
// (PyTorch's). Twins: native/cpu_optim.cpp, ReferenceBackend, CudaBackend (the launches).
// Tested by: CudaEmulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
// One thread per parameter, grid-stride.
#include "emu_shim.h"
#include "optim.cuh"

// param, grad (n); velocity (n), never read when momentum == 0 (may then be any pointer, even null)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_sgd_f32(float* param, const float* grad, float* velocity, long n, float lr, float momentum, float weightDecay,
             int nesterov) {
    HHNN_GRID_STRIDE(i, n) hhnn_sgd_step(i, param, grad, velocity, lr, momentum, weightDecay, momentum != 0.f, nesterov);
}
HHNN_REGISTER(hhnn_sgd_f32)

// Adam (decoupled = 0) or AdamW (decoupled = 1); bc1 = 1 - beta1^step, bc2 = 1 - beta2^step computed once by the
// caller (step is 1-based).   param, grad, m, v (n)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_adam_f32(float* param, const float* grad, float* m, float* v, long n, float lr, float beta1, float beta2, float eps,
              float weightDecay, int decoupled, double bc1, double bc2) {
    HHNN_GRID_STRIDE(i, n)
        hhnn_adam_step(i, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled != 0, bc1, bc2);
}
HHNN_REGISTER(hhnn_adam_f32)
