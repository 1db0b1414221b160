package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hhnn.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on the command line and in checkpoints: each is one sentence ("hhnn: ..."), a non-zero exit, no stack trace. */
class CliErrorPathsTest {
    @TempDir static Path tmp;
    static Path data, good;

    @BeforeAll static void train() {
        data = tmp.resolve("data");
        TinyFashion.write(data, 60, 20, 5);
        good = tmp.resolve("good");
        CliRun.Result r = CliRun.run(args("--epochs", "1", "--checkpoint-dir", good.toString()));
        assertEquals(0, r.code(), r.err());
    }

    static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--backend", "reference", "--hidden", "8",
                "--batch-size", "16", "--no-progress"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /** Exit code 1 or 2, exactly one error line holding every fragment, and no stack trace. */
    static String oneSentence(CliRun.Result r, int code, String... fragments) {
        assertEquals(code, r.code(), r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("hhnn:")).toList();
        assertEquals(1, lines.size(), r.err());
        for (String f : fragments) assertTrue(lines.get(0).contains(f), "'" + f + "' not in: " + lines.get(0));
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        return lines.get(0);
    }

    /** A copy of the good checkpoint directory with its one save changed by edit. */
    static Path broken(String name, UnaryOperator<JsonObject> editConfig, boolean truncateWeights) throws IOException {
        Path root = tmp.resolve(name), save = root.resolve("epoch-0001");
        Files.createDirectories(save);
        Files.copy(good.resolve("latest"), root.resolve("latest"));
        Path src = good.resolve("epoch-0001");
        byte[] w = Files.readAllBytes(src.resolve(Checkpoint.MODEL_FILE));
        Files.write(save.resolve(Checkpoint.MODEL_FILE), truncateWeights ? java.util.Arrays.copyOf(w, w.length / 2) : w);
        JsonObject c = JsonParser.parseString(Files.readString(src.resolve(Checkpoint.CONFIG_FILE))).getAsJsonObject();
        JsonObject e = editConfig.apply(c);
        Files.writeString(save.resolve(Checkpoint.CONFIG_FILE), e == null ? "{\"model\": " : e.toString());
        return root;
    }

    static CliRun.Result eval(Path ck) {
        return CliRun.run("eval", "--checkpoint", ck.toString(), "--data", data.toString(), "--backend", "reference");
    }

    static CliRun.Result resume(Path ck) {
        return CliRun.run(args("--resume", ck.toString(), "--epochs", "2"));
    }

    @Test void corruptOrMismatchedCheckpointsOnEvalAndResume() throws IOException {
        assertEquals(0, eval(good).code());
        Path notJson = broken("not-json", c -> null, false);
        for (CliRun.Result r : new CliRun.Result[] {eval(notJson), resume(notJson)})
            oneSentence(r, 1, "holds no loadable save", "config.json is not valid JSON");
        Path modelSeven = broken("model-7", c -> { c.addProperty("model", 7); return c; }, false);
        for (CliRun.Result r : new CliRun.Result[] {eval(modelSeven), resume(modelSeven)})
            oneSentence(r, 1, "config.json", "\"model\" entry is not an object");
        Path hiddenText = broken("hidden-text", c -> { c.getAsJsonObject("model").addProperty("hidden", "many"); return c; }, false);
        for (CliRun.Result r : new CliRun.Result[] {eval(hiddenText), resume(hiddenText)})
            oneSentence(r, 1, "config.json", "does not describe a model this version can build");
        Path epochsText = broken("epochs-text", c -> { c.getAsJsonObject("train").addProperty("epochs", "three"); return c; }, false);
        oneSentence(resume(epochsText), 1, "config.json", "training setting 'epochs' must be a whole number");
        Path noTrain = broken("no-train", c -> { c.remove("train"); return c; }, false);
        oneSentence(resume(noTrain), 1, "config.json has no \"train\" object");
        Path otherShape = broken("other-shape", c -> { c.getAsJsonObject("model").getAsJsonArray("hidden").set(0, new com.google.gson.JsonPrimitive(16)); return c; }, false);
        for (CliRun.Result r : new CliRun.Result[] {eval(otherShape), resume(otherShape)})
            oneSentence(r, 1, "has shape", "but the model expects");
        Path truncated = broken("truncated", c -> c, true);
        for (CliRun.Result r : new CliRun.Result[] {eval(truncated), resume(truncated), eval(truncated.resolve("epoch-0001"))})
            oneSentence(r, 1, "model.safetensors is damaged");
        oneSentence(eval(tmp.resolve("nowhere")), 1, "nowhere", "does not exist");
    }

    @Test void badFlagsAreOneSentence() {
        oneSentence(CliRun.run(args("--set", "nope=1")), 1, "--set nope", "no such setting");
        oneSentence(CliRun.run(args("--set", "neurons")), 2, "--set", "hhnn train --help");
        oneSentence(CliRun.run(args("--lr-steps", "half")), 1, "--lr-steps", "'half' is not a number");
        oneSentence(CliRun.run(args("--lr-steps", "0.5,1.5")), 1, "--lr-steps", "1.5 is not a fraction in (0, 1)");
        oneSentence(CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--batch-size", "0"), 1,
                "--batch-size must be at least 1, got 0");
        oneSentence(CliRun.run(args("--model", "resnet")), 1, "unknown model 'resnet'");
        oneSentence(CliRun.run(args("--epochs", "two")), 2, "--epochs", "two");
        oneSentence(CliRun.run(args("--checkpoint-every", "-1")), 1, "--checkpoint-every must be >= 0");
        // A resumed run keeps what defines it.
        oneSentence(CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--resume", good.toString(), "--batch-size", "32"), 1,
                "--batch-size cannot change when resuming (the checkpoint's run has 16)");
    }

    @Test void aNanLossStopsWithOneSentenceAndTheLastCheckpointLoads() throws IOException {
        Path ck = tmp.resolve("nan");
        CliRun.Result r = CliRun.run(args("--optimizer", "sgd", "--lr", "1e35", "--epochs", "3", "--checkpoint-dir", ck.toString(),
                "--checkpoint-every", "1"));
        String line = oneSentence(r, 1, "training diverged: the loss became", "the last good checkpoint in " + ck + " is kept");
        Matcher m = Pattern.compile("step (\\d+)").matcher(line);
        assertTrue(m.find(), line);
        int diverged = Integer.parseInt(m.group(1));
        assertTrue(diverged > 1, "the first step must train: " + line);
        Checkpoint.Loaded last = Checkpoint.load(ck);
        assertEquals(diverged - 1, last.config().get("step").getAsInt(), "the last save is the step before the loss broke");
        try (Stream<Path> s = Files.list(ck)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no half-written save left behind");
        }
    }
}
