package org.hhnn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando; 60000 training and 10000 test grayscale 28x28 images of 10 clothing
 * classes) from a directory of the four standard IDX files, gzipped or not. The default
 * directory is where the Debian package {@code dataset-fashion-mnist} installs them. Pixels are
 * scaled to [0, 1]; items have feature shape {1, 28, 28} (one channel, rows, columns).
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int SIDE = 28;
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    public static Dataset train(Path dir) {
        return load(dir, "train", "fashion-mnist/train");
    }

    public static Dataset test(Path dir) {
        return load(dir, "t10k", "fashion-mnist/test");
    }

    public static Dataset train() {
        return train(DEFAULT_DIR);
    }

    public static Dataset test() {
        return test(DEFAULT_DIR);
    }

    private static Dataset load(Path dir, String prefix, String name) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("Fashion-MNIST directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + "; `apt-get install dataset-fashion-mnist` provides it at " + DEFAULT_DIR
                    + ", or --data DIR points elsewhere");
        }
        Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.IdxImages images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile);
        if (images.rows() != SIDE || images.cols() != SIDE) {
            throw DataException.of(imagesFile, "Fashion-MNIST images are " + SIDE + "x" + SIDE + " but this file holds "
                    + images.rows() + "x" + images.cols());
        }
        if (images.count() != labels.length) {
            throw new DataException(imagesFile + " holds " + images.count() + " images but " + labelsFile + " holds "
                    + labels.length + " labels; the two files must match one to one");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASS_NAMES.size()) {
                throw DataException.of(labelsFile, "label " + labels[i] + " at index " + i + " is outside 0.."
                        + (CLASS_NAMES.size() - 1));
            }
        }
        return new Dataset(name, images.scaled(), labels, new int[] {1, SIDE, SIDE}, CLASS_NAMES.size(),
                CLASS_NAMES.toArray(new String[0]));
    }

    /** Prefers the .gz name (what the Debian package ships), else the uncompressed name. */
    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        if (Files.exists(raw)) {
            return raw;
        }
        throw DataException.of(gz, "no such file (nor " + raw.getFileName() + " beside it) in the Fashion-MNIST directory");
    }
}
