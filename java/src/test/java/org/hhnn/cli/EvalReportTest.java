package org.hhnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval's error analysis: the confusion matrix agrees with the accuracy, in the table, --metrics-out JSON and the PNG. */
class EvalReportTest {
    @TempDir Path tmp;

    @Test void confusionMatrixTableJsonAndHeatMap() throws Exception {
        Path data = tmp.resolve("data"), ck = tmp.resolve("ck"), m = tmp.resolve("eval.json"), png = tmp.resolve("confusion.png");
        TinyFashion.write(data, 200, 60, 17);
        CliRun.Result tr = CliRun.run("train", "--data", data.toString(), "--backend", "reference", "--epochs", "1", "--hidden", "16",
                "--no-progress", "--checkpoint-dir", ck.toString());
        assertEquals(0, tr.code(), tr.err());
        CliRun.Result ev = CliRun.run("eval", "--checkpoint", ck.toString(), "--data", data.toString(), "--backend", "reference",
                "--metrics-out", m.toString(), "--confusion-png", png.toString());
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("confusion matrix (rows: true class, columns: predicted)"), ev.out());
        assertTrue(ev.out().contains("precision    recall        f1  support"), ev.out());

        JsonObject o = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
        JsonArray matrix = o.getAsJsonObject("confusion").getAsJsonArray("matrix");
        assertEquals(10, matrix.size());
        long total = 0, diagonal = 0;
        for (int r = 0; r < 10; r++) {
            long row = 0;
            for (int c = 0; c < 10; c++) {
                long v = matrix.get(r).getAsJsonArray().get(c).getAsLong();
                row += v;
                if (r == c) diagonal += v;
            }
            assertEquals(6, row, "TinyFashion's 60 test images are 6 per class");
            total += row;
        }
        assertEquals(o.get("count").getAsLong(), total);
        assertEquals(o.get("test_accuracy").getAsDouble(), (double) diagonal / total, 1e-12);

        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(800, img.getHeight());
    }
}
