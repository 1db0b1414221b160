package org.hhnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.data.Dataset;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run's TensorBoard record, decoded by the independent reader, holds what the run computed. */
class TrainerTensorBoardTest {
    @TempDir Path dir;

    @Test void aRunWritesStepAndEpochScalarsAndHistograms() throws Exception {
        Random rng = new Random(3);
        int n = 120, f = 6;
        float[] x = new float[n * f];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < f; j++) x[i * f + j] = (float) rng.nextGaussian() + (j == y[i] ? 2 : 0);
        }
        Dataset d = new Dataset("blobs", x, y, new int[] {f}, 3, new String[] {"a", "b", "c"});
        var backend = ReferenceBackend.get();
        Network net = Models.build(Models.defaults("mlp", f, 3), backend, 1L);
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = 2;
        cfg.batchSize = 16;
        cfg.progress = false;
        cfg.tensorboardDir = dir;
        cfg.tensorboardEvery = 2;
        Trainer t = new Trainer(net, backend, cfg, System.err);
        Dataset.Split split = d.split(0.25, 1);
        List<EpochStats> history = t.fit(split.train(), split.validation());

        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
        }
        assertEquals(1, files.size(), files.toString());
        JsonArray ev = TfEvents.read(files.get(0));
        Set<String> tags = new TreeSet<>();
        List<Long> lossSteps = new ArrayList<>();
        for (var e : ev) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("values")) continue;
            JsonObject v = o.getAsJsonArray("values").get(0).getAsJsonObject();
            String tag = v.get("tag").getAsString();
            tags.add(tag);
            if (tag.equals("step/loss")) lossSteps.add(o.get("step").getAsLong());
            if (tag.equals("epoch/train_loss")) {
                int epoch = o.get("step").getAsInt();
                assertEquals((float) history.get(epoch - 1).trainLoss(), v.get("simple_value").getAsFloat());
            }
            if (tag.equals("epoch/val_accuracy")) {
                assertEquals((float) history.get(o.get("step").getAsInt() - 1).valAccuracy(), v.get("simple_value").getAsFloat());
            }
            if (tag.equals("weights/0.weight")) assertEquals(f * 256, v.getAsJsonObject("histo").get("num").getAsDouble());
        }
        for (String tag : List.of("step/loss", "step/lr", "step/samples_per_s", "epoch/train_loss", "epoch/val_loss",
                "epoch/val_accuracy", "epoch/lr", "epoch/samples_per_s", "weights/0.weight", "grads/0.weight", "weights/2.bias", "grads/2.bias"))
            assertTrue(tags.contains(tag), tag + " missing from " + tags);
        // 90 training samples in batches of 16 = 6 steps an epoch, 12 in all; every 2nd step is logged.
        assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L), lossSteps);
    }
}
