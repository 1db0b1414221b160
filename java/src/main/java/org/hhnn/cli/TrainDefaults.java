package org.hhnn.cli;

import com.google.gson.JsonElement;
import java.util.ListResourceBundle;
import java.util.Map;
import org.hhnn.train.TrainConfig;

/**
 * {@link TrainConfig}'s defaults for the help text of the training flags, as {@code ${bundle:default.KEY}} (KEY as in
 * {@link TrainConfig#toJson}): the flags themselves have no default, so only the flags given change a config.
 */
public final class TrainDefaults extends ListResourceBundle {
    @Override protected Object[][] getContents() {
        TrainConfig c = new TrainConfig();
        var json = c.toJson();
        json.addProperty("checkpoint_every", c.checkpointEvery);
        json.addProperty("lr_steps", steps(TrainConfig.defaultLrSteps("mlp")) + "; for cnn and cnn-mod " + steps(TrainConfig.defaultLrSteps("cnn")));
        for (String k : new String[] {"epochs", "batch_size", "lr", "optimizer", "lr_decay", "lr_steps"})   // TrainConfig.protocol
            json.addProperty(k, json.get(k).getAsString() + "; an LSTM or the HHNN on names or sst2: its protocol for the task");
        Object[][] rows = new Object[json.size()][];
        int i = 0;
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            JsonElement v = e.getValue();
            rows[i++] = new Object[] {"default." + e.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString()};
        }
        return rows;
    }

    private static String steps(double[] f) {
        return java.util.Arrays.stream(f).mapToObj(Double::toString).collect(java.util.stream.Collectors.joining(","));
    }
}
