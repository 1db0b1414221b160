package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hhnn.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `hhnn train --model M --dataset D` with no other flag trains with the protocol behind the README's figure for the
 * pair (TrainConfig.forTask), says so in one INFO line, and every flag given overrides its part of it.
 */
class TaskDefaultsTest {
    @TempDir Path tmp;

    @Test void lstmModelsOnTheTextTasksGetThePapersProtocols() {
        TrainConfig names = TrainConfig.forTask("lstm-mod", "names");
        assertEquals("sgd", names.optimizer);
        assertEquals(0.01f, names.lr);
        assertEquals(1e-4f, names.lrDecay);
        assertArrayEquals(new double[0], names.lrSteps);
        assertEquals(32, names.batchSize);
        assertEquals(150, names.epochs);
        TrainConfig sst2 = TrainConfig.forTask("lstm-control2", "sst2");
        assertEquals("adam", sst2.optimizer);
        assertEquals(1e-3f, sst2.lr);
        assertEquals(32, sst2.batchSize);
        assertEquals(4, sst2.epochs);
        // any other pair: the general defaults, the model's lr schedule
        TrainConfig general = new TrainConfig();
        for (String[] p : new String[][] {{"mlp", "fashion-mnist"}, {"hhnn", "fashion-mnist"}, {"cnn", "cifar10"}}) {
            assertNull(TrainConfig.protocol(p[0], p[1]), p[0] + " on " + p[1]);
            TrainConfig c = TrainConfig.forTask(p[0], p[1]);
            assertEquals(general.epochs, c.epochs);
            assertEquals(general.optimizer, c.optimizer);
            assertArrayEquals(TrainConfig.defaultLrSteps(p[0]), c.lrSteps());
        }
    }

    @Test void hhnnOnTheTextTasksGetsItsMeasuredProtocol() {
        for (String d : new String[] {"names", "sst2"}) {
            TrainConfig c = TrainConfig.forTask("hhnn", d);
            assertEquals("adam", c.optimizer, d);
            assertEquals(Map.of("bounded_current", "false", "steps_per_token", "10", "window", "10"), c.settings, d);
        }
        assertEquals(0.01f, TrainConfig.forTask("hhnn", "names").lr);
        assertEquals(0.03f, TrainConfig.forTask("hhnn", "sst2").lr);
        assertEquals(5, TrainConfig.forTask("hhnn", "names").epochs);
        assertEquals(64, TrainConfig.forTask("hhnn", "names").batchSize);
        // SST-2: the LSTM's budget (the Advanced-LSTM protocol's epochs and batch)
        TrainConfig sst2 = TrainConfig.forTask("hhnn", "sst2"), lstm = TrainConfig.forTask("lstm", "sst2");
        assertEquals(lstm.epochs, sst2.epochs);
        assertEquals(lstm.batchSize, sst2.batchSize);
        String line = TrainConfig.protocol("hhnn", "sst2").describe();
        for (String part : new String[] {"adam lr 0.03", "batch 32", "4 epochs", "bounded_current=false", "steps_per_token=10", "window=10"})
            assertTrue(line.contains(part), part + " missing from: " + line);
    }

    @Test void hhnnOnNamesSaysItsSettingsAndASetFlagOverridesOneOfThem() throws Exception {
        Path data = namesData();
        Path m = tmp.resolve("m.json");
        CliRun.Result r = CliRun.run("train", "--model", "hhnn", "--dataset", "names", "--data", data.toString(), "--epochs", "1",
                "--backend", "cpu", "--set", "neurons=4", "--set", "window=5", "--no-progress", "--metrics-out", m.toString());
        assertEquals(0, r.code(), r.err());
        List<String> info = r.err().lines().filter(l -> l.contains("the HHNN's NAMES protocol")).toList();
        assertEquals(1, info.size(), "one INFO line names the protocol:\n" + r.err());
        assertTrue(info.get(0).contains("bounded_current=false, steps_per_token=10, window=10"), info.get(0));
        JsonObject tc = JsonParser.parseString(Files.readString(m)).getAsJsonObject().getAsJsonObject("train_config");
        assertEquals(0.01f, tc.get("lr").getAsFloat());
        assertEquals(1, tc.get("epochs").getAsInt());
        JsonObject set = tc.getAsJsonObject("settings");
        assertEquals("false", set.get("bounded_current").getAsString(), "the protocol's settings not given are kept: " + set);
        assertEquals("10", set.get("steps_per_token").getAsString(), set.toString());
        assertEquals("5", set.get("window").getAsString(), "the --set given wins: " + set);
        assertEquals("4", set.get("neurons").getAsString(), set.toString());
    }

    private Path namesData() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("names"));
        String[][] names = {
                {"Abbott", "Adams", "Baker", "Carter", "Dalton", "Ellis", "Foster", "Grant", "Harris", "Irwin"},
                {"Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida"}};
        Files.write(data.resolve("English.txt"), List.of(names[0]));
        Files.write(data.resolve("Japanese.txt"), List.of(names[1]));
        return data;
    }

    @Test void theCliUsesTheProtocolSaysSoAndFlagsOverrideIt() throws Exception {
        Path data = namesData();
        Path m = tmp.resolve("m.json");
        // --epochs 1 overrides the protocol's 150; the rest is the protocol's
        CliRun.Result r = CliRun.run("train", "--model", "lstm-mod", "--dataset", "names", "--data", data.toString(),
                "--epochs", "1", "--backend", "cpu", "--set", "hidden=8", "--set", "embedding=6", "--no-progress",
                "--metrics-out", m.toString());
        assertEquals(0, r.code(), r.err());
        long info = r.err().lines().filter(l -> l.contains("Simple-LSTM protocol")).count();
        assertEquals(1, info, "one INFO line names the protocol:\n" + r.err());
        JsonObject tc = JsonParser.parseString(Files.readString(m)).getAsJsonObject().getAsJsonObject("train_config");
        assertEquals("sgd", tc.get("optimizer").getAsString());
        assertEquals(0.01f, tc.get("lr").getAsFloat());
        assertEquals(1e-4f, tc.get("lr_decay").getAsFloat());
        assertEquals(32, tc.get("batch_size").getAsInt());
        assertEquals("[]", tc.get("lr_steps").toString());
        assertEquals(1, tc.get("epochs").getAsInt());
        // flags override each part
        r = CliRun.run("train", "--model", "lstm-mod", "--dataset", "names", "--data", data.toString(), "--epochs", "1",
                "--optimizer", "adam", "--lr", "0.002", "--lr-decay", "0", "--batch-size", "8", "--lr-steps", "0.5",
                "--backend", "cpu", "--set", "hidden=8", "--set", "embedding=6", "--no-progress", "--metrics-out", m.toString());
        assertEquals(0, r.code(), r.err());
        tc = JsonParser.parseString(Files.readString(m)).getAsJsonObject().getAsJsonObject("train_config");
        assertEquals("adam", tc.get("optimizer").getAsString());
        assertEquals(0.002f, tc.get("lr").getAsFloat());
        assertEquals(0f, tc.get("lr_decay").getAsFloat());
        assertEquals(8, tc.get("batch_size").getAsInt());
        assertEquals("[0.5]", tc.get("lr_steps").toString());
        assertTrue(r.err().contains("flags given override it"), r.err());
    }
}
