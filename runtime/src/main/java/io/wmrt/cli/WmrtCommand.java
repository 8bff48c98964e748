package io.wmrt.cli;

import io.wmrt.bus.InstanceRefusedException;
import io.wmrt.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code wmrt} command line. Exit codes: 0 success, 1 the job ran and failed its checks (a scene with a
 * collision, an invalid package), 2 bad input (a profile or manifest refused, an unknown option, an instance
 * directory that is in use or not private to the user), 4 {@code wmrt run} halted because its planner did not
 * stop in time.
 */
@Command(
    name = "wmrt",
    mixinStandardHelpOptions = true,
    version = "wmrt 0.1.0",
    description = "In-vehicle world-model runtime: plans by batched what-if rollouts of a quantized world model " +
        "and publishes trajectories over shared memory.",
    subcommands = {
        RunCommand.class,
        DemoCommand.class,
        SoakCommand.class,
        InspectCommand.class,
        BoardCheckCommand.class,
        StatCommand.class,
        TailCommand.class,
        RecordCommand.class,
        ViewCommand.class,
        KeygenCommand.class,
        SignCommand.class,
        CommandLine.HelpCommand.class})
public final class WmrtCommand implements Runnable
{
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    /**
     * {@code wmrt run} was asked to stop but its planner thread did not finish within
     * {@link io.wmrt.runtime.WmrtRuntime#STOP_TIMEOUT_MS}: the process halted, the reason is in the error log.
     */
    public static final int EXIT_HALTED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine()
    {
        final CommandLine cli = new CommandLine(new WmrtCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final PrintWriter err = commandLine.getErr();
            if (ex instanceof ConfigException || ex instanceof InstanceRefusedException)
            {
                err.println("wmrt: refused: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("wmrt " + commandLine.getCommandName() + ": " +
                (ex instanceof java.io.IOException ? ex.getMessage() : ex.toString()));
            if (Boolean.getBoolean("wmrt.debug"))
            {
                ex.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cli;
    }

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }
}
