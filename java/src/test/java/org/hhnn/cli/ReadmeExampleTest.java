package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hhnn.backend.Backend;
import org.hhnn.backend.Backends;
import org.hhnn.data.Dataset;
import org.hhnn.data.FashionMnist;
import org.hhnn.nn.Models;
import org.hhnn.nn.Network;
import org.hhnn.train.TrainConfig;
import org.hhnn.train.Trainer;
import org.hhnn.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the README's Java example compiling, identical to the README, and working. */
class ReadmeExampleTest {
    @TempDir Path tmp;

    double example(Path tinyDir) {
        // README-EXAMPLE-BEGIN
        Path dir = FashionMnist.DEFAULT_DIR;                  // /usr/share/datasets/fashion-mnist
        Backend backend = Backends.fastest().backend();       // cpu when the native library loads
        // README-EXAMPLE-PAUSE
        dir = tinyDir; // the test runs on generated data
        // README-EXAMPLE-RESUME
        Dataset train = FashionMnist.train(dir), test = FashionMnist.test(dir);
        Network net = Models.build(Models.defaults("mlp", train.features(), train.numClasses()), backend, 1L);
        TrainConfig cfg = new TrainConfig();
        cfg.epochs = 3;
        Trainer trainer = new Trainer(net, backend, cfg, System.err);
        Dataset.Split split = train.split(0.1, cfg.seed);
        trainer.fit(split.train(), split.validation());
        System.out.println(trainer.evaluate(test).accuracy());
        // README-EXAMPLE-END
        return trainer.evaluate(test).accuracy();
    }

    double runExample(Path tinyDir, Backend backend) throws Exception {
        Path dir = tinyDir;
        // README-EXAMPLE-BEGIN
        TrainConfig run = new TrainConfig();                  // defaults: mlp on fashion-mnist, 3 epochs, Adam 1e-3
        run.model = "hhnn";
        run.dataDir = dir;
        Path out = Path.of("runs", "hhnn-1");
        // README-EXAMPLE-PAUSE
        out = tmp.resolve("out"); // the test writes under its temp dir, and trains a small HH layer briefly
        run.epochs = 1;
        run.settings.put("neurons", "16");
        run.settings.put("steps", "50");
        run.progress = false;
        // README-EXAMPLE-RESUME
        run.checkpointDir = out.resolve("checkpoint");
        TrainingRun.Result r = new TrainingRun(run, backend).metricsOut(out.resolve("metrics.json")).run();
        System.out.println(r.testAccuracy());
        // README-EXAMPLE-END
        var metrics = com.google.gson.JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        org.junit.jupiter.api.Assertions.assertEquals(r.testAccuracy(), metrics.get("test_accuracy").getAsDouble());
        org.junit.jupiter.api.Assertions.assertEquals("hhnn", org.hhnn.train.Checkpoint.load(out.resolve("checkpoint")).config()
                .getAsJsonObject("model").get("model").getAsString());
        return r.testAccuracy();
    }

    @Test void exampleRunsAndMatchesTheReadme() throws Exception {
        TinyFashion.write(tmp, 300, 100, 5);
        assertTrue(example(tmp) > 0.8);
        double acc = runExample(tmp, Backends.get("reference"));
        assertTrue(acc >= 0 && acc <= 1, "an accuracy: " + acc);

        String code = Files.readString(Path.of("src/test/java/org/hhnn/cli/ReadmeExampleTest.java"));
        String readme = Files.readString(Path.of("../README.md"));
        int from = 0, blockFrom = 0;
        for (int k = 0; k < 2; k++) {
            int b = code.indexOf("README-EXAMPLE-BEGIN", from), e = code.indexOf("README-EXAMPLE-END", b);
            from = e + 1;
            StringBuilder snippet = new StringBuilder();
            boolean on = true;
            for (String line : code.substring(b, e).lines().skip(1).toList()) {
                if (line.contains("README-EXAMPLE-PAUSE")) { on = false; continue; }
                if (line.contains("README-EXAMPLE-RESUME")) { on = true; continue; }
                if (on && !line.strip().equals("//")) snippet.append(line.strip()).append('\n');
            }
            blockFrom = readme.indexOf("```java", blockFrom) + 7;
            String block = readme.substring(blockFrom, readme.indexOf("```", blockFrom));
            StringBuilder r = new StringBuilder();
            for (String line : block.lines().toList()) if (!line.isBlank()) r.append(line.strip()).append('\n');
            assertTrue(r.toString().equals(snippet.toString()),
                    "README.md's Java example " + (k + 1) + " and ReadmeExampleTest differ:\nREADME:\n" + r + "\nTEST:\n" + snippet);
        }
    }
}
