package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hhnn.autograd.GradMode;
import org.hhnn.backend.Backend;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.data.DataSets;
import org.hhnn.data.Dataset;
import org.hhnn.data.Ptb;
import org.hhnn.nn.Network;
import org.hhnn.tensor.Scope;
import org.hhnn.tensor.Tensor;
import org.hhnn.train.Checkpoint;
import org.hhnn.train.LmRun;
import org.hhnn.train.LmTrainer;
import org.hhnn.train.Safetensors;
import org.hhnn.train.Safetensors.NamedTensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PyTorch round trip with the real torch (Debian's python3-torch, which ./hhnn test installs): a small model of each
 * family trained by hhnn (the language models awd-lstm and awd-lstm-mod too) is rebuilt by python/hhnn_torch.py, the same batch gives the same logits (within 1e-4), and a
 * weight changed in PyTorch and saved (as float64) is what hhnn then loads and evaluates.
 */
class TorchRoundTripTest {
    @TempDir Path tmp;

    static final Path SCRIPT = Path.of("src/test/python/torch_roundtrip.py").toAbsolutePath();
    static final Path MODULE_DIR = Path.of("../python").toAbsolutePath().normalize();
    static final int TARGET = 2;
    /** Debian's interpreter, which python3-torch installs into (a python3 earlier on PATH may lack torch). */
    static final String PYTHON = "/usr/bin/python3";

    /** Three classes of made-up names, each from its own letters, so a tiny LSTM has something to learn. */
    static void writeNames(Path dir) throws Exception {
        Files.createDirectories(dir);
        String[] alphabets = {"abcde", "klmno", "uvwxy"};
        Random rng = new Random(4);
        for (int c = 0; c < alphabets.length; c++) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                int len = 3 + rng.nextInt(6);
                StringBuilder name = new StringBuilder();
                for (int j = 0; j < len; j++) name.append(alphabets[c].charAt(rng.nextInt(5)));
                s.append(Character.toUpperCase(name.charAt(0))).append(name.substring(1)).append('\n');
            }
            Files.writeString(dir.resolve("Class" + c + ".txt"), s.toString(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "densenet", "lstm", "hhnn", "awd-lstm", "awd-lstm-mod"})
    void pytorchRebuildsTheModelAndHhnnLoadsWhatPytorchSaved(String family) throws Exception {
        Path data = tmp.resolve("data"), ck = tmp.resolve("ck");
        boolean lm = family.startsWith("awd-lstm");
        String dataset = lm ? "ptb" : family.equals("lstm") ? "names" : "fashion-mnist";
        if (lm) LmCliTest.writeCorpus(data, " the cat sat on the mat ", " a dog ran ", " the dog sat ");
        else if (family.equals("lstm")) writeNames(data);
        else TinyFashion.write(data, 120, 30, 9);
        List<String> args = new ArrayList<>(List.of("train", "--model", family, "--dataset", dataset, "--data", data.toString(),
                "--epochs", "1", "--backend", "cpu", "--no-progress", "--checkpoint-dir", ck.toString()));
        if (!lm) args.addAll(List.of("--batch-size", "16"));
        switch (family) {
            case "mlp" -> args.addAll(List.of("--hidden", "16"));
            case "cnn" -> args.addAll(List.of("--set", "hidden=16"));
            case "densenet" -> args.addAll(List.of("--set", "depth=7", "--set", "growth=4", "--set", "init_channels=4"));
            case "lstm" -> args.addAll(List.of("--set", "embedding=8", "--set", "hidden=8"));
            case "hhnn" -> args.addAll(List.of("--set", "neurons=16", "--set", "steps=40", "--set", "window=20"));
            // three layers of different widths (a transposed matrix would not fit), the last as wide as the tied embedding
            case "awd-lstm", "awd-lstm-mod" -> args.addAll(List.of("--set", "size=small", "--set", "embedding=8", "--set", "hidden=10,9,8",
                    "--set", "batch=4", "--set", "bptt=6", "--set", "eval_batch=2", "--set", "lr=5"));
            default -> throw new AssertionError(family);
        }
        CliRun.Result tr = CliRun.run(args.toArray(new String[0]));
        assertEquals(0, tr.code(), tr.err());

        // The batch: the first 16 test inputs; for a language model 7 steps of 3 columns of the test stream's ids.
        Dataset test = lm ? null : DataSets.load(dataset, data).test();
        int[] stream = lm ? Ptb.load(data).test() : null;
        int n = lm ? 7 : Math.min(16, test.size()), f = lm ? 3 : test.features();
        float[] x = new float[n * f];
        for (int i = 0; i < x.length; i++) x[i] = lm ? stream[i] : test.x()[i];
        Path batch = tmp.resolve("batch.safetensors"), results = tmp.resolve("torch.safetensors"), edited = tmp.resolve("edited");
        Safetensors.write(batch, List.of(new NamedTensor("x", new int[] {n, f}, x)), Map.of());

        ProcessBuilder pb = new ProcessBuilder(PYTHON, SCRIPT.toString(), ck.toString(), batch.toString(), edited.toString(),
                Integer.toString(TARGET), results.toString()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", MODULE_DIR.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "torch_roundtrip.py failed (python3 with torch and numpy is needed: apt-get install "
                + "python3-torch; ./hhnn test installs it):\n" + out);
        Safetensors.Loaded torch = Safetensors.read(results);

        Backend be = ReferenceBackend.get();
        float[] ours = logits(network(Checkpoint.load(ck), be), be, x, n, f);
        float[] theirs = torch.tensor("logits").data();
        assertEquals(ours.length, theirs.length);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
        assertTrue(worst <= 1e-4, family + ": hhnn and PyTorch logits differ by up to " + worst);

        // PyTorch's edit (class TARGET's bias + 1e4, saved as F64) is what hhnn loads: the same logits, and every
        // prediction is now TARGET, so eval's accuracy is TARGET's share of the test set.
        float[] oursEdited = logits(network(Checkpoint.load(edited), be), be, x, n, f);
        float[] theirsEdited = torch.tensor("logits_edited").data();
        for (int i = 0; i < oursEdited.length; i++)
            assertEquals(theirsEdited[i], oursEdited[i], 1e-4 * Math.max(1, Math.abs(theirsEdited[i])), family + " edited logit " + i);
        CliRun.Result ev = CliRun.run("eval", "--checkpoint", edited.toString(), "--data", data.toString(), "--backend", "reference", "--json");
        assertEquals(0, ev.code(), ev.err());
        JsonObject r = JsonParser.parseString(ev.out()).getAsJsonObject();
        if (lm) {
            // Word TARGET now takes all the probability: the test loss (test_batch 1: every next token of the stream) is
            // 1e4 per token that is not TARGET, give or take the unedited logits' spread (far below 1e4 / 100).
            long other = Arrays.stream(stream).skip(1).filter(w -> w != TARGET).count();
            double share = (double) other / (stream.length - 1);
            assertTrue(Math.abs(r.get("test_loss").getAsDouble() / 1e4 - share) < 0.01, family + ": eval's test loss "
                    + r.get("test_loss") + " for a share " + share + " of tokens other than word " + TARGET);
            return;
        }
        long target = Arrays.stream(test.y()).filter(y -> y == TARGET).count();
        assertEquals((double) target / test.size(), r.get("test_accuracy").getAsDouble(), 1e-12, family);
    }

    /** The network hhnn evaluates: a language model's with its NT-ASGD averages once they are on. */
    static Network network(Checkpoint.Loaded ck, Backend be) {
        return LmTrainer.isLmCheckpoint(ck) ? LmRun.network(ck, be) : ck.network(be, 0);
    }

    static float[] logits(Network net, Backend be, float[] x, int n, int f) {
        net.body.train(false);
        try (GradMode g = GradMode.noGrad(); Scope s = Scope.open()) {
            return net.forward(Tensor.of(be, x, n, f)).toArray();
        }
    }
}
