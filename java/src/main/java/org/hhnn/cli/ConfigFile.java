package org.hhnn.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.hhnn.data.Quote;
import org.hhnn.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE} for {@code train} and {@code compare}: a YAML (or JSON) mapping from flag names without the
 * dashes to values, e.g.
 * <pre>
 * model: hhnn
 * epochs: 3
 * lr-steps: [0.5, 0.8]
 * set: {neurons: 128, steps: 200}
 * augment: true
 * </pre>
 * The file becomes the flags it names, placed before the command line's, and a flag the command line gives wins
 * over the file's (for {@code set}, key by key). Each value is checked against its flag on its own, so an unknown key
 * or a wrong type is one sentence naming the key and the file. {@code train --print-config} and
 * {@code compare --print-config} print the effective settings in this form.
 */
final class ConfigFile {
    private ConfigFile() {}

    static final String FLAG = "--config";
    private static final Set<String> NOT_IN_FILES = Set.of("--config", "--help", "-h", "--version", "-V", "--print-config");

    /** args with a train/compare {@code --config FILE} replaced by the file's flags (other args as they are). */
    static String[] expand(CommandLine root, String[] args) {
        if (args.length == 0 || !(args[0].equals("train") || args[0].equals("compare"))) return args;
        String sub = args[0];
        Path file = null;
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(FLAG)) {
                if (i + 1 >= args.length) throw new IllegalArgumentException(FLAG + " needs a file");
                file = Path.of(args[++i]);
            } else if (args[i].startsWith(FLAG + "=")) {
                file = Path.of(args[i].substring(FLAG.length() + 1));
            } else {
                rest.add(args[i]);
            }
        }
        if (file == null) return args;
        Map<String, Object> entries = read(file);
        Set<String> onCommandLine = new TreeSet<>();
        for (String a : rest) if (a.startsWith("--")) onCommandLine.add(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);

        CommandSpec own = root.getSubcommands().get(sub).getCommandSpec();
        CommandSpec train = root.getSubcommands().get("train").getCommandSpec();
        List<String> out = new ArrayList<>(List.of(sub));
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            String flag = "--" + e.getKey();
            OptionSpec opt = NOT_IN_FILES.contains(flag) ? null : own.findOption(flag);
            Supplier<Object> fresh = sub.equals("train") ? TrainCommand::new : CompareCommand::new;
            if (opt == null && sub.equals("compare") && !NOT_IN_FILES.contains(flag) && train.findOption(flag) != null) {
                opt = train.findOption(flag);   // a training flag compare passes to every run
                fresh = TrainCommand::new;
            }
            if (opt == null) {
                throw new IllegalArgumentException(file + ": unknown key " + Quote.of(e.getKey()) + " (not a flag of hhnn " + sub
                        + "; keys are flag names without the dashes, e.g. epochs, batch-size, set)");
            }
            boolean merges = opt.typeInfo().isMap();
            if (onCommandLine.contains(flag) && !merges) continue;   // the command line wins
            List<String> flagArgs = toArgs(file, e.getKey(), flag, opt, e.getValue());
            check(file, e.getKey(), fresh.get(), flagArgs);
            out.addAll(flagArgs);
        }
        out.addAll(rest);
        return out.toArray(new String[0]);
    }

    private static Map<String, Object> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("could not read config file " + file + ": " + Quote.escape(String.valueOf(e.getMessage())));
        }
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
        StreamReader reader = new StreamReader(settings, text);
        Load load = new Load(settings) {   // over this reader, to tell where the parser stopped when it fails without a position
            @Override protected Composer createComposer(String yaml) { return new Composer(settings, new ParserImpl(settings, reader)); }
        };
        Object doc;
        try {
            doc = load.loadFromString(text);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(file + " is not valid YAML or JSON: " + Quote.escape(String.valueOf(e.getMessage()).replace('\n', ' ')));
        } catch (NumberFormatException e) {
            // The parser reads a hexadecimal escape's digits (after backslash and x, u or U) with Integer.parseInt, which
            // fails when the file ends right after the letter; the reader then stands just past the escape's two characters.
            throw new IllegalArgumentException(file + " is not valid YAML or JSON: the escape at line " + (reader.getLine() + 1) + ", column "
                    + (reader.getColumn() - 1) + " (\\x, \\u or \\U) ends before its hexadecimal digits");
        } catch (StackOverflowError e) {
            // A key that holds itself (? &a [*a]) is hashed before the parser can refuse it.
            throw new IllegalArgumentException(file + " is not valid YAML or JSON: a key refers to itself, or it nests too deeply");
        }
        if (doc == null) return Map.of();
        if (!(doc instanceof Map<?, ?> m)) throw new IllegalArgumentException(file + " must hold a mapping of flag names to values, not a " + kind(doc));
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            // Not the key itself: a YAML key may be a list or mapping, even one holding itself.
            if (!(k instanceof String s)) throw new IllegalArgumentException(file + ": the key " + kind(k) + " is not a flag name");
            out.put(s, v);
        });
        return out;
    }

    /** The flags one entry stands for. */
    private static List<String> toArgs(Path file, String key, String flag, OptionSpec opt, Object v) {
        String where = file + ": key " + Quote.of(key);
        if (opt.arity().max() == 0) {
            if (!(v instanceof Boolean b)) throw new IllegalArgumentException(where + " is a switch: give true or false, not " + kind(v));
            return b ? List.of(flag) : List.of();
        }
        if (opt.typeInfo().isMap()) {
            if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + " needs a mapping (e.g. {neurons: 128}), not " + kind(v));
            List<String> out = new ArrayList<>();
            m.forEach((k, x) -> {
                if (x instanceof Map || x instanceof List) throw new IllegalArgumentException(where + ": " + kindOrText(k) + " needs a single value");
                out.add(flag);
                out.add(k + "=" + x);
            });
            return out;
        }
        if (v instanceof List<?> list) {
            if (!opt.isMultiValue() && !key.equals("lr-steps")) throw new IllegalArgumentException(where + " takes one value, not a list");
            List<String> parts = new ArrayList<>();
            for (Object x : list) {
                if (x instanceof Map || x instanceof List) throw new IllegalArgumentException(where + " needs a list of single values");
                parts.add(String.valueOf(x));
            }
            return parts.isEmpty() && key.equals("lr-steps") ? List.of(flag, "none") : List.of(flag, String.join(",", parts));
        }
        if (v instanceof Map || v == null) throw new IllegalArgumentException(where + " needs a value, not " + kind(v));
        return List.of(flag, String.valueOf(v));
    }

    /** Parses one entry's flags alone, so a wrong type is reported with its key and file. */
    private static void check(Path file, String key, Object command, List<String> flagArgs) {
        try {
            new CommandLine(command).parseArgs(flagArgs.toArray(new String[0]));
        } catch (CommandLine.MissingParameterException e) {
            // compare's required flags may come from the command line; only this entry is checked here
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(file + ": key " + Quote.of(key) + ": " + Quote.escape(String.valueOf(e.getMessage())));
        }
    }

    private static String kind(Object v) {
        if (v == null) return "nothing";
        if (v instanceof Map) return "mapping";
        if (v instanceof List) return "list";
        return v.getClass().getSimpleName().toLowerCase() + " " + Quote.of(String.valueOf(v));
    }

    /** A scalar as its quoted text, a list or mapping by its kind (it may hold itself). */
    private static String kindOrText(Object v) { return v instanceof Map || v instanceof List ? kind(v) : Quote.of(String.valueOf(v)); }

    /**
     * A training run's settings as a config file's YAML: flag names without dashes, only what differs from none
     * (no limit-train 0, no false switches), so feeding it back to --config gives the same run.
     */
    static String yaml(TrainConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        trainEntries(c, out);
        return dump(out);
    }

    /**
     * A comparison's settings as a config file's YAML: compare's own flags that are set (the command spec's values), then
     * the training settings every run gets, without the model (--models names them) and without what compare's own
     * flags already say (dataset, data, seed).
     */
    static String yaml(CommandSpec compare, TrainConfig base) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OptionSpec o : compare.options()) {
            String flag = o.longestName();
            Object v = o.getValue();
            if (NOT_IN_FILES.contains(flag) || v == null || Boolean.FALSE.equals(v)) continue;
            out.put(flag.substring(2), v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : v instanceof Boolean || v instanceof Number ? v : String.valueOf(v));
        }
        Map<String, Object> train = new LinkedHashMap<>();
        trainEntries(base, train);
        train.remove("model");
        train.forEach(out::putIfAbsent);
        return dump(out);
    }

    /** The TrainConfig's settings as flag names without dashes, only what differs from none (no limit-train 0, no false switches). */
    private static void trainEntries(TrainConfig c, Map<String, Object> out) {
        for (Map.Entry<String, JsonElement> e : c.toJson().entrySet()) {
            String k = e.getKey();
            JsonElement v = e.getValue();
            if (k.equals("limit_train") && v.getAsInt() == 0) continue;
            if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() && !v.getAsBoolean()) continue;
            if (k.equals("settings") && v.getAsJsonObject().size() == 0) continue;
            out.put(TrainConfig.flag(k).substring(2), plain(v));
        }
    }

    private static String dump(Map<String, Object> entries) {
        return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(entries);
    }

    /** A JSON value as the Java value YAML writes the same way (numbers keep their shortest decimal form). */
    private static Object plain(JsonElement v) {
        if (v.isJsonNull()) return null;
        if (v.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            v.getAsJsonArray().forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : ((JsonObject) v).entrySet()) m.put(e.getKey(), plain(e.getValue()));
            return m;
        }
        var p = v.getAsJsonPrimitive();
        if (p.isBoolean()) return p.getAsBoolean();
        if (p.isString()) return p.getAsString();
        String n = p.getAsString();
        return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
    }
}
