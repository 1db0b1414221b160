// kernels/random.cuh — the counter-based uniform generator of dropout (splitmix64 finaliser, top 24 bits).
// Java twin: org.hhnn.backend.DropoutRng.uniform (must stay bit-identical: masks agree on every backend).
// Tested by: CpuParityTest.dropoutMaskIsBitIdenticalToReference.
#pragma once
#include <stdint.h>
#include "common.cuh"

// Uniform in [0, 1) as a pure function of (seed, i). Unsigned arithmetic reproduces Java's
// wrapping long multiply, and >> on uint64_t is Java's logical >>>.
HHNN_HD inline float hhnn_uniform(uint64_t seed, uint64_t i) {
    uint64_t z = seed + (i + 1u) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z = z ^ (z >> 31);
    return (float)(z >> 40) * 0x1.0p-24f;   // 24 bits: exact in float, max 1 - 2^-24
}
