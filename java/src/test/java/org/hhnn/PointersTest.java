package org.hhnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hhnn.backend.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the pointers between files true: every "Tested by" / "twin" pointer in a comment of kernels/, native/ and
 * java/src names a class, member or file that exists ({@link CommentPointers} says how it reads them), and every
 * {@link Backend} method has a row in the README's op map. Each check also runs on a synthetic bad tree and must
 * fail there, naming the file, the line and the missing target.
 * Run: mvn -B -o test -pl java -Dtest=PointersTest -Dsurefire.failIfNoSpecifiedTests=false
 */
class PointersTest {

    /** The repository root (surefire runs in java/). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Backend methods that are not primitives: the backend's name. */
    private static final Set<String> NOT_PRIMITIVES = Set.of("name");

    // The keywords are split so that this file's own strings are not read as pointers.
    private static final String TESTED_BY = "Tested" + " by";
    private static final String TWINS = "Tw" + "ins";

    @Test void everyCommentPointerNamesSomethingThatExists() {
        CommentPointers p = new CommentPointers(ROOT);
        List<String> missing = p.check("kernels", "native", "java/src");
        assertTrue(missing.isEmpty(), missing.size() + " comment pointers name nothing that exists:\n"
                + String.join("\n", missing));
        assertTrue(p.pointers() >= 60, "only " + p.pointers() + " pointer clauses found: is the scan reading comments?");
    }

    @Test void aWrongPointerIsReportedWithFileLineAndTarget(@TempDir Path tmp) throws IOException {
        write(tmp, "java/src/test/java/org/x/RealTest.java",
                "package org.x;\nclass RealTest extends Cases { void own() {} }\n");
        write(tmp, "java/src/test/java/org/x/Cases.java", "package org.x;\nclass Cases { void inherited() {} }\n");
        write(tmp, "native/cpu_real.cpp", "int x;\n");
        write(tmp, "kernels/real.cu", String.join("\n",
                "// kernels/real.cu — a kernel.",
                "// " + TWINS + ": native/cpu_real.cpp, native/cpu_gone.cpp, org.x.RealTest.",
                "// " + TESTED_BY + ": RealTest.own / inherited / absent, NoSuchParityTest",
                "// (mvn -B -o test -pl java -Dtest='Real*' -Dsurefire.failIfNoSpecifiedTests=false).",
                "int y;", ""));
        write(tmp, "java/src/main/java/org/x/Ok.java", String.join("\n",
                "package org.x;",
                "/** Java twin: {@code kernels/real.cu}, kernels/*.cu, cpu_real.cpp. " + TESTED_BY + " RealTest#inherited. */",
                "class Ok {}", ""));
        CommentPointers p = new CommentPointers(tmp);
        List<String> missing = p.check("kernels", "native", "java/src");
        assertEquals(List.of(
                        "kernels/real.cu:2: 'native/cpu_gone.cpp' names no file of the tree",
                        "kernels/real.cu:3: 'RealTest.absent' names no member of RealTest",
                        "kernels/real.cu:3: 'NoSuchParityTest' names no class of the tree"),
                missing);
        assertEquals(4, p.pointers());
    }

    @Test void everyBackendMethodIsInTheReadmeOpMap() throws IOException {
        List<String> missing = missingFromOpMap(Files.readString(ROOT.resolve("README.md")));
        assertTrue(missing.isEmpty(), "README.md § Op map has no row for Backend." + String.join(", Backend.", missing)
                + " (list each method by name in the op column)");
    }

    @Test void anOpMapWithoutAMethodIsCaught() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String without = readme.replace("sgdUpdate, ", "").replace(", sgdUpdate", "").replace("sgdUpdate", "");
        assertEquals(List.of("sgdUpdate"), missingFromOpMap(without));
    }

    /** The Backend methods whose names are not a word of the op column of README.md § Op map. */
    private static List<String> missingFromOpMap(String readme) {
        int start = readme.indexOf("\n## Op map");
        assertTrue(start >= 0, "README.md has no '## Op map' section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> words = new TreeSet<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("|")) continue;
            String[] cells = line.split("\\|");
            if (cells.length < 2) continue;
            Matcher m = Pattern.compile("[A-Za-z]\\w*").matcher(cells[1]);
            while (m.find()) words.add(m.group());
        }
        Set<String> methods = new TreeSet<>();
        for (Method m : Backend.class.getMethods())
            if (!m.isSynthetic() && !NOT_PRIMITIVES.contains(m.getName())) methods.add(m.getName());
        List<String> missing = new ArrayList<>();
        for (String m : methods) if (!words.contains(m)) missing.add(m);
        return missing;
    }

    private static void write(Path root, String file, String content) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
