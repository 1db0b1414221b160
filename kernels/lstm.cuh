// kernels/lstm.cuh — the pointwise part of one LSTM step, forward and backward, per (row b, node j), float32, for the
// three cells of org.hhnn.backend.LstmCell (DESIGN.md § "Modulated activations: the exact models"; paper §2, Fig. 3, 6):
//   i = σ(a_i), f = σ(a_f), o = σ(a_o);   VANILLA   c̃ = tanh(a_g)
//                                          MODULATED c̃ = tanh(σ_m(a_x)·a_g)   (a_x: the modulation gate m)
//                                          CONTROL3  c̃ = σ(a_x)·tanh(a_g)     (a_x: the second input gate i2)
//   c = f·c_prev + i·c̃,   h = o·tanh(c).
// Included by: kernels/lstm.cu (GPU + emulator), native/cpu_lstm.cpp. Java twin: ReferenceModulated.lstmCell*.
// Tested by: ModulatedParityTest, CudaModulatedParityTest, ModulatedGradCheckTest (the equations).
#pragma once
#include "activations.cuh"

#define HHNN_LSTM_VANILLA   0
#define HHNN_LSTM_MODULATED 1
#define HHNN_LSTM_CONTROL3  2

// σ, tanh and σ_m of the cell: hhnn_vsigmoid / hhnn_vtanh, which vectorise in native/cpu_lstm.cpp's FMA-cloned loops
// (glibc's scalar tanhf and expf were half of a Simple-LSTM training step); the other modulators as hhnn_unary.
HHNN_HD inline float hhnn_lstm_mod(int mod, float x) {
    return mod == HHNN_UNARY_SIGMOID ? hhnn_vsigmoid(x) : mod == HHNN_UNARY_TANH ? hhnn_vtanh(x) : hhnn_unary(mod, x);
}

// The candidate c̃ from a_g and a_x; also returns tg = the tanh inside it and sx = the factor a_x contributes
// (σ_m(a_x) for MODULATED, σ(a_x) for CONTROL3, 1 for VANILLA), which the backward needs.
HHNN_HD inline float hhnn_lstm_candidate(int cell, int mod, float ag, float ax, float* tg, float* sx) {
    if (cell == HHNN_LSTM_MODULATED) {
        *sx = hhnn_lstm_mod(mod, ax);
        *tg = hhnn_vtanh(*sx * ag);
        return *tg;
    }
    *tg = hhnn_vtanh(ag);
    *sx = cell == HHNN_LSTM_CONTROL3 ? hhnn_vsigmoid(ax) : 1.f;
    return cell == HHNN_LSTM_CONTROL3 ? *sx * *tg : *tg;
}

// Forward of one node: the new cell state *c and output *h.
HHNN_HD inline void hhnn_lstm_forward(int cell, int mod, float ai, float af, float ag, float ao, float ax, float cPrev,
                                      float* c, float* h) {
    float tg, sx;
    float cand = hhnn_lstm_candidate(cell, mod, ag, ax, &tg, &sx);
    float cn = hhnn_vsigmoid(af) * cPrev + hhnn_vsigmoid(ai) * cand;
    *c = cn;
    *h = hhnn_vsigmoid(ao) * hhnn_vtanh(cn);
}

// Backward of one node, recomputing the step from its preactivations: given dc = ∂L/∂c and dh = ∂L/∂h of this step's
// outputs, the gradients at the five preactivations (dax = 0 for VANILLA) and ∂L/∂c_prev.
HHNN_HD inline void hhnn_lstm_backward(int cell, int mod, float ai, float af, float ag, float ao, float ax, float cPrev,
                                       float dc, float dh, float* dai, float* daf, float* dag, float* dao, float* dax,
                                       float* dcPrev) {
    float tg, sx;
    float cand = hhnn_lstm_candidate(cell, mod, ag, ax, &tg, &sx);
    float i = hhnn_vsigmoid(ai), f = hhnn_vsigmoid(af), o = hhnn_vsigmoid(ao);
    float tc = hhnn_vtanh(f * cPrev + i * cand);
    float dct = dc + dh * o * ((1.f - tc) * (1.f + tc));   // ∂L/∂c through h and directly
    float dcand = dct * i;
    float dtg = (1.f - tg) * (1.f + tg);                  // tanh' at the candidate's tanh
    *dai = dct * cand * (i * (1.f - i));
    *daf = dct * cPrev * (f * (1.f - f));
    *dao = dh * tc * (o * (1.f - o));
    if (cell == HHNN_LSTM_MODULATED) {
        float dz = dcand * dtg;                            // at z = σ_m(a_x)·a_g
        *dag = dz * sx;
        *dax = dz * ag * hhnn_unary_grad(mod, ax, sx);
    } else if (cell == HHNN_LSTM_CONTROL3) {
        *dag = dcand * sx * dtg;
        *dax = dcand * tg * (sx * (1.f - sx));
    } else {
        *dag = dcand * dtg;
        *dax = 0.f;
    }
    *dcPrev = dct * f;
}
