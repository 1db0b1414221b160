/** Optimizers (SGD with momentum and Keras-style decay, Adam, AdamW) as fused backend updates, step schedules and global-norm clipping. */
package org.hhnn.optim;
