package org.hhnn.cli;

import static org.hhnn.cli.CliRun.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --config FILE: the same run as the equivalent flags, the command line winning, one-sentence errors, --print-config. */
class ConfigFileTest {
    @TempDir static Path tmp;
    @RegisterExtension static final TinyFashion data = new TinyFashion(160, 40, 13);

    @Test void yamlConfigReproducesTheFlagsRunBitForBit() throws Exception {
        Path a = tmp.resolve("flags.json"), b = tmp.resolve("yaml.json"), c = tmp.resolve("override.json");
        CliRun.Result r = CliRun.run("train", "--data", data.dir().toString(), "--backend", "cpu", "--epochs", "2", "--batch-size", "24",
                "--hidden", "16,8", "--lr", "0.003", "--optimizer", "sgd", "--momentum", "0.9", "--lr-steps", "0.5", "--seed", "4",
                "--set", "activation=tanh", "--no-progress", "--metrics-out", a.toString());
        assertEquals(0, r.code(), r.err());
        Path yaml = tmp.resolve("run.yaml");
        Files.writeString(yaml, String.join("\n",
                "# the same run as the flags",
                "data: " + data.dir(),
                "backend: cpu",
                "epochs: 2",
                "batch-size: 24",
                "hidden: [16, 8]",
                "lr: 0.003",
                "optimizer: sgd",
                "momentum: 0.9",
                "lr-steps: [0.5]",
                "seed: 4",
                "set: {activation: tanh}",
                "no-progress: true", ""));
        r = CliRun.run("train", "--config", yaml.toString(), "--metrics-out", b.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject fa = json(a), fb = json(b);
        for (String k : new String[] {"train_loss", "val_loss", "val_accuracy", "test_accuracy", "test_loss", "train_config", "model_config"})
            assertEquals(fa.get(k), fb.get(k), k);

        // The command line wins over the file.
        r = CliRun.run("train", "--config", yaml.toString(), "--epochs", "1", "--metrics-out", c.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, json(c).getAsJsonArray("train_loss").size());
        assertEquals(1, json(c).getAsJsonObject("train_config").get("epochs").getAsInt());
        assertEquals(24, json(c).getAsJsonObject("train_config").get("batch_size").getAsInt(), "the file's other settings stay");
    }

    @Test void jsonConfigAndPrintConfigRoundTrip() throws Exception {
        Path js = tmp.resolve("c.json");
        Files.writeString(js, "{\"model\": \"mlp\", \"epochs\": 5, \"lr\": 0.01, \"set\": {\"dropout\": 0.25}, \"lr-steps\": []}");
        CliRun.Result p1 = CliRun.run("train", "--config", js.toString(), "--batch-size", "16", "--print-config");
        assertEquals(0, p1.code(), p1.err());
        assertTrue(p1.out().contains("epochs: 5"), p1.out());
        assertTrue(p1.out().contains("batch-size: 16"), p1.out());
        assertTrue(p1.out().contains("lr: 0.01\n"), p1.out());
        assertTrue(p1.out().contains("lr-steps: []"), p1.out());
        Path printed = tmp.resolve("printed.yaml");
        Files.writeString(printed, p1.out());
        CliRun.Result p2 = CliRun.run("train", "--config", printed.toString(), "--print-config");
        assertEquals(0, p2.code(), p2.err());
        assertEquals(p1.out(), p2.out(), "--print-config's output, fed back, is the same configuration");
    }

    @Test void comparePrintConfigFedBackIsTheSameComparison() throws Exception {
        CliRun.Result p1 = CliRun.run("compare", "--dataset", "fashion-mnist", "--data", data.dir().toString(), "--models", "mlp,mlp-mod", "--runs", "2",
                "--epochs", "1", "--hidden", "8", "--batch-size", "32", "--backend", "cpu", "--no-progress", "--print-config");
        assertEquals(0, p1.code(), p1.err());
        for (String line : new String[] {"dataset: fashion-mnist\n", "models:\n- mlp\n- mlp-mod\n", "runs: 2\n", "epochs: 1\n", "batch-size: 32\n",
                "hidden:\n- 8\n", "metric: test_accuracy\n"})
            assertTrue(p1.out().contains(line), line + " in\n" + p1.out());
        assertTrue(!p1.out().contains("model:") && !p1.out().contains("print-config"), p1.out());
        Path printed = tmp.resolve("compare.yaml");
        Files.writeString(printed, p1.out());
        CliRun.Result p2 = CliRun.run("compare", "--config", printed.toString(), "--print-config");
        assertEquals(0, p2.code(), p2.err());
        assertEquals(p1.out(), p2.out(), "compare's --print-config, fed back, is the same configuration");

        // ... and runs the same comparison as the flags, bit for bit.
        Path a = tmp.resolve("cmp-flags"), b = tmp.resolve("cmp-yaml");
        CliRun.Result r = CliRun.run("compare", "--dataset", "fashion-mnist", "--data", data.dir().toString(), "--models", "mlp,mlp-mod", "--runs", "2",
                "--epochs", "1", "--hidden", "8", "--batch-size", "32", "--backend", "cpu", "--no-progress", "--out", a.toString());
        assertEquals(0, r.code(), r.err());
        r = CliRun.run("compare", "--config", printed.toString(), "--backend", "cpu", "--out", b.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(json(a.resolve("compare.json")).get("models"), json(b.resolve("compare.json")).get("models"));
    }

    @Test void unknownKeysAndWrongTypesAreOneSentenceNamingKeyAndFile() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "epochs: 2\nepoch: 3\n");
        CliRun.Result r = CliRun.run("train", "--config", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": unknown key 'epoch'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Files.writeString(bad, "epochs: many\n");
        r = CliRun.run("train", "--config", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": key 'epochs'") && r.err().contains("many"), r.err());

        Files.writeString(bad, "augment: 3\n");
        r = CliRun.run("train", "--config", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": key 'augment' is a switch"), r.err());

        Files.writeString(bad, "- a list\n");
        r = CliRun.run("train", "--config", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + " must hold a mapping"), r.err());

        r = CliRun.run("train", "--config", tmp.resolve("missing.yaml").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("missing.yaml does not exist"), r.err());

        // compare takes its own keys and the training flags it passes on; others are unknown.
        Files.writeString(bad, "models: [mlp]\nbogus: 1\n");
        r = CliRun.run("compare", "--config", bad.toString(), "--dataset", "fashion-mnist");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + ": unknown key 'bogus' (not a flag of hhnn compare"), r.err());
    }

    /** The YAML parser lets a NumberFormatException out for a hexadecimal escape with no digits left (the fuzzer's input). */
    @Test void anEscapeCutShortByTheFilesEndIsOneSentenceNamingFileAndPosition() throws Exception {
        Path bad = tmp.resolve("cut.yaml");
        Files.writeString(bad, "batch-size: 8\nepochs: \"1\\x");   // the escape's backslash at line 2, column 11
        CliRun.Result r = CliRun.run("train", "--config", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(bad + " is not valid YAML or JSON: the escape at line 2, column 11"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
