/** Neural-network modules built on the autograd ops: {@link org.hhnn.nn.Module}, Linear, activations, Dropout, LayerNorm, Sequential, and the model zoo ({@link org.hhnn.nn.Models}). */
package org.hhnn.nn;
