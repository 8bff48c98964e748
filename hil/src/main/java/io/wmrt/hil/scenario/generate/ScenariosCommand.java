package io.wmrt.hil.scenario.generate;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code wmrt scenarios}: procedural scenario families for the HIL rig. {@code generate} writes scenario
 * directories in the format of hil/scenarios/README.md, {@code families} (or {@code --list}) prints every family
 * with its parameters and ranges (hil/scenarios/FAMILIES.md documents the same). Exit codes: 0 done, 2 bad input
 * (an unknown family, a bad count, an existing non-empty target directory), 3 netconvert failed.
 */
@Command(
    name = "scenarios",
    mixinStandardHelpOptions = true,
    version = "wmrt scenarios 0.1.0",
    description = "Procedural SUMO scenario families for the HIL rig.",
    subcommands = {
        ScenariosCommand.Generate.class,
        ScenariosCommand.ListFamilies.class,
        CommandLine.HelpCommand.class})
public final class ScenariosCommand implements Callable<Integer>
{
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--list", description = "print every family with its parameters and ranges")
    boolean list;

    @Override
    public Integer call()
    {
        if (list)
        {
            printFamilies(spec.commandLine().getOut());
            return 0;
        }
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code wmrt scenarios generate}. */
    @Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Write COUNT scenario directories <family>-<seed>-<index> of a family under DIR, their " +
            "parameters drawn deterministically from (seed, index); each records them in parameters.yaml.")
    static final class Generate implements Callable<Integer>
    {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--family", required = true, paramLabel = "NAME", description = "the family (see 'families')")
        String family;

        @Option(names = "--count", defaultValue = "1", paramLabel = "N",
            description = "how many scenarios (default: ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "generation seed; the same seed gives byte-identical directories (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the directories go")
        Path out;

        @Override
        public Integer call() throws IOException
        {
            final Family chosen = Families.byName(family).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "--family: unknown family '" + family + "' (known: " + Families.names() + ")"));
            if (count < 1 || count > ScenarioGenerator.MAX_COUNT)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--count must be in [1, " + ScenarioGenerator.MAX_COUNT + "], not " + count);
            }
            if (seed < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--seed must not be negative");
            }
            final List<Path> written = ScenarioGenerator.generate(chosen, count, seed, out);
            for (final Path dir : written)
            {
                spec.commandLine().getOut().println("wrote " + dir);
            }
            return 0;
        }
    }

    /** {@code wmrt scenarios families}. */
    @Command(name = "families", mixinStandardHelpOptions = true,
        description = "Print every family with its parameters and ranges.")
    static final class ListFamilies implements Callable<Integer>
    {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call()
        {
            printFamilies(spec.commandLine().getOut());
            return 0;
        }
    }

    static void printFamilies(final PrintWriter out)
    {
        for (final Family f : Families.all())
        {
            out.println(f.name() + ": " + f.summary());
            int width = 0;
            for (final Parameter p : f.parameters())
            {
                width = Math.max(width, p.name().length());
            }
            for (final Parameter p : f.parameters())
            {
                out.printf("  %-" + width + "s  %-26s %s%n", p.name(), p.range(), p.description());
            }
            out.println();
        }
        out.flush();
    }

    public static CommandLine commandLine()
    {
        final CommandLine cli = new CommandLine(new ScenariosCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final PrintWriter err = commandLine.getErr();
            if (ex instanceof java.nio.file.FileAlreadyExistsException || ex instanceof IllegalArgumentException)
            {
                err.println("wmrt scenarios: refused: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("wmrt scenarios: " + ex.getMessage());
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
