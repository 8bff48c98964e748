package io.wmrt.cli;

import io.wmrt.model.ModelSignature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = "Make an Ed25519 key pair for signing model packages: BASE.key (private, mode 600) and " +
        "BASE.pub (list it in a profile's models.trusted_keys).")
final class KeygenCommand implements Callable<Integer>
{
    @Option(names = "--out", paramLabel = "BASE", required = true, description = "path without extension")
    Path base;

    public Integer call() throws Exception
    {
        final String keyId = ModelSignature.generateKeyPair(base);
        System.out.printf("wrote %s.key and %s.pub (key id %s)%n", base, base, keyId);
        return 0;
    }
}
