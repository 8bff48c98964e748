package io.wmrt.cli;

import io.wmrt.boardcheck.BoardCheck;
import io.wmrt.boardcheck.BoardReport;
import io.wmrt.boardcheck.Machine;
import io.wmrt.config.ConfigException;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(
    name = "board-check",
    mixinStandardHelpOptions = true,
    description = "The first command on a freshly flashed board: the machine, every backend with why it is or " +
        "is not available, which backend each graph dispatches to, and each package's golden output run " +
        "through every backend that can take it, with its latency. Exit 0 when every backend gives the golden " +
        "outputs, 1 when one does not, 2 on bad input.")
final class BoardCheckCommand implements Callable<Integer>
{
    @Option(names = "--profile", paramLabel = "FILE",
        description = "hardware profile (default: " + Defaults.DEFAULT_PROFILE + ")")
    Path profileFile;

    @Option(names = "--model", paramLabel = "DIR",
        description = "model package to check (repeatable; default: every package under models/)")
    List<Path> modelDirs = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON here")
    Path json;

    @Option(names = "--runs", paramLabel = "N",
        description = "timed runs per graph and backend, after a warm-up (default: ${DEFAULT-VALUE})",
        defaultValue = "" + BoardCheck.DEFAULT_RUNS)
    int runs;

    public Integer call() throws ConfigException, IOException
    {
        if (runs < 1)
        {
            System.err.println("wmrt board-check: --runs must be at least 1, not " + runs);
            return WmrtCommand.EXIT_BAD_INPUT;
        }
        final HardwareProfile profile = Loading.profile(null != profileFile ? DemoCommand.resolve(profileFile) : null);
        final List<ModelPackage> packages = new ArrayList<>();
        for (final Path dir : modelDirs.isEmpty() ? committedPackages() : resolved(modelDirs))
        {
            packages.add(Loading.model(dir, profile));
        }

        final BoardReport report = new BoardCheck(profile).runs(runs).check(packages, Machine.probe(Path.of("/")));
        report.print(System.out);
        if (null != json)
        {
            report.writeJson(json);
            System.out.println("report written to " + json);
        }
        return report.passed() ? 0 : WmrtCommand.EXIT_FAILED;
    }

    private static List<Path> resolved(final List<Path> dirs) throws ConfigException
    {
        final List<Path> resolved = new ArrayList<>();
        for (final Path dir : dirs)
        {
            final Path path = DemoCommand.resolve(dir);
            if (!Files.isDirectory(path))
            {
                throw new ConfigException(dir, null, "no such directory; --model names a model package directory " +
                    "(one holding " + ModelPackageLoader.MANIFEST + ")");
            }
            resolved.add(path);
        }
        return resolved;
    }

    /**
     * Every directory under the repository's models/ holding a manifest, in name order.
     */
    private static List<Path> committedPackages() throws IOException, ConfigException
    {
        final Path models = Defaults.home().resolve("models");
        if (!Files.isDirectory(models))
        {
            throw new ConfigException(models, null, "no models directory to check; name packages with --model DIR");
        }
        try (Stream<Path> files = Files.walk(models))
        {
            return files
                .filter(file -> file.getFileName().toString().equals(ModelPackageLoader.MANIFEST))
                .map(Path::getParent)
                .sorted()
                .toList();
        }
    }
}
