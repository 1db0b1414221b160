package org.hhnn.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.hhnn.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Model specs: parsing, where each key goes (model or training setting), and the one sentence for each bad spec. */
class ModelSpecTest {
    @Test void settingsGoToTheModelOrTheTrainer() {
        ModelSpec s = ModelSpec.parse("densenet:growth=10:lr=0.01:batch_size=16");
        assertEquals("densenet", s.model());
        assertEquals(Map.of("growth", "10", "lr", "0.01", "batch_size", "16"), s.settings());
        assertEquals("densenet:growth=10:lr=0.01:batch_size=16", s.toString());
        assertEquals("densenet+growth=10+lr=0.01+batch_size=16", s.dirName());
        TrainConfig base = new TrainConfig();
        base.settings.put("depth", "40");
        TrainConfig c = s.apply(base);
        assertEquals("densenet", c.model);
        assertEquals(Map.of("depth", "40", "growth", "10"), c.settings, "model settings join base's --set");
        assertEquals(0.01f, c.lr);
        assertEquals(16, c.batchSize);
        assertEquals(1e-3f, base.lr, "base is not changed");
        assertEquals(Map.of("depth", "40"), base.settings);
        assertEquals("mlp", ModelSpec.parse(" mlp ").toString());
        // The same model with other settings is another row; the same spec twice is refused.
        List<ModelSpec> rows = ModelSpec.parseAll(List.of("densenet:growth=10", "densenet:growth=12"));
        assertNotEquals(rows.get(0), rows.get(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parseAll(List.of("mlp:lr=0.1", "mlp:lr=0.1")))
                .getMessage().contains("lists 'mlp:lr=0.1' twice"));
        assertEquals("mlp:lr=0.1:hidden=8", ModelSpec.of("mlp").with(Map.of("lr", "0.1")).with(Map.of("hidden", "8")).toString());
    }

    @Test void badSpecsAreOneSentenceNamingThem() {
        assertBad("densenet:grwth=10", "--models 'densenet:grwth=10': 'grwth' is no setting of densenet");
        assertBad("densenet:growth", "--models 'densenet:growth': 'growth' is not a setting key=value");
        assertBad("densenet:growth=", "is not a setting key=value");
        assertBad(":lr=0.1", "starts with a model name");
        assertBad("nosuch:lr=0.1", "--models 'nosuch:lr=0.1': unknown model 'nosuch'");
        assertBad("mlp:lr=0.1:lr=0.2", "the setting 'lr' is given twice");
        assertBad("mlp:lr=fast", "--models 'mlp:lr=fast': training setting 'lr' must be a number");
        assertBad("mlp:lr=-1", "--models 'mlp:lr=-1': --lr must be a positive number");
        assertBad("hhnn:hh_layers=two", "--models 'hhnn:hh_layers=two': --set hh_layers needs a number of layers");
    }

    private static void assertBad(String spec, String expected) {
        String m = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(spec)).getMessage();
        assertTrue(m.contains(expected), m);
        assertEquals(1, m.split("\n").length, "one line: " + m);
    }
}
