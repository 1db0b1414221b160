package org.hhnn.cli;

import java.nio.file.Path;
import org.hhnn.train.Checkpoint;
import picocli.CommandLine.Option;

/** --checkpoint DIR, shared by every command that reads a trained model. */
public final class CheckpointOption {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "checkpoint directory (its latest loadable save) or one save in it")
    Path checkpoint;

    /** The checkpoint, or one sentence naming what in it is missing or damaged. */
    Checkpoint.Loaded load() { return Checkpoint.load(checkpoint); }
}
