package org.hhnn.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Tables of numbers in CSV files (RFC 4180, read with Apache Commons CSV), as {@code --dataset csv --data FILE|DIR}:
 * a header row; every column but the label is a numeric feature; the label column is the one named {@code label}
 * (else the last). Labels are class names: sorted, numbers numerically, they become classes 0, 1, ... {@code --data}
 * is a folder holding {@code train.csv} and {@code test.csv}, or one file of which a seeded, stratified 20% is the
 * test part. A bad row is one sentence with the file and line.
 */
public final class CsvData {
    private CsvData() {}

    public static final double TEST_FRACTION = 0.2;
    public static final long SPLIT_SEED = 1;

    /** The rows of a CSV file: header and records (with their line numbers). */
    private record Table(Path file, List<String> header, List<CSVRecord> rows) {}

    private static Table read(Path file, boolean header) {
        // Empty lines are records too (then dropped), so a record's number is its line number for messages.
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).setTrim(true).get();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
            List<CSVRecord> rows = new ArrayList<>();
            for (CSVRecord rec : p) if (!(rec.size() == 1 && rec.get(0).isEmpty())) rows.add(rec);
            if (rows.isEmpty()) throw DataException.of(file, "is empty");
            List<String> head = null;
            if (header) {
                head = rows.get(0).toList();
                rows = rows.subList(1, rows.size());
            }
            return new Table(file, head, rows);
        } catch (NoSuchFileException e) {
            throw DataException.of(file, "no such file");
        } catch (IOException | IllegalStateException e) {
            throw DataException.of(file, "is not valid CSV: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            // The parser's iterator wraps its CSVException; its message is the cause's toString, class name and all.
            throw DataException.of(file, "is not valid CSV: " + e.getCause().getMessage(), e);
        }
    }

    /** The train and test parts of {@code --dataset csv --data path}. */
    public static DataSets.TrainTest load(Path path) {
        if (path == null) throw new IllegalArgumentException("--dataset csv needs --data FILE.csv (or a folder with train.csv and test.csv)");
        if (Files.isDirectory(path)) {
            Table train = read(path.resolve("train.csv"), true), test = read(path.resolve("test.csv"), true);
            if (!train.header().equals(test.header()))
                throw DataException.of(test.file(), "has the columns " + Quote.of(String.join(",", test.header())) + " but " + train.file() + " has "
                        + Quote.of(String.join(",", train.header())));
            String[] classes = classes(train, test);
            return new DataSets.TrainTest(dataset(train, classes, "csv/train"), dataset(test, classes, "csv/test"), path);
        }
        Table all = read(path, true);
        String[] classes = classes(all);
        Dataset d = dataset(all, classes, "csv");
        Dataset.Split s = d.split(TEST_FRACTION, SPLIT_SEED);
        return new DataSets.TrainTest(s.train(), s.validation(), path);
    }

    private static int labelColumn(Table t) {
        int i = t.header().indexOf("label");
        return i >= 0 ? i : t.header().size() - 1;
    }

    private static String[] classes(Table... tables) {
        for (Table t : tables) requireColumns(t);   // before any row is looked at
        // Each distinct label is parsed once: a comparator that parsed would throw a NumberFormatException for every
        // comparison of a non-numeric label (a fuzzer found 2 KB allocated per input byte that way).
        Map<String, Double> numbers = new HashMap<>();
        for (Table t : tables) {
            int l = labelColumn(t);
            for (CSVRecord r : t.rows())
                if (r.size() > l && !numbers.containsKey(r.get(l))) numbers.put(r.get(l), number(r.get(l)));
        }
        List<String> names = new ArrayList<>(numbers.keySet());
        names.sort((a, b) -> {
            Double x = numbers.get(a), y = numbers.get(b);
            // "1" and "1.0" are two classes: equal numbers are told apart by their text.
            int byNumber = x != null && y != null ? Double.compare(x, y) : x != null ? -1 : y != null ? 1 : 0;
            return byNumber != 0 ? byNumber : a.compareTo(b);
        });
        return names.toArray(new String[0]);
    }

    private static void requireColumns(Table t) {
        if (t.header().size() < 2) throw DataException.of(t.file(), "needs a label column and at least one feature column, its header has "
                + Quote.of(String.join(",", t.header())));
    }

    private static Double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Table t's rows, after {@link #classes} (which checked its columns) gave the class names. */
    private static Dataset dataset(Table t, String[] classes, String name) {
        if (t.rows().isEmpty()) throw DataException.of(t.file(), "has a header but no rows");
        int l = labelColumn(t), width = t.header().size(), features = width - 1;
        TreeMap<String, Integer> index = new TreeMap<>();
        for (int i = 0; i < classes.length; i++) index.put(classes[i], i);
        float[] x = new float[t.rows().size() * features];
        int[] y = new int[t.rows().size()];
        for (int i = 0; i < t.rows().size(); i++) {
            CSVRecord r = t.rows().get(i);
            String where = "line " + r.getRecordNumber();
            if (r.size() != width) throw DataException.of(t.file(), where + " has " + r.size() + " fields but the header has " + width);
            int f = 0;
            for (int c = 0; c < width; c++) {
                if (c == l) {
                    y[i] = index.get(r.get(c));
                    continue;
                }
                x[i * features + f++] = feature(t.file(), where, t.header().get(c), r.get(c));
            }
        }
        return new Dataset(name, x, y, new int[] {features}, classes.length, classes);
    }

    private static float feature(Path file, String where, String column, String v) {
        float f;
        try {
            f = Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw DataException.of(file, where + ": column " + Quote.of(column) + " holds " + Quote.of(v) + ", not a number");
        }
        if (!Float.isFinite(f)) throw DataException.of(file, where + ": column " + Quote.of(column) + " holds " + Quote.of(v) + ", not a finite number");
        return f;
    }

    /**
     * Feature rows for prediction: every row must have {@code features} numbers; a first row that is not all numbers
     * is a header and skipped, and a column named {@code label} in it is left out.
     */
    public static float[] features(Path file, int features) {
        Table t = read(file, false);
        List<CSVRecord> rows = t.rows();
        int skip = -1;
        boolean hasHeader = rows.get(0).stream().anyMatch(s -> number(s) == null);
        if (hasHeader) {
            skip = rows.get(0).toList().indexOf("label");
            rows = rows.subList(1, rows.size());
        }
        List<float[]> out = new ArrayList<>();
        for (CSVRecord r : rows) {
            String where = "line " + r.getRecordNumber();
            int n = r.size() - (skip >= 0 && skip < r.size() ? 1 : 0);   // a short row may end before the label column
            if (n != features)
                throw DataException.of(file, where + " has " + n + " feature values but the model takes " + features + " features");
            float[] v = new float[features];
            int f = 0;
            for (int c = 0; c < r.size(); c++) if (c != skip) v[f++] = feature(file, where, "#" + (c + 1), r.get(c));
            out.add(v);
        }
        if (out.isEmpty()) throw DataException.of(file, "has no rows to predict");
        float[] x = new float[out.size() * features];
        for (int i = 0; i < out.size(); i++) System.arraycopy(out.get(i), 0, x, i * features, features);
        return x;
    }
}
