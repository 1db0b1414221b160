package org.hhnn.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tagged "awt": the JDK's own font code (FreeType, HarfBuzz) trips -Xcheck:jni on every glyph, which
 * turns this 2-second test into ~50 s and ~185 MB of warnings, so the build can run this tag without it.
 */
@Tag("awt")
class PlotsTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir Path dir;

    /** Checks the signature, decodes the file and checks it is not blank. */
    private static BufferedImage decodePng(Path png) throws IOException {
        byte[] b = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(b, 8), "PNG signature");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO decodes it");
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
        assertTrue(colours.size() > 10, "has lines and text, not one flat colour: " + colours.size());
        return img;
    }

    @Test
    void trainingCurvesStackLossAboveAccuracy() throws IOException {
        Path png = dir.resolve("curves.png");
        Plots.trainingCurves(png, List.of(2.3, 1.1, 0.7, 0.5), List.of(2.1, 1.2, 0.9, 0.8),
                List.of(0.3, 0.6, 0.72, 0.78), "mlp on digits");
        BufferedImage img = decodePng(png);
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(2 * Plots.PANEL_HEIGHT, img.getHeight());
    }

    @Test
    void withoutAccuracyOnlyTheLossPanelAndTheExactNameIsUsed() throws IOException {
        Path png = dir.resolve("curves");  // no extension: must not become curves.png
        Plots.trainingCurves(png, List.of(1.0, Double.NaN, Double.POSITIVE_INFINITY, 0.4), List.of(), List.of(), "diverged");
        assertEquals(Plots.PANEL_HEIGHT, decodePng(png).getHeight());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(png), s.toList(), "only the target, no temp or .png twin");
        }
    }

    @Test
    void linesDrawsNamedSeries() throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        double[] t = new double[2000], v = new double[2000], w = new double[2000];
        for (int i = 0; i < t.length; i++) {
            t[i] = i * 0.01;
            v[i] = -65 + 100 * Math.pow(Math.max(0, Math.sin(t[i] * 2)), 40);
            w[i] = -70 + 5 * Math.cos(t[i]);
        }
        series.put("V (neuron 0)", new double[][]{t, v});
        series.put("V (neuron 1)", new double[][]{t, w});
        Path png = dir.resolve("trace.png");
        Plots.lines(png, "membrane voltage", "t (ms)", "V (mV)", series);
        BufferedImage img = decodePng(png);
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.PANEL_HEIGHT, img.getHeight());
    }

    @Test
    void badInputIsRefused() {
        Path png = dir.resolve("x.png");
        assertThrows(IllegalArgumentException.class,
                () -> Plots.lines(png, "t", "x", "y", Map.of("s", new double[][]{{1, 2}, {1}})));
        assertThrows(IllegalArgumentException.class, () -> Plots.lines(png, "t", "x", "y", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Plots.trainingCurves(png, List.of(), List.of(), List.of(), "t"));
        assertFalse(Files.exists(png));
    }
}
