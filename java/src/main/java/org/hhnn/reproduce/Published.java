package org.hhnn.reproduce;

import java.util.List;

/**
 * A figure a paper prints: the arm it belongs to (an {@link Arm#key}), the column (a {@link Preset.Column#key} or one
 * of {@code params}, {@code std}, {@code hedges_g}, {@code welch_t}, {@code welch_df}, {@code welch_p}), its value,
 * whether the paper gives it only as a bound ({@code p < value}), and where in which paper it stands.
 */
public record Published(String arm, String column, double value, boolean upperBound, String source) {
    static final String MOD = "the modulation paper (Context Dependent Modulation of Activation Function)";
    static final String HH = "the HHNN paper (A Novel Neural Network Architecture Inspired by the Hodgkin-Huxley Equations)";

    static Published of(String arm, String column, double value, String source) {
        return new Published(arm, column, value, false, source);
    }

    static Published below(String arm, String column, double value, String source) {
        return new Published(arm, column, value, true, source);
    }

    /** Table 1 (§3.1): total parameters of the CNNs; Table 2 (§3.1): top-1 accuracy on CIFAR-10 after 150 epochs. */
    static List<Published> table2() {
        String t1 = MOD + ", §3.1 Table 1", t2 = MOD + ", §3.1 Table 2";
        return List.of(
                of("cnn", "params", 1.25e6, t1), of("cnn-mod", "params", 1.25e6, t1),
                of("densenet", "params", 1.00e6, t1), of("densenet-mod", "params", 1.07e6, t1),
                of("densenet-lite", "params", 0.71e6, t1), of("densenet-lite-mod", "params", 0.77e6, t1),
                of("cnn", "train", 0.649, t2), of("cnn", "validation", 0.694, t2), of("cnn", "test", 0.690, t2),
                of("cnn-mod", "train", 0.775, t2), of("cnn-mod", "validation", 0.782, t2), of("cnn-mod", "test", 0.782, t2),
                of("densenet", "train", 0.889, t2), of("densenet", "validation", 0.888, t2), of("densenet", "test", 0.889, t2),
                of("densenet-mod", "train", 0.905, t2), of("densenet-mod", "validation", 0.902, t2), of("densenet-mod", "test", 0.902, t2),
                of("densenet-lite", "train", 0.881, t2), of("densenet-lite", "validation", 0.885, t2), of("densenet-lite", "test", 0.885, t2),
                of("densenet-lite-mod", "train", 0.894, t2), of("densenet-lite-mod", "validation", 0.893, t2),
                of("densenet-lite-mod", "test", 0.894, t2));
    }

    /** Table 3 (§3.2): parameters of the LSTM cell; Table 4 (§3.2): Simple-LSTM on NAMES, n = 30, sigmoid modulator. */
    static List<Published> table4Names() {
        String t3 = MOD + ", §3.2 Table 3", t4 = MOD + ", §3.2 Table 4";
        return List.of(
                of("lstm-mod", "params", 5.1e3, t3), of("lstm-control1", "params", 6.4e3, t3),
                of("lstm-control2", "params", 4.1e3, t3), of("lstm-control3", "params", 5.1e3, t3),
                of("lstm-mod", "test", 0.77898, t4), of("lstm-mod", "std", 0.00526, t4),
                of("lstm-control1", "test", 0.77490, t4), of("lstm-control1", "std", 0.00565, t4),
                of("lstm-control1", "hedges_g", 0.74778, t4), below("lstm-control1", "welch_p", 0.006, t4),
                of("lstm-control2", "test", 0.77516, t4), of("lstm-control2", "std", 0.00531, t4),
                of("lstm-control2", "hedges_g", 0.72173, t4), below("lstm-control2", "welch_p", 0.007, t4),
                of("lstm-control3", "test", 0.77602, t4), of("lstm-control3", "std", 0.00650, t4),
                of("lstm-control3", "hedges_g", 0.49924, t4), below("lstm-control3", "welch_p", 0.06, t4));
    }

    /** Table 3 and Table 4 (§3.2): Advanced-LSTM on SST-2, n = 100, tanhshrink modulator. */
    static List<Published> table4Sst2() {
        String t3 = MOD + ", §3.2 Table 3", t4 = MOD + ", §3.2 Table 4";
        return List.of(
                of("lstm-mod", "params", 72e3, t3), of("lstm-control1", "params", 90e3, t3),
                of("lstm-control2", "params", 57.6e3, t3), of("lstm-control3", "params", 72e3, t3),
                of("lstm-mod", "test", 0.77482, t4), of("lstm-mod", "std", 0.01150, t4),
                of("lstm-control1", "test", 0.73629, t4), of("lstm-control1", "std", 0.04855, t4),
                of("lstm-control1", "hedges_g", 1.09182, t4), below("lstm-control1", "welch_p", 0.001, t4),
                of("lstm-control2", "test", 0.74327, t4), of("lstm-control2", "std", 0.04687, t4),
                of("lstm-control2", "hedges_g", 0.92435, t4), below("lstm-control2", "welch_p", 0.001, t4),
                of("lstm-control3", "test", 0.73628, t4), of("lstm-control3", "std", 0.04701, t4),
                of("lstm-control3", "hedges_g", 1.12593, t4), below("lstm-control3", "welch_p", 0.001, t4));
    }

    /** Table 6 (§6.1): parameters per cell; Table 7 (§7.1): mean test perplexity after 500 epochs, n = 2. */
    static List<Published> table7() {
        String t6 = MOD + ", §6.1 Table 6", t7 = MOD + ", §7.1 Table 7";
        return List.of(
                of("awd-lstm-mod", "params", 6.61e6, t6), of("awd-lstm", "params", 5.29e6, t6),
                of("awd-lstm-mod", "test", 58.4730, t7), of("awd-lstm", "test", 58.7115, t7),
                of("awd-lstm", "welch_t", 1.842, t7), of("awd-lstm", "welch_df", 1.9, t7), of("awd-lstm", "hedges_g", 1.853, t7));
    }

    /**
     * The HHNN paper's §4.7 table gives HHNN 90.2 on GLUE, an average over GLUE's tasks of which SST-2 is one, and no
     * LSTM and no NAMES figure; it is shown for reference, not as an SST-2 accuracy.
     */
    static List<Published> hhnnText() {
        return List.of(of("hhnn-sst2", "test", 0.902, HH + ", §4.7 results table, GLUE column (all GLUE tasks, not SST-2 alone)"));
    }
}
