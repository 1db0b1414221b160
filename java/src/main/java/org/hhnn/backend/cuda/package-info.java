/**
 * The cuda backend: {@link org.hhnn.backend.cuda.CudaBackend} implements every primitive with the hand-written
 * kernels of {@code kernels/*.cu} (and cuBLAS for gemm) over a {@link org.hhnn.backend.cuda.Device}:
 * {@link org.hhnn.backend.cuda.JCudaDevice} on a real NVIDIA GPU (JCuda driver API + JCublas, the fatbin from the
 * classpath), or {@link org.hhnn.backend.cuda.EmulatedDevice}, which runs the very same kernel sources compiled for
 * the host into libhhnn (through {@code kernels/emu_shim.h}), so machines without a GPU run every kernel.
 * {@link org.hhnn.backend.cuda.LaunchConfig} computes every launch's grid in one place.
 */
package org.hhnn.backend.cuda;
