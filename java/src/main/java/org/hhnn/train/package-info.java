/**
 * Training: {@link org.hhnn.train.Trainer} (epochs, validation, checkpoints, resume), its
 * {@link org.hhnn.train.TrainConfig}, atomic {@link org.hhnn.train.Checkpoint}s in safetensors,
 * XChart {@link org.hhnn.train.Plots} and the terminal {@link org.hhnn.train.ProgressBar}.
 */
package org.hhnn.train;
