/**
 * Loading labeled data into memory for training: {@link org.hhnn.data.IdxReader} and
 * {@link org.hhnn.data.IdxWriter} read and write the IDX format of MNIST-style sets (gzip or raw,
 * detected by content), {@link org.hhnn.data.FashionMnist} loads Fashion-MNIST from the Debian
 * package {@code dataset-fashion-mnist} or any directory, {@link org.hhnn.data.Dataset} holds
 * features and labels as flat arrays with subsetting and a seeded train/validation split, and
 * {@link org.hhnn.data.Batcher} cuts a dataset into mini-batches whose per-epoch order depends
 * only on (seed, epoch), so a run resumed at epoch e sees exactly the batches it would have seen.
 * Text: {@link org.hhnn.data.Names} (a folder of {@code <Class>.txt}, char level) and
 * {@link org.hhnn.data.Sst2} (TSV, word level) hold token ids as floats, right-padded with 0;
 * {@link org.hhnn.data.Cifar10} reads the CIFAR-10 binary format; {@link org.hhnn.data.Augment}
 * shifts and mirrors image batches; {@link org.hhnn.data.DataSets} maps --dataset names to loaders.
 * Every problem with input files is a {@link org.hhnn.data.DataException} whose message is one
 * sentence naming the file and what is wrong with it.
 */
package org.hhnn.data;
