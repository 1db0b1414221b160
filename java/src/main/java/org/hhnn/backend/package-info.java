/**
 * The backend contract ({@link org.hhnn.backend.Backend}: coarse float32 primitives on flat buffers),
 * its executable specification {@link org.hhnn.backend.ReferenceBackend}, and backend selection
 * ({@link org.hhnn.backend.Backends}). Fast implementations live in sub-packages (cpu).
 */
package org.hhnn.backend;
