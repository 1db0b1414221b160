/**
 * The cpu backend: JNI into native/ (OpenMP over rows, SIMD across elements, OpenBLAS sgemm).
 * {@link org.hhnn.backend.cpu.NativeLoader} finds the library, {@link org.hhnn.backend.cpu.CpuBackend} declares its
 * entry points (its raw methods, called by {@link org.hhnn.backend.CheckedBackend} once the arguments are checked).
 */
package org.hhnn.backend.cpu;
