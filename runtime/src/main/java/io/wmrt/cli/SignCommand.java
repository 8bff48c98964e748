package io.wmrt.cli;

import io.wmrt.model.ModelPackageLoader;
import io.wmrt.model.ModelSignature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = "Verify a model package, then sign its manifest with an Ed25519 key (replacing any earlier " +
        "signature). The manifest is rewritten atomically.")
final class SignCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "DIR", description = "package directory")
    Path dir;

    @Option(names = "--key", paramLabel = "BASE", required = true,
        description = "key pair made by 'wmrt keygen' (BASE.key and BASE.pub)")
    Path base;

    public Integer call() throws Exception
    {
        final Path privateKey = base.resolveSibling(base.getFileName() + ".key");
        final Path publicKey = base.resolveSibling(base.getFileName() + ".pub");
        // Never sign what would not load: digests and tensors are checked first.
        ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());
        final String keyId = ModelSignature.sign(dir.resolve(ModelPackageLoader.MANIFEST), privateKey, publicKey);
        ModelPackageLoader.load(dir, new ModelPackageLoader.Trust(true, List.of(publicKey)));
        System.out.printf("signed %s with key %s; verified%n", dir.resolve(ModelPackageLoader.MANIFEST), keyId);
        return 0;
    }
}
