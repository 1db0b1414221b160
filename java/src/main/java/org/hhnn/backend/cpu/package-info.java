/**
 * The cpu backend: JNI into native/ (OpenMP over rows, SIMD across elements, OpenBLAS sgemm).
 * {@link org.hhnn.backend.cpu.NativeLoader} finds the library, {@link org.hhnn.backend.cpu.CpuNative}
 * declares its entry points, {@link org.hhnn.backend.cpu.CpuBackend} validates arguments and calls them.
 */
package org.hhnn.backend.cpu;
