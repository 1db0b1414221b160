package org.hhnn.cli;

import java.io.PrintWriter;
import org.hhnn.backend.BackendUnavailableException;
import org.hhnn.data.DataException;
import org.hhnn.dist.Distributed;
import org.hhnn.dist.DistributedException;
import org.hhnn.train.CheckpointException;
import org.hhnn.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hhnn} command line: a thin layer over the Java API. */
@Command(name = "hhnn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train Hodgkin-Huxley and modulated neural networks fast.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, InfoCommand.class, DemoCommand.class,
                BenchCommand.class, SimulateCommand.class, CompareCommand.class, ReproduceCommand.class, VizCommand.class, GpuCheckCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override public void run() { new CommandLine(this).usage(System.out); }

    private static Throwable failure;   // the failure the handler reported, for ending an MPI job

    public static void main(String[] args) {
        int code = execute(args);
        Distributed.end(code, failure);   // under mpirun: finish MPI, or abort the job when only this rank failed
        System.exit(code);
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Known user-facing failures: one sentence, non-zero exit, no stack trace.
            Throwable e = ex;
            failure = e;
            if (e instanceof DataException || e instanceof CheckpointException || e instanceof BackendUnavailableException
                    || e instanceof TrainingDivergedException || e instanceof IllegalArgumentException
                    || e instanceof java.nio.file.NoSuchFileException || e instanceof DistributedException) {
                if (Distributed.reports(e)) cmd.getErr().println("hhnn: " + message(e));
                return 1;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            // A flag picocli cannot parse: one sentence and where to look, not the whole usage text.
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("hhnn: " + ex.getMessage() + " (see: hhnn " + cmd.getCommandSpec().qualifiedName(" ").replaceFirst("^hhnn ?", "")
                    + (cmd.getCommandSpec().name().equals("hhnn") ? "" : " ") + "--help)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setErr(new PrintWriter(System.err, true));
        try {
            args = ConfigFile.expand(cl, args);
        } catch (IllegalArgumentException e) {
            cl.getErr().println("hhnn: " + e.getMessage());
            return 1;
        }
        return cl.execute(args);
    }

    private static String message(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file: " + e.getMessage();
        return e.getMessage();
    }
}
