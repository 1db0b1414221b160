// kernels/optim.cu — fused optimizer steps of the cuda backend: SGD (momentum, Nesterov, L2 decay), Adam / AdamW.
// Semantics: Backend.sgdUpdate / adamUpdate javadoc (PyTorch's); ReferenceBackend the spec.
// Twins: native/cpu_optim.cpp (same order of operations, in double), ReferenceBackend, CudaBackend (the launches).
// Tested by: CudaEmulatedParityTest (mvn -B -o test -pl java -Dtest='Cuda*' -Dsurefire.failIfNoSpecifiedTests=false).
// One thread per parameter, grid-stride; each element in double, only stored values rounded to float.
#include "emu_shim.h"

// g' = g + wd p; with momentum: v = mom v + g', step = nesterov ? g' + mom v : v; p -= lr step.
// param, grad (n); velocity (n), never read when momentum == 0 (may then be any pointer, even null)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_sgd_f32(float* param, const float* grad, float* velocity, long n, float lr, float momentum, float weightDecay,
             int nesterov) {
    double mom = momentum, wd = weightDecay;
    HHNN_GRID_STRIDE(i, n) {
        double g = grad[i] + wd * param[i];
        double step = g;
        if (momentum != 0.f) {
            float v = (float)(mom * velocity[i] + g);
            velocity[i] = v;
            step = nesterov ? g + mom * v : v;
        }
        param[i] = (float)(param[i] - (double)lr * step);
    }
}
HHNN_REGISTER(hhnn_sgd_f32)

// Adam (decoupled = 0: g += wd p) or AdamW (decoupled = 1: p -= lr wd p first); bc1 = 1 - beta1^step,
// bc2 = 1 - beta2^step computed once by the caller (step is 1-based).   param, grad, m, v (n)
extern "C" __global__ void __launch_bounds__(HHNN_BLOCK)
hhnn_adam_f32(float* param, const float* grad, float* m, float* v, long n, float lr, float beta1, float beta2, float eps,
              float weightDecay, int decoupled, double bc1, double bc2) {
    double b1 = beta1, b2 = beta2, wd = weightDecay, l = lr;
    HHNN_GRID_STRIDE(i, n) {
        double p = param[i], g = grad[i];
        if (decoupled) p = p - l * wd * p;
        else g = g + wd * p;
        float mi = (float)(b1 * m[i] + (1 - b1) * g);
        float vi = (float)(b2 * v[i] + (1 - b2) * g * g);
        m[i] = mi;
        v[i] = vi;
        double mh = mi / bc1, vh = vi / bc2;
        param[i] = (float)(p - l * mh / (sqrt(vh) + (double)eps));
    }
}
HHNN_REGISTER(hhnn_adam_f32)
