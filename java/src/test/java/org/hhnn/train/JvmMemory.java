package org.hhnn.train;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * For {@link Soak}: where resident memory that is not the Java heap goes. {@link #columns} gives the JIT's code cache
 * and the class metadata (committed kB, from the memory pools), live threads and, when the JVM runs with
 * {@code -XX:NativeMemoryTracking=summary}, all the JVM's own native memory (NMT's committed total); the rest of the
 * RSS is the C library's heap (the cpu backend's buffers, glibc arenas) and shared libraries. {@link #baseline} and
 * {@link #diffSinceBaseline} are NMT's baseline and summary diff (jcmd VM.native_memory) from inside the process.
 */
final class JvmMemory {
    private JvmMemory() {}

    private static final Pattern TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    /** "code_kb C meta_kb M threads T nmt_kb N" (nmt_kb only with NMT on). */
    static String columns() {
        long code = 0, meta = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() != MemoryType.NON_HEAP) continue;
            long kb = p.getUsage().getCommitted() / 1024;
            if (p.getName().startsWith("CodeHeap") || p.getName().equals("Code Cache")) code += kb;
            else meta += kb;   // Metaspace, Compressed Class Space
        }
        String s = "code_kb " + code + " meta_kb " + meta + " threads " + ManagementFactory.getThreadMXBean().getThreadCount();
        String nmt = nmt("summary");
        Matcher m = TOTAL.matcher(nmt);
        return m.find() ? s + " nmt_kb " + m.group(2) : s;
    }

    static void baseline() { nmt("baseline"); }

    /** NMT's categories whose committed memory changed since {@link #baseline}, as "Name +N KB, ..."; "" without NMT. */
    static String diffSinceBaseline() {
        Map<String, String> changed = new LinkedHashMap<>();
        for (String line : nmt("summary.diff").split("\n")) {
            Matcher t = Pattern.compile("Total: reserved=\\d+KB [+-]\\d+KB, committed=\\d+KB ([+-]\\d+KB)").matcher(line);
            if (t.find()) changed.put("Total", t.group(1));
            Matcher c = Pattern.compile("^-\\s+(.+?) \\(reserved=.*committed=\\d+KB ([+-]\\d+KB)\\)").matcher(line.strip());
            if (c.find()) changed.put(c.group(1).strip(), c.group(2));
        }
        StringBuilder sb = new StringBuilder();
        changed.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    /** jcmd VM.native_memory ARG through the DiagnosticCommand MBean; "" when NMT is off. */
    private static String nmt(String arg) {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmNativeMemory", new Object[] {new String[] {arg}}, new String[] {String[].class.getName()});
            String s = String.valueOf(out);
            return s.contains("not enabled") ? "" : s;
        } catch (javax.management.JMException e) {
            return "";
        }
    }
}
