/** Float32 n-d tensors on a backend ({@link org.hhnn.tensor.Tensor}), shape checks, and explicit memory {@link org.hhnn.tensor.Scope}s. */
package org.hhnn.tensor;
