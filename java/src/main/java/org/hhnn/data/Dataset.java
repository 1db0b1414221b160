package org.hhnn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An in-memory labeled dataset: {@code x} holds {@code size()} items of {@code features()}
 * floats each, row-major ({@code x[i * features() + j]}), {@code y[i]} is item i's class in
 * {@code 0..numClasses-1}, and {@code featureShape} says how one item's features are laid out
 * (e.g. {1, 28, 28} for a one-channel image, {784} for a flat vector).
 *
 * <p>The arrays are taken as they are, not copied (a training set is hundreds of MB), and the
 * accessors return them as they are: treat them as read-only. Every derived dataset
 * ({@link #subset}, {@link #take}, {@link #split}) gets its own copies.
 */
public final class Dataset {
    private final String name;
    private final float[] x;
    private final int[] y;
    private final int[] featureShape;
    private final int features;
    private final int numClasses;
    private final String[] classNames;
    /** Sequence data only: token strings by id (id 0 = padding), so x holds ids in 0..vocabSize()-1; else null. */
    private final String[] vocabulary;

    /** Train and validation parts of a {@link #split}. */
    public record Split(Dataset train, Dataset validation) {
    }

    /**
     * @throws IllegalArgumentException naming the dataset and the problem: a shape that does not
     *     match the arrays, a label outside {@code 0..numClasses-1} (with its index), a non-finite
     *     feature (with item and feature index), or classNames of the wrong length
     */
    public Dataset(String name, float[] x, int[] y, int[] featureShape, int numClasses, String[] classNames) {
        if (name == null || x == null || y == null || featureShape == null) {
            throw new IllegalArgumentException("dataset: name, x, y and featureShape must not be null");
        }
        this.name = name;
        if (featureShape.length == 0) {
            throw new IllegalArgumentException(name + ": featureShape must have at least one dimension");
        }
        long f = 1;
        for (int d : featureShape) {
            if (d < 1) {
                throw new IllegalArgumentException(name + ": featureShape " + Arrays.toString(featureShape)
                        + " has a dimension below 1");
            }
            f *= d;
            if (f > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": featureShape " + Arrays.toString(featureShape)
                        + " is too large");
            }
        }
        this.features = (int) f;
        if ((long) y.length * features != x.length) {
            throw new IllegalArgumentException(name + ": x has " + x.length + " floats but " + y.length
                    + " labels of " + features + " features each need " + (long) y.length * features);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException(name + ": numClasses must be at least 1, got " + numClasses);
        }
        if (classNames != null && classNames.length != numClasses) {
            throw new IllegalArgumentException(name + ": " + classNames.length + " class names for "
                    + numClasses + " classes");
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + y[i] + " at index " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException(name + ": feature " + (i % features) + " of item "
                        + (i / features) + " is " + x[i]);
            }
        }
        this.x = x;
        this.y = y;
        this.featureShape = featureShape.clone();
        this.numClasses = numClasses;
        this.classNames = classNames == null ? null : classNames.clone();
        this.vocabulary = null;
    }

    public String name() {
        return name;
    }

    /** Features, row-major [size, features]; not a copy. */
    public float[] x() {
        return x;
    }

    /** Labels; not a copy. */
    public int[] y() {
        return y;
    }

    public int size() {
        return y.length;
    }

    /** Number of floats per item: the product of {@link #featureShape()}. */
    public int features() {
        return features;
    }

    public int[] featureShape() {
        return featureShape.clone();
    }

    public int numClasses() {
        return numClasses;
    }

    /** Class names indexed by label, or null when the data has none. */
    public String[] classNames() {
        return classNames == null ? null : classNames.clone();
    }

    /** Token strings by id for sequence data (x holds token ids; id 0 = padding), or null for other data. */
    public String[] vocabulary() {
        return vocabulary == null ? null : vocabulary.clone();
    }

    /** Number of token ids (padding included) for sequence data; 0 for other data. */
    public int vocabSize() {
        return vocabulary == null ? 0 : vocabulary.length;
    }

    /**
     * Same data (shared, not copied) marked as token ids of the given vocabulary; every derived
     * dataset keeps it. Checks that every feature is a whole number in {@code 0..tokens.length-1}.
     */
    public Dataset withVocabulary(String[] tokens) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] != Math.rint(x[i]) || x[i] < 0 || x[i] >= tokens.length) {
                throw new IllegalArgumentException(name + ": feature " + (i % features) + " of item " + (i / features)
                        + " is " + x[i] + ", not a token id in 0.." + (tokens.length - 1));
            }
        }
        return new Dataset(name, x, y, featureShape, numClasses, classNames, tokens.clone());
    }

    /** Same data (shared, not copied) seen with another shape of the same size, e.g. {784} for {1,28,28}. */
    public Dataset withFeatureShape(int... shape) {
        long f = 1;
        for (int d : shape) {
            f *= d;
        }
        if (f != features || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(name + ": cannot view features " + Arrays.toString(featureShape)
                    + " as " + Arrays.toString(shape));
        }
        return new Dataset(name, x, y, shape, numClasses, classNames, vocabulary);
    }

    /** Items from (inclusive) .. to (exclusive), copied. */
    public Dataset subset(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException(name + ": subset [" + from + ", " + to + ") is not within [0, "
                    + size() + ")");
        }
        return new Dataset(name + "[" + from + ":" + to + "]",
                Arrays.copyOfRange(x, from * features, to * features),
                Arrays.copyOfRange(y, from, to), featureShape, numClasses, classNames, vocabulary);
    }

    /** The items at the given indices, in that order (repeats allowed), copied. */
    public Dataset take(int[] indices) {
        return gather(name + "[" + indices.length + " items]", indices);
    }

    /** The first n items (all of them when n >= size()). */
    public Dataset limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + ": limit must be >= 0, got " + n);
        }
        return n >= size() ? this : subset(0, n);
    }

    /**
     * Splits at random into train and validation parts, the validation part holding
     * {@code round(validationFraction * size())} items: at least one when the fraction is above
     * zero, none when it is zero (train is then all the data, shared), and never all of them.
     * The permutation is a Fisher-Yates shuffle driven by {@code new java.util.SplittableRandom(seed)},
     * so the same seed gives the same split on any JVM; each part keeps the items in their
     * original relative order.
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(name + ": validation fraction must be in [0, 1), got "
                    + validationFraction);
        }
        int n = size();
        long nVal = Math.round(validationFraction * n);
        if (validationFraction > 0) {
            nVal = Math.max(nVal, 1);
        }
        nVal = Math.min(nVal, Math.max(0, n - 1));
        if (nVal == 0) {
            return new Split(new Dataset(name + "/train", x, y, featureShape, numClasses, classNames, vocabulary),
                    subset(0, 0));
        }
        int[] perm = permutation(n, new SplittableRandom(seed));
        int[] val = Arrays.copyOfRange(perm, 0, (int) nVal);
        int[] train = Arrays.copyOfRange(perm, (int) nVal, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(gather(name + "/train", train), gather(name + "/validation", val));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Copies the features of item {@code index} into {@code dst} at {@code offset}. */
    void copyItem(int index, float[] dst, int offset) {
        System.arraycopy(x, index * features, dst, offset, features);
    }

    private Dataset gather(String newName, int[] indices) {
        float[] nx = new float[indices.length * features];
        int[] ny = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) {
                throw new IllegalArgumentException(name + ": index " + i + " at position " + k
                        + " is outside 0.." + (size() - 1));
            }
            copyItem(i, nx, k * features);
            ny[k] = y[i];
        }
        return new Dataset(newName, nx, ny, featureShape, numClasses, classNames, vocabulary);
    }

    /** For data derived from an already validated dataset: skips the O(n) checks. */
    private Dataset(String name, float[] x, int[] y, int[] featureShape, int numClasses, String[] classNames,
            String[] vocabulary) {
        this.name = name;
        this.x = x;
        this.y = y;
        this.featureShape = featureShape.clone();
        int f = 1;
        for (int d : featureShape) {
            f *= d;
        }
        this.features = f;
        this.numClasses = numClasses;
        this.classNames = classNames;
        this.vocabulary = vocabulary;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " items of " + Arrays.toString(featureShape) + ", " + numClasses + " classes)";
    }
}
