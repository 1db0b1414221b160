package org.hhnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hhnn viz}: pictures of what a trained model computes; each picture is a subcommand. */
@Command(name = "viz", mixinStandardHelpOptions = true, description = "Visualise what a trained model computes.",
        subcommands = {VizActivationsCommand.class})
public final class VizCommand implements Runnable {
    @Spec CommandSpec spec;

    // Without a subcommand there is nothing to draw: say which pictures exist.
    @Override public void run() { spec.commandLine().usage(System.out); }
}
