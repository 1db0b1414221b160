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

    @Test void exampleRunsAndMatchesTheReadme() throws Exception {
        TinyFashion.write(tmp, 300, 100, 5);
        assertTrue(example(tmp) > 0.8);

        Path src = Path.of("src/test/java/org/hhnn/cli/ReadmeExampleTest.java");
        String code = Files.readString(src);
        String a = code.substring(code.indexOf("README-EXAMPLE-BEGIN"), code.indexOf("README-EXAMPLE-END"));
        StringBuilder snippet = new StringBuilder();
        boolean on = true;
        for (String line : a.lines().skip(1).toList()) {
            if (line.contains("README-EXAMPLE-PAUSE")) { on = false; continue; }
            if (line.contains("README-EXAMPLE-RESUME")) { on = true; continue; }
            if (on && !line.strip().equals("//")) snippet.append(line.strip()).append('\n');
        }
        String readme = Files.readString(Path.of("../README.md"));
        String block = readme.substring(readme.indexOf("```java") + 7);
        block = block.substring(0, block.indexOf("```"));
        StringBuilder r = new StringBuilder();
        for (String line : block.lines().toList()) if (!line.isBlank()) r.append(line.strip()).append('\n');
        assertTrue(r.toString().equals(snippet.toString()),
                "README.md's Java example and ReadmeExampleTest differ:\nREADME:\n" + r + "\nTEST:\n" + snippet);
    }
}
