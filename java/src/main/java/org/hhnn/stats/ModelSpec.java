package org.hhnn.stats;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hhnn.nn.AwdLstm;
import org.hhnn.nn.Models;
import org.hhnn.train.TrainConfig;

/**
 * One row of a comparison: a model and its own settings, written {@code name:key=value:key=value}, e.g.
 * {@code densenet:growth=10}. A key is a model setting (those of {@code --set}) or, where the model has no setting of
 * that name, a training setting of {@link TrainConfig#apply} such as {@code lr}, {@code weight_decay} or
 * {@code batch_size}. The same model may appear in several specs with different settings; each is its own row.
 * <pre>{@code
 * List<ModelSpec> rows = ModelSpec.parseAll(List.of("densenet:growth=10", "densenet-mod:growth=10"));
 * TrainConfig c = rows.get(0).apply(base);   // base's copy with model densenet and --set growth=10
 * }</pre>
 */
public record ModelSpec(String model, Map<String, String> settings) {
    /** Training keys a spec may set: the run-defining keys of {@link TrainConfig#toJson} that take a single value. */
    private static final Set<String> NOT_PER_MODEL = Set.of("model", "dataset", "data_dir", "seed", "settings", "hidden", "lr_steps");

    public ModelSpec {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("a model spec needs a model name");
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A spec with no settings of its own. */
    public static ModelSpec of(String model) { return new ModelSpec(model, Map.of()); }

    /**
     * Parses and checks {@code name:key=value:...}; a malformed spec, an unknown model or an unknown setting is an
     * IllegalArgumentException of one sentence naming it.
     */
    public static ModelSpec parse(String text) {
        String t = text.trim();
        String[] parts = t.split(":", -1);
        if (parts[0].isBlank()) throw new IllegalArgumentException("--models '" + text + "': a model spec starts with a model name (name:key=value:...)");
        Map<String, String> s = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String k = eq < 0 ? "" : parts[i].substring(0, eq).trim(), v = eq < 0 ? "" : parts[i].substring(eq + 1).trim();
            if (k.isEmpty() || v.isEmpty())
                throw new IllegalArgumentException("--models '" + text + "': '" + parts[i] + "' is not a setting key=value (write name:key=value:key=value)");
            if (s.put(k, v) != null) throw new IllegalArgumentException("--models '" + text + "': the setting '" + k + "' is given twice");
        }
        ModelSpec m = new ModelSpec(parts[0].trim(), s);
        m.check();
        return m;
    }

    /** Parses each text ({@link #parse}); the same spec twice is refused (the same model with other settings is not). */
    public static List<ModelSpec> parseAll(List<String> texts) {
        if (texts == null || texts.isEmpty()) throw new IllegalArgumentException("--models names no model");
        List<ModelSpec> r = new ArrayList<>();
        for (String t : texts) {
            ModelSpec m = parse(t);
            if (r.contains(m)) throw new IllegalArgumentException("--models lists '" + m + "' twice");
            r.add(m);
        }
        return r;
    }

    /** This spec with more settings (a search's candidate); a key given here replaces the spec's own. */
    public ModelSpec with(Map<String, String> more) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.putAll(more);
        ModelSpec m = new ModelSpec(model, s);
        m.check();
        return m;
    }

    /** A copy of base that trains this spec: its model, its model settings over base's --set, its training settings. */
    public TrainConfig apply(TrainConfig base) {
        TrainConfig c = base.copy();
        c.model = model;
        Set<String> modelKeys = modelKeys(model);
        JsonObject train = new JsonObject();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (modelKeys.contains(e.getKey())) c.settings.put(e.getKey(), e.getValue());
            else train.add(e.getKey(), value(e.getValue()));
        }
        try {
            c.apply(train);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--models '" + this + "': " + e.getMessage(), e);
        }
        return c;
    }

    /** The spec as written: {@code name} or {@code name:key=value:...}. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder(model);
        settings.forEach((k, v) -> sb.append(':').append(k).append('=').append(v));
        return sb.toString();
    }

    /** A folder name for the spec's runs: the model alone, or the spec with ':' as '+' (one folder per row). */
    public String dirName() {
        return toString().replace(':', '+').replace('/', '_');
    }

    /** Whether key is one a spec of model may set (a model setting or a per-model training setting). */
    public static boolean knows(String model, String key) {
        return modelKeys(model).contains(key) || trainingKeys().contains(key);
    }

    /** Unknown model, unknown key, or a value the model or trainer refuses: one sentence naming it. */
    private void check() {
        Set<String> modelKeys;
        try {
            modelKeys = modelKeys(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--models '" + this + "': " + e.getMessage(), e);
        }
        Map<String, String> forModel = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String k = e.getKey();
            if (modelKeys.contains(k)) forModel.put(k, e.getValue());
            else if (!trainingKeys().contains(k))
                throw new IllegalArgumentException("--models '" + this + "': '" + k + "' is no setting of " + model + " (model settings: "
                        + String.join(", ", new TreeSet<>(modelKeys)) + "; training settings: " + String.join(", ", new TreeSet<>(trainingKeys())) + ")");
        }
        try {
            Models.applyOverrides(Models.defaults(model, 1, 2), forModel);   // the values as a run would apply them
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--models '" + this + "': " + e.getMessage(), e);
        }
        try {
            apply(new TrainConfig()).validate();
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("--models") ? e : new IllegalArgumentException("--models '" + this + "': " + e.getMessage(), e);
        }
    }

    private static Set<String> modelKeys(String model) {
        Set<String> keys = new TreeSet<>(Models.settingNames(Models.defaults(model, 1, 2)));
        if (AwdLstm.isLanguageModel(model)) keys.add("size");
        return keys;
    }

    private static Set<String> trainingKeys() {
        Set<String> keys = new TreeSet<>(new TrainConfig().toJson().keySet());
        keys.removeAll(NOT_PER_MODEL);
        return keys;
    }

    /** A setting's text as TrainConfig.apply reads it: true/false, a number, else the string. */
    private static JsonPrimitive value(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return new JsonPrimitive(Boolean.parseBoolean(v));
        try {
            return new JsonPrimitive(new java.math.BigDecimal(v));
        } catch (NumberFormatException e) {
            return new JsonPrimitive(v);
        }
    }
}
