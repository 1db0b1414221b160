package org.hhnn.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hhnn.backend.ReferenceBackend;
import org.hhnn.backend.cuda.CudaBackend;
import org.hhnn.backend.cuda.JCudaDevice;
import org.hhnn.workload.FamilySteps;
import org.hhnn.workload.Workload;
import org.hhnn.workload.Workloads;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The report of {@code hhnn gpu-check} (schema {@link #SCHEMA}), one JSON object: {@code device} (JCudaDevice's facts:
 * name, compute capability, driver, where the kernels came from — fatbin, NVRTC or, over the host driver, host PTX — and
 * what gemm runs on), {@code parity} (the cuda parity suites' surefire reports, run on the device by ./hhnn gpu-check
 * just before), {@code training} (a few steps of each model family on the device against the reference backend),
 * {@code benchmarks} (W2-gpu and gemm), {@code pass} and {@code seconds}. Tested over the host driver (GpuCheckTest).
 */
public final class GpuCheck {
    private GpuCheck() {}

    public static final String SCHEMA = "hhnn-gpu-check/1";
    /** DESIGN.md's parity bound, as CudaTrainingTest applies it to losses. */
    public static final double LOSS_TOL = 1e-5;

    /** quick: small benchmark sizes and 3 mlp steps (the host driver runs kernels on the CPU). */
    public static JsonObject run(CudaBackend cuda, Path parityReports, boolean quick, long seed) {
        long t0 = System.nanoTime();
        JsonObject o = new JsonObject();
        o.addProperty("schema", SCHEMA);
        o.addProperty("version", Version.get());
        o.addProperty("time", Instant.now().toString());
        JsonObject device = new JsonObject();
        device.addProperty("backend", cuda.name());
        device.addProperty("description", cuda.device().describe());
        if (cuda.device() instanceof JCudaDevice)
            for (Map.Entry<String, Object> e : ((JCudaDevice) cuda.device()).facts().entrySet()) {
                Object v = e.getValue();
                if (v instanceof Number) device.addProperty(e.getKey(), (Number) v);
                else if (v instanceof Boolean) device.addProperty(e.getKey(), (Boolean) v);
                else device.addProperty(e.getKey(), String.valueOf(v));
            }
        o.add("device", device);
        JsonObject parity = parity(parityReports);
        o.add("parity", parity);
        JsonArray training = new JsonArray();
        boolean trainingOk = true;
        for (FamilySteps.Family f : FamilySteps.all(seed, "adam", quick ? 3 : 10)) {
            JsonObject t = training(cuda, f, seed);
            trainingOk &= t.get("pass").getAsBoolean();
            training.add(t);
        }
        o.add("training", training);
        JsonArray benchmarks = new JsonArray();
        benchmarks.add(bench(quick ? Workloads.create("W2", cuda, 20, 40) : Workloads.create("W2-gpu", cuda, 0), "W2-gpu", quick ? 1 : 3));
        benchmarks.add(bench(Workloads.create("gemm", cuda, quick ? 128 : 4096), "gemm", quick ? 1 : 5));
        o.add("benchmarks", benchmarks);
        boolean parityOk = parity.get("ran").getAsBoolean() && parity.get("failures").getAsInt() == 0 && parity.get("errors").getAsInt() == 0;
        o.addProperty("pass", parityOk && trainingOk);
        o.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
        return o;
    }

    static JsonObject training(CudaBackend cuda, FamilySteps.Family f, long seed) {
        List<Float> ref = f.losses(ReferenceBackend.get(), seed), got = f.losses(cuda, seed);
        double worst = 0;
        JsonArray r = new JsonArray(), g = new JsonArray();
        for (int s = 0; s < ref.size(); s++) {
            worst = Math.max(worst, Math.abs((double) got.get(s) - ref.get(s)) / Math.abs((double) ref.get(s)));
            r.add(ref.get(s));
            g.add(got.get(s));
        }
        JsonObject t = new JsonObject();
        t.addProperty("family", f.name());
        t.addProperty("optimizer", f.optimizer());
        t.addProperty("steps", ref.size());
        t.add("reference_losses", r);
        t.add("cuda_losses", g);
        t.addProperty("max_relative_difference", worst);
        t.addProperty("tolerance", LOSS_TOL);
        t.addProperty("pass", worst <= LOSS_TOL);   // NaN fails
        return t;
    }

    static JsonObject bench(Workload w, String label, int repeats) {
        try (w) {
            Workloads.Summary s = Workloads.Summary.of(Workloads.measure(w, 1, repeats));
            JsonObject b = new JsonObject();
            b.addProperty("workload", label);
            b.addProperty("detail", w.name());
            b.addProperty("unit", w.unit());
            b.addProperty("median", s.median());
            b.addProperty("best", s.best());
            b.addProperty("repeats", s.repeats());
            return b;
        }
    }

    /** The surefire reports of the cuda test classes (other reports may lie in the same folder). */
    static final String REPORTS = "TEST-org.hhnn.backend.cuda.*.xml";

    /** The cuda suites' surefire reports in dir: per suite and in total; "ran" false, with why, when there are none. */
    static JsonObject parity(Path dir) {
        JsonObject p = new JsonObject();
        String[] keys = {"tests", "failures", "errors", "skipped"};
        int[] total = new int[keys.length];
        JsonArray suites = new JsonArray(), failed = new JsonArray();
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, REPORTS)) {
                for (Path f : files) {
                    Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile()).getDocumentElement();
                    JsonObject s = new JsonObject();
                    s.addProperty("name", root.getAttribute("name"));
                    int[] v = new int[keys.length];
                    for (int i = 0; i < keys.length; i++) {
                        String a = root.getAttribute(keys[i]);
                        v[i] = a.isEmpty() ? 0 : Integer.parseInt(a);
                        s.addProperty(keys[i], v[i]);
                    }
                    if (v[0] == 0) continue;   // an outer class whose tests are all in its @Nested runner
                    for (int i = 0; i < keys.length; i++) total[i] += v[i];
                    suites.add(s);
                    NodeList cases = root.getElementsByTagName("testcase");
                    for (int i = 0; i < cases.getLength(); i++) {
                        Element c = (Element) cases.item(i);
                        if (c.getElementsByTagName("failure").getLength() + c.getElementsByTagName("error").getLength() > 0)
                            failed.add(c.getAttribute("classname") + "." + c.getAttribute("name"));
                    }
                }
            } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException | NumberFormatException e) {
                throw new IllegalArgumentException("hhnn gpu-check: the surefire reports in " + dir + " could not be read (" + e.getMessage() + ").", e);
            }
        }
        p.addProperty("ran", suites.size() > 0);
        if (suites.size() == 0)
            p.addProperty("why", dir == null ? "no --parity-reports given (./hhnn gpu-check runs the suites first)" : "no " + REPORTS + " in " + dir);
        for (int i = 0; i < keys.length; i++) p.addProperty(keys[i], total[i]);
        p.add("suites", suites);
        p.add("failed_cases", failed);
        return p;
    }
}
