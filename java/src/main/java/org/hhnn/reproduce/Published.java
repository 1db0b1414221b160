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
        return table4(new double[] {5.1e3, 6.4e3, 4.1e3, 5.1e3}, new double[][] {
            {0.77898, 0.00526}, {0.77490, 0.00565, 0.74778, 0.006}, {0.77516, 0.00531, 0.72173, 0.007}, {0.77602, 0.00650, 0.49924, 0.06}});
    }

    /** Table 3 and Table 4 (§3.2): Advanced-LSTM on SST-2, n = 100, tanhshrink modulator. */
    static List<Published> table4Sst2() {
        return table4(new double[] {72e3, 90e3, 57.6e3, 72e3}, new double[][] {
            {0.77482, 0.01150}, {0.73629, 0.04855, 1.09182, 0.001}, {0.74327, 0.04687, 0.92435, 0.001}, {0.73628, 0.04701, 1.12593, 0.001}});
    }

    /**
     * One half of Table 4 laid out as the paper prints it, a column per arm (lstm-mod, Controls 1-3): Table 3's cell
     * parameters, then mean, std and, under each control, Hedges' g and the bound on p of the modulated LSTM against it.
     */
    private static List<Published> table4(double[] params, double[][] columns) {
        String t3 = MOD + ", §3.2 Table 3", t4 = MOD + ", §3.2 Table 4";
        String[] arms = {"lstm-mod", "lstm-control1", "lstm-control2", "lstm-control3"};
        List<Published> out = new java.util.ArrayList<>();
        for (int i = 0; i < arms.length; i++) {
            double[] c = columns[i];
            out.add(of(arms[i], "params", params[i], t3));
            out.add(of(arms[i], "test", c[0], t4));
            out.add(of(arms[i], "std", c[1], t4));
            if (c.length > 2) {
                out.add(of(arms[i], "hedges_g", c[2], t4));
                out.add(below(arms[i], "welch_p", c[3], t4));
            }
        }
        return out;
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
