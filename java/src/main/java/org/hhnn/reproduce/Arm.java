package org.hhnn.reproduce;

import org.hhnn.train.TrainConfig;

/**
 * One model setting of a preset: a short key (its folder and the key of its published figures), the label the paper
 * gives it, and its training settings at the paper's full protocol (epochs before {@link Preset#scaled scaling}).
 */
public record Arm(String key, String label, TrainConfig config) {}
