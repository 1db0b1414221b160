package org.hhnn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the cross-references that comments make ("Tested by: X", "Twins: Y", "Java twin: Z") in a source tree and
 * says which name nothing that exists. A pointer clause runs from its keyword to the end of its sentence (a '.'
 * before a space or the end of the comment), across comment lines; a "(mvn ...)" command in it is skipped. In a
 * clause it checks:
 * <ul>
 *   <li>file names ({@code kernels/hh.cu}, {@code cpu_memory.cpp}, {@code kernels/*.cuh}): the path below the root,
 *       else beside the commenting file, else a file of that name anywhere in the tree;</li>
 *   <li>class names of two or more capitalised parts ({@code CpuParityTest}, {@code JCudaDevice}), qualified ones
 *       ({@code cpu.CpuModulated}, {@code org.hhnn.backend.ReferenceHh}, {@code cpu/CpuConv}) and any capitalised
 *       name with a member ({@code Backend.layerNorm}): a Java class of the tree (a file or a nested type), or one on
 *       the test classpath in the few external packages named in {@link #EXTERNAL_PACKAGES};</li>
 *   <li>members ({@code X.m}, {@code X#m}, {@code X.m / m2}, {@code X.prefix*}): an identifier of that name (or
 *       prefix) in the class's source or a type it extends or implements.</li>
 * </ul>
 * Used by PointersTest on this repository and on synthetic bad trees (the negative checks).
 */
final class CommentPointers {

    /** Where a class named in a comment but absent from the tree may come from (the JCuda bindings). */
    static final List<String> EXTERNAL_PACKAGES =
            List.of("jcuda", "jcuda.driver", "jcuda.jcublas", "jcuda.nvrtc", "java.lang", "java.util");

    private static final Set<String> SOURCE_EXTENSIONS = Set.of("cu", "cuh", "h", "cpp", "java");
    private static final Set<String> SKIPPED_DIRS = Set.of("target", "build", ".git", "node_modules");

    private static final Pattern KEYWORD = Pattern.compile("Tested by|\\b[Tt]wins?\\b(?:\\s*\\([^)]*\\))?\\s*:");
    private static final Pattern SENTENCE_END = Pattern.compile("\\.(?=\\s|$)");
    private static final Pattern MVN = Pattern.compile("\\(mvn [^)]*\\)");
    private static final Pattern FILE = Pattern.compile(
            "(?<![\\w/.*-])((?:[\\w.*-]+/)*[\\w*-]+\\.(?:cu|cuh|cpp|h|java|md))(?![\\w])");
    private static final Pattern CLASS = Pattern.compile(
            "(?<![\\w./#*'-])((?:[a-z][a-z0-9]*[./])*)([A-Z][A-Za-z0-9]*)"
                    + "((?:[.#][a-z][A-Za-z0-9_]*\\*?)(?:\\s*/\\s*[a-z][A-Za-z0-9_]*\\*?)*)?");
    private static final Pattern CAMEL = Pattern.compile("[A-Z]?(?:[A-Z][a-z0-9]+){2,}");
    private static final Pattern SUPERTYPES = Pattern.compile("\\b(?:extends|implements)\\s+([\\w.,<>\\s]+?)\\s*\\{");

    private final Path root;
    private final List<Path> files = new ArrayList<>();   // every file below root (relative), skipped dirs aside
    private final Map<String, List<Path>> javaByName = new HashMap<>();   // simple name -> .java files declaring it
    private final Map<Path, String> text = new HashMap<>();
    private int pointers;

    CommentPointers(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try (Stream<Path> walk = Files.walk(this.root)) {
            walk.filter(Files::isRegularFile)
                    .map(this.root::relativize)
                    .filter(p -> {
                        for (Path part : p) if (SKIPPED_DIRS.contains(part.toString())) return false;
                        return true;
                    })
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pattern type = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z]\\w*)");
        for (Path f : files) {
            if (!f.toString().endsWith(".java")) continue;
            Matcher m = type.matcher(read(f));
            while (m.find()) javaByName.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
        }
    }

    /** How many pointer clauses the last {@link #check} read. */
    int pointers() { return pointers; }

    /** One line per target that does not exist: "file:line: 'target' ...". dirs are relative to the root. */
    List<String> check(String... dirs) {
        pointers = 0;
        List<String> missing = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            boolean in = false;
            for (String d : dirs) in |= f.startsWith(d);
            if (!in || !SOURCE_EXTENSIONS.contains(ext)) continue;
            checkFile(f, missing);
        }
        return missing;
    }

    private void checkFile(Path f, List<String> missing) {
        String[] lines = read(f).split("\n", -1);
        String[] comments = new String[lines.length];
        for (int i = 0; i < lines.length; i++) comments[i] = commentText(lines[i]);
        for (int i = 0; i < lines.length; i++) {
            if (comments[i] == null) continue;
            Matcher k = KEYWORD.matcher(comments[i]);
            int from = 0;
            while (k.find(from)) {
                // The clause: from the keyword to its sentence's end, across the comment's following lines.
                StringBuilder clause = new StringBuilder(comments[i].substring(k.end()));
                int j = i;
                while (!SENTENCE_END.matcher(MVN.matcher(clause).replaceAll("")).find()
                        && j + 1 < lines.length && comments[j + 1] != null && !comments[j + 1].isBlank()
                        && j - i < 4) {
                    clause.append(' ').append(comments[++j]);
                }
                String c = MVN.matcher(clause).replaceAll(" ");
                Matcher end = SENTENCE_END.matcher(c);
                if (end.find()) c = c.substring(0, end.start());
                pointers++;
                checkClause(f, i + 1, c, missing);
                from = k.end();
            }
        }
    }

    private void checkClause(Path f, int line, String clause, List<String> missing) {
        String where = f + ":" + line + ": ";
        StringBuilder rest = new StringBuilder(clause);
        Matcher fm = FILE.matcher(clause);
        while (fm.find()) {
            if (!fileExists(f, fm.group(1))) missing.add(where + "'" + fm.group(1) + "' names no file of the tree");
            for (int i = fm.start(); i < fm.end(); i++) rest.setCharAt(i, ' ');   // not a class name as well
        }
        Matcher cm = CLASS.matcher(rest);
        while (cm.find()) {
            String qualifier = cm.group(1), name = cm.group(2), members = cm.group(3);
            boolean isPointer = !qualifier.isEmpty() || members != null || CAMEL.matcher(name).matches();
            if (!isPointer) continue;
            List<Path> sources = classSources(qualifier, name);
            if (sources.isEmpty()) {
                if (!external(name)) missing.add(where + "'" + qualifier + name + "' names no class of the tree");
                continue;
            }
            if (members == null) continue;
            for (String member : members.substring(1).split("\\s*/\\s*")) {
                if (!hasMember(sources, member, new HashSet<>()))
                    missing.add(where + "'" + name + "." + member + "' names no member of " + name);
            }
        }
    }

    // ---- resolution ---------------------------------------------------------------------------------------------

    private boolean fileExists(Path from, String name) {
        if (name.contains("*")) {
            Pattern glob = Pattern.compile("(^|.*/)" + Pattern.quote(name).replace("*", "\\E[^/]*\\Q"));
            for (Path p : files) if (glob.matcher(slashed(p)).matches()) return true;
            return false;
        }
        if (Files.isRegularFile(root.resolve(name))) return true;
        Path sibling = from.getParent() == null ? Path.of(name) : from.getParent().resolve(name);
        if (Files.isRegularFile(root.resolve(sibling))) return true;
        if (name.contains("/")) return false;
        for (Path p : files) if (p.getFileName().toString().equals(name)) return true;
        return false;
    }

    private List<Path> classSources(String qualifier, String name) {
        List<Path> all = javaByName.getOrDefault(name, List.of());
        if (qualifier.isEmpty()) return all;
        String dir = "/" + qualifier.replace('.', '/');   // ends with '/'
        List<Path> out = new ArrayList<>();
        for (Path p : all) if (("/" + slashed(p)).contains(dir)) out.add(p);
        return out;
    }

    private static boolean external(String name) {
        for (String pkg : EXTERNAL_PACKAGES) {
            try {
                Class.forName(pkg + "." + name, false, CommentPointers.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                // not in this package: try the next
            }
        }
        return false;
    }

    private boolean hasMember(List<Path> sources, String member, Set<Path> seen) {
        boolean prefix = member.endsWith("*");
        String word = prefix ? member.substring(0, member.length() - 1) : member;
        Pattern p = Pattern.compile("\\b" + Pattern.quote(word) + (prefix ? "\\w*" : "\\b"));
        for (Path s : sources) {
            if (!seen.add(s)) continue;
            String src = read(s);
            if (p.matcher(src).find()) return true;
            Matcher sm = SUPERTYPES.matcher(src);
            Set<String> supers = new LinkedHashSet<>();
            while (sm.find()) {
                for (String t : sm.group(1).replaceAll("<[^>]*>", "").split("[\\s,]+"))
                    if (!t.isEmpty() && !t.equals("extends") && !t.equals("implements"))
                        supers.add(t.substring(t.lastIndexOf('.') + 1));
            }
            for (String t : supers)
                if (hasMember(javaByName.getOrDefault(t, List.of()), member, seen)) return true;
        }
        return false;
    }

    // ---- text ---------------------------------------------------------------------------------------------------

    /** The comment part of a source line, or null when it has none ('//' comments, block-comment lines). */
    static String commentText(String line) {
        int slash = line.indexOf("//");
        if (slash >= 0) return line.substring(slash + 2);
        String t = line.strip();
        if (t.startsWith("/*")) return t.substring(t.startsWith("/**") ? 3 : 2);
        if (t.startsWith("*")) return t.equals("*/") ? null : t.substring(1);
        return null;
    }

    private String read(Path relative) {
        return text.computeIfAbsent(relative, p -> {
            try {
                return Files.readString(root.resolve(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String slashed(Path p) { return p.toString().replace('\\', '/'); }
}
