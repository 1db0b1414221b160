package org.hhnn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Image augmentation of a training batch: each image is shifted by a random whole number of
 * pixels in {@code -maxShift..maxShift} along each axis (pixels shifted in are 0) and, with
 * mirroring on, flipped left-right with probability 1/2. Images are [channels, height, width] or
 * [height, width] row-major; all channels of an image move together.
 *
 * <p>The random draws of an image depend only on (seed, epoch, the image's index in the epoch's order), not
 * on what ran before nor on which batch or shard holds it: a run resumed from a checkpoint augments its batches
 * exactly as an uninterrupted run would (as {@link Batcher} does for the batch order), and N data-parallel ranks,
 * each holding a slice of a batch, augment what one process would.
 */
public final class Augment {
    private final long seed;
    private final int maxShift;
    private final boolean mirror;

    public Augment(long seed, int maxShift, boolean mirror) {
        if (maxShift < 0) {
            throw new IllegalArgumentException("augmentation shift must be >= 0, got " + maxShift);
        }
        this.seed = seed;
        this.maxShift = maxShift;
        this.mirror = mirror;
    }

    /** The usual CIFAR recipe (and DESIGN.md's): shift by up to 2 pixels, mirror. */
    public static Augment shiftMirror(long seed) {
        return new Augment(seed, 2, true);
    }

    /**
     * An augmented copy of the batch (the input is not changed); {@code firstSample} is the index in the epoch's
     * order of the batch's first image.
     *
     * @throws IllegalArgumentException if featureShape is not an image shape ({C,H,W} or {H,W})
     */
    public Batcher.Batch apply(Batcher.Batch b, int[] featureShape, int epoch, long firstSample) {
        if (featureShape.length != 2 && featureShape.length != 3) {
            throw new IllegalArgumentException("augmentation needs images of shape [C,H,W] or [H,W], not "
                    + Arrays.toString(featureShape));
        }
        int c = featureShape.length == 3 ? featureShape[0] : 1;
        int h = featureShape[featureShape.length - 2];
        int w = featureShape[featureShape.length - 1];
        int f = c * h * w;
        float[] out = new float[b.x().length];
        for (int i = 0; i < b.size(); i++) {
            // One stream per image, keyed by its index in the epoch (an epoch has fewer than 2^32 samples).
            SplittableRandom rng = new SplittableRandom(
                    Batcher.mix64(seed ^ Batcher.mix64(((long) epoch << 32 | ((firstSample + i) & 0xFFFFFFFFL)) + 0x2545F4914F6CDD1DL)));
            int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
            int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
            boolean flip = mirror && rng.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int base = i * f + ch * h * w;
                for (int yy = 0; yy < h; yy++) {
                    int sy = yy - dy;
                    if (sy < 0 || sy >= h) {
                        continue;
                    }
                    for (int xx = 0; xx < w; xx++) {
                        // Output column xx shows input column sx of the shifted (then mirrored) image.
                        int sx = (flip ? w - 1 - xx : xx) - dx;
                        if (sx >= 0 && sx < w) {
                            out[base + yy * w + xx] = b.x()[base + sy * w + sx];
                        }
                    }
                }
            }
        }
        return new Batcher.Batch(out, b.y(), b.size());
    }
}
