package org.hhnn.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory figures from /proc (Linux): peak resident set size (VmHWM). */
public final class Memory {
    private Memory() {}

    /** Peak RSS of this process in MiB, or NaN where /proc/self/status is unavailable. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
