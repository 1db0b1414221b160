package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hhnn.HhnnVersion;
import org.hhnn.train.TfEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train --run-dir` fills one folder (run.json, metrics, curves, TensorBoard events, checkpoint); eval shows the record. */
class RunFolderTest {
    @TempDir Path tmp;

    @Test void runFolderHoldsTheRecordMetricsEventsAndCheckpoint() throws Exception {
        Path data = tmp.resolve("data"), run = tmp.resolve("run");
        TinyFashion.write(data, 200, 50, 11);
        String[] args = {"train", "--data", data.toString(), "--backend", "reference", "--epochs", "2", "--seed", "5",
                "--batch-size", "32", "--hidden", "16", "--no-progress", "--run-dir", run.toString()};
        CliRun.Result r = CliRun.run(args);
        assertEquals(0, r.code(), r.err());

        for (String f : List.of("run.json", "metrics.json", "curves.png", "checkpoint"))
            assertTrue(Files.exists(run.resolve(f)), f + " missing from the run folder");
        JsonObject rec = JsonParser.parseString(Files.readString(run.resolve("run.json"))).getAsJsonObject();
        List<String> argv = new ArrayList<>();
        rec.getAsJsonArray("argv").forEach(e -> argv.add(e.getAsString()));
        assertEquals(List.of(args).subList(1, args.length), argv.subList(argv.size() - (args.length - 1), argv.size()));
        assertEquals(HhnnVersion.get(), rec.get("version").getAsString());
        assertEquals("reference", rec.get("backend").getAsString());
        assertEquals(5, rec.get("seed").getAsLong());
        assertTrue(rec.get("threads").getAsInt() >= 1);
        assertTrue(!Instant.parse(rec.get("end").getAsString()).isBefore(Instant.parse(rec.get("start").getAsString())));
        // Data files with sizes and digests, checked against coreutils' sha256sum.
        JsonArray files = rec.getAsJsonArray("data_files");
        assertEquals(4, files.size(), files.toString());
        for (JsonElement e : files) {
            JsonObject f = e.getAsJsonObject();
            Path p = Path.of(f.get("path").getAsString());
            assertEquals(Files.size(p), f.get("size").getAsLong());
            Process sum = new ProcessBuilder("sha256sum", p.toString()).start();
            String expected = new String(sum.getInputStream().readAllBytes()).split(" ")[0];
            assertEquals(0, sum.waitFor());
            assertEquals(expected, f.get("sha256").getAsString(), p.toString());
        }

        // TensorBoard events in the run folder, decoded independently, agree with metrics.json.
        List<Path> events;
        try (Stream<Path> s = Files.list(run)) {
            events = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
        }
        assertEquals(1, events.size());
        JsonObject metrics = JsonParser.parseString(Files.readString(run.resolve("metrics.json"))).getAsJsonObject();
        int found = 0;
        for (JsonElement e : TfEvents.read(events.get(0))) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("values")) continue;
            JsonObject v = o.getAsJsonArray("values").get(0).getAsJsonObject();
            if (v.get("tag").getAsString().equals("epoch/train_loss")) {
                int epoch = o.get("step").getAsInt();
                assertEquals(metrics.getAsJsonArray("train_loss").get(epoch - 1).getAsFloat(), v.get("simple_value").getAsFloat());
                found++;
            }
        }
        assertEquals(2, found);

        // eval prints the record of the checkpoint it reads, in text and in JSON.
        CliRun.Result ev = CliRun.run("eval", "--checkpoint", run.resolve("checkpoint").toString(), "--data", data.toString(), "--backend", "reference");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("run: hhnn " + HhnnVersion.get()), ev.out());
        assertTrue(ev.out().contains("--run-dir " + run), ev.out());
        assertTrue(ev.out().contains(files.get(0).getAsJsonObject().get("sha256").getAsString()), ev.out());
        CliRun.Result evj = CliRun.run("eval", "--checkpoint", run.resolve("checkpoint").toString(), "--data", data.toString(),
                "--backend", "reference", "--json");
        assertEquals(rec, JsonParser.parseString(evj.out()).getAsJsonObject().getAsJsonObject("run"));
    }

    /** The language models' --run-dir is the same folder; eval's --metrics-out writes for them too, --confusion-png is refused. */
    @Test void languageModelRunFolderAndEvalFlags() throws Exception {
        Path data = tmp.resolve("ptb"), run = tmp.resolve("lm-run"), m = tmp.resolve("eval.json");
        LmCliTest.writeCorpus(data, " the cat sat on the mat ", " a dog ran ", " the dog sat ");
        String[] args = {"train", "--model", "awd-lstm", "--dataset", "ptb", "--data", data.toString(), "--backend", "reference", "--epochs", "2",
                "--set", "size=small", "--set", "embedding=8", "--set", "hidden=8", "--set", "batch=4", "--set", "bptt=6", "--set", "eval_batch=2",
                "--no-progress", "--run-dir", run.toString()};
        CliRun.Result r = CliRun.run(args);
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("run.json", "metrics.json", "curves.png", "checkpoint"))
            assertTrue(Files.exists(run.resolve(f)), f + " missing from the language model's run folder");
        JsonObject rec = JsonParser.parseString(Files.readString(run.resolve("run.json"))).getAsJsonObject();
        assertEquals(3, rec.getAsJsonArray("data_files").size(), rec.toString());
        JsonObject metrics = JsonParser.parseString(Files.readString(run.resolve("metrics.json"))).getAsJsonObject();
        List<Path> events;
        try (Stream<Path> s = Files.list(run)) {
            events = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
        }
        assertEquals(1, events.size());
        int found = 0, steps = 0;
        for (JsonElement e : TfEvents.read(events.get(0))) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("values")) continue;
            JsonObject v = o.getAsJsonArray("values").get(0).getAsJsonObject();
            String tag = v.get("tag").getAsString();
            if (tag.equals("epoch/val_ppl")) {
                assertEquals(metrics.getAsJsonArray("val_ppl_per_epoch").get(o.get("step").getAsInt() - 1).getAsFloat(), v.get("simple_value").getAsFloat());
                found++;
            }
            if (tag.equals("weights/encoder.weight")) steps++;
        }
        assertEquals(2, found, "one val_ppl per epoch");
        assertEquals(2, steps, "one embedding histogram per epoch");

        CliRun.Result ev = CliRun.run("eval", "--checkpoint", run.resolve("checkpoint").toString(), "--data", data.toString(), "--backend",
                "reference", "--metrics-out", m.toString());
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("run: hhnn " + HhnnVersion.get()) && ev.out().contains("--run-dir " + run), ev.out());
        JsonObject e = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
        assertEquals(metrics.get("test_ppl").getAsDouble(), e.get("test_ppl").getAsDouble(), 1e-9 * metrics.get("test_ppl").getAsDouble());
        assertEquals(rec, e.getAsJsonObject("run"));
        ev = CliRun.run("eval", "--checkpoint", run.resolve("checkpoint").toString(), "--confusion-png", tmp.resolve("c.png").toString());
        assertEquals(1, ev.code());
        assertTrue(ev.err().contains("--confusion-png: the checkpoint in " + run.resolve("checkpoint") + " holds a language model"), ev.err());
    }
}
