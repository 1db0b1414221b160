package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hhnn.train.ActivationCurves;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hhnn viz activations} end to end on a tiny lstm-mod and its control (a vanilla lstm), each trained for one epoch
 * on generated NAMES-style data.
 */
class VizCommandTest {
    @TempDir Path tmp;

    private static final String[][] NAMES = {
            {"Abbott", "Adams", "Baker", "Carter", "Dalton", "Ellis", "Foster", "Grant", "Harris", "Irwin"},
            {"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"},
            {"Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida"},
    };

    /** Three classes of ten names each: enough for a 10% test split with every class in it. */
    private Path tinyNames() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("names"));
        String[] classes = {"English", "Italian", "Japanese"};
        for (int c = 0; c < classes.length; c++) Files.write(dir.resolve(classes[c] + ".txt"), List.of(NAMES[c]));
        return dir;
    }

    private Path train(String model, Path data) {
        Path ck = tmp.resolve("ck-" + model);
        CliRun.Result r = CliRun.run("train", "--model", model, "--dataset", "names", "--data", data.toString(),
                "--epochs", "1", "--checkpoint-dir", ck.toString(), "--no-progress", "--backend", "reference",
                "--set", "hidden=8", "--set", "embedding=6", "--batch-size", "8");
        assertEquals(0, r.code(), r.err());
        return ck;
    }

    /** Draws --nodes PNGs and returns the CSV's rows (header first), one per node and input, each naming a test name. */
    private List<String[]> viz(Path ck, Path data, Path out) throws Exception {
        CliRun.Result r = CliRun.run("viz", "activations", "--checkpoint", ck.toString(), "--data", data.toString(),
                "--nodes", "3", "--inputs", "2", "--out", out.toString(), "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        for (int j = 0; j < 3; j++) {
            Path png = out.resolve("node" + j + ".png");
            assertTrue(r.out().contains(png.toString()), r.out());
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, png + " does not decode as an image");
            assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
        }
        assertFalse(Files.exists(out.resolve("node3.png")), "only --nodes 3 nodes are plotted");
        assertTrue(r.out().contains(out.resolve(ActivationCurves.CSV).toString()), r.out());

        List<String> csv = Files.readAllLines(out.resolve(ActivationCurves.CSV));
        assertEquals("node,input,text,class,i,s,g,activation", csv.get(0));
        assertEquals(1 + 3 * 2, csv.size(), "one row per node and input");
        List<String[]> rows = new java.util.ArrayList<>();
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",", -1);
            assertEquals(8, f.length, row);
            // The input's name as text; a character the training part never showed reads <unk>.
            String text = f[2].substring(1, f[2].length() - 1);
            String pattern = java.util.regex.Pattern.quote(text).replace("<unk>", "\\E.\\Q");
            assertTrue(Arrays.stream(NAMES).flatMap(Arrays::stream).anyMatch(n -> n.matches(pattern)), "a test name as text: " + row);
            double i = Double.parseDouble(f[4]);
            assertTrue(i > 0 && i < 1, "the input gate is a sigmoid, in (0, 1): " + row);
            // The input's own point on its curve: i·tanh(s·g), s = 1 for the control.
            double s = f[5].isEmpty() ? 1 : Double.parseDouble(f[5]), g = Double.parseDouble(f[6]), a = Double.parseDouble(f[7]);
            assertTrue(Double.isFinite(g) && Math.abs(a) < i, row);
            assertEquals(i * Math.tanh(s * g), a, 1e-12, row);
            rows.add(f);
        }
        return rows;
    }

    @Test void plotsModulatedActivationCurvesAndWritesIAndS() throws Exception {
        Path data = tinyNames();
        for (String[] f : viz(train("lstm-mod", data), data, tmp.resolve("viz"))) {
            double s = Double.parseDouble(f[5]);
            assertTrue(s > 0 && s < 1, "a sigmoid modulator gives s in (0, 1): " + String.join(",", f));
        }
    }

    @Test void plotsTheControlsInputGateAlone() throws Exception {
        Path data = tinyNames();
        for (String[] f : viz(train("lstm", data), data, tmp.resolve("viz")))
            assertEquals("", f[5], "the vanilla cell has no modulation: " + String.join(",", f));
    }

    @Test void refusesOtherModelsWithOneSentence() throws Exception {
        Path data = tinyNames(), ck = tmp.resolve("ck-mlp");
        CliRun.Result t = CliRun.run("train", "--model", "mlp", "--dataset", "names", "--data", data.toString(),
                "--epochs", "1", "--checkpoint-dir", ck.toString(), "--no-progress", "--backend", "reference", "--batch-size", "8");
        assertEquals(0, t.code(), t.err());
        CliRun.Result r = CliRun.run("viz", "activations", "--checkpoint", ck.toString(), "--data", data.toString(),
                "--out", tmp.resolve("viz").toString(), "--backend", "reference");
        assertEquals(1, r.code());
        String msg = r.err().lines().filter(l -> l.startsWith("hhnn:")).findFirst().orElse("");
        assertTrue(msg.contains(ck.toString()) && msg.contains("lstm-mod") && msg.contains("'mlp'"), r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.startsWith("INFO")).count(), "one sentence: " + r.err());
        assertFalse(Files.exists(tmp.resolve("viz")));
    }

    @Test void helpWorks() {
        CliRun.Result r = CliRun.run("viz", "activations", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--checkpoint") && r.out().contains("--nodes"), r.out());
        CliRun.Result parent = CliRun.run("viz", "--help");
        assertTrue(parent.out().contains("activations"), parent.out());
    }
}
