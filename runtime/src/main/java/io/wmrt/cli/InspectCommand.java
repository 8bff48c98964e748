package io.wmrt.cli;

import io.wmrt.config.ConfigException;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.model.TensorSpec;
import io.wmrt.planner.CostWeights;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Validate and describe a hardware profile or a model package; exits non-zero when invalid.",
    subcommands = {InspectCommand.Profile.class, InspectCommand.Model.class})
final class InspectCommand implements Runnable
{
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "profile", mixinStandardHelpOptions = true, description = "Validate a hardware profile.")
    static final class Profile implements Callable<Integer>
    {
        @Parameters(paramLabel = "FILE", description = "profile YAML")
        Path file;

        public Integer call()
        {
            try
            {
                final HardwareProfile p = HardwareProfileLoader.load(file);
                System.out.printf("%s: valid profile for %s (%s)%n", file, p.soc(), p.description());
                if (p.hasNpu())
                {
                    final HardwareProfile.Npu n = p.npu();
                    System.out.printf("  npu: HTP %s, %.0f dense int8 TOPS +-%.0f%% (%s), fp16 %b, %s %s, VTCM %d MB%n",
                        n.htpArch(), n.denseInt8Tops(), n.topsUncertaintyPct(), n.topsSource(), n.fp16(),
                        n.backendPath(), n.performanceMode(), n.vtcmMb());
                }
                else
                {
                    System.out.println("  npu: none");
                }
                System.out.printf("  cpu: %d cores, %s, planner core %s%n", p.cpu().cores(), p.cpu().isa(),
                    p.cpu().plannerCore() < 0 ? "not pinned" : String.valueOf(p.cpu().plannerCore()));
                System.out.printf("  planner: %.0f Hz, deadline %.1f ms, idle %s, %d intra-op thread(s), %s%n",
                    p.planner().tickHz(), p.planner().deadlineMs(), p.planner().idleStrategy(),
                    p.planner().intraOpThreads(), !p.planner().helperThread() ? "no helper thread" :
                    p.cpu().helperCore() < 0 ? "helper thread not pinned" :
                    "helper thread on core " + p.cpu().helperCore());
                for (final Map.Entry<String, List<String>> e : p.dispatch().entrySet())
                {
                    System.out.printf("  dispatch %s: %s%n", e.getKey(), String.join(" -> ", e.getValue()));
                }
                System.out.printf("  models: %s%n", p.requireSignedModels() ?
                    "must be signed by one of " + p.trustedKeys() : "signature optional");
                return 0;
            }
            catch (final ConfigException ex)
            {
                System.err.println("invalid profile: " + ex.getMessage());
                return WmrtCommand.EXIT_FAILED;
            }
        }
    }

    @Command(name = "model", mixinStandardHelpOptions = true,
        description = "Verify a model package: manifest, sha256 of every graph, tensors against the graphs, " +
            "signature.")
    static final class Model implements Callable<Integer>
    {
        @Parameters(paramLabel = "DIR", description = "package directory")
        Path dir;

        @Option(names = "--profile", paramLabel = "FILE",
            description = "check the signature as this profile demands (trusted keys, signed or not)")
        Path profileFile;

        @Option(names = "--trusted-key", paramLabel = "FILE", description = "public key to verify the signature with")
        List<Path> trustedKeys = new ArrayList<>();

        public Integer call()
        {
            try
            {
                ModelPackageLoader.Trust trust = new ModelPackageLoader.Trust(false, trustedKeys);
                if (null != profileFile)
                {
                    final HardwareProfile p = HardwareProfileLoader.load(profileFile);
                    final List<Path> keys = new ArrayList<>(p.trustedKeys());
                    keys.addAll(trustedKeys);
                    trust = new ModelPackageLoader.Trust(p.requireSignedModels(), keys);
                }
                else if (trustedKeys.isEmpty())
                {
                    trust = new ModelPackageLoader.Trust(false,
                        List.of(Defaults.home().resolve("models/keys/wmrt-dev.pub")));
                }
                final ModelPackage m = ModelPackageLoader.load(dir, trust);
                System.out.printf("%s: valid package %s %s, precision %s%n", dir, m.name(), m.version(), m.precision());
                System.out.printf("  planner: K=%d candidates, H=%d steps of %.2f s, N=%d agents within %.1f m%n",
                    m.planner().candidates(), m.planner().horizon(), m.planner().dtSeconds(), m.planner().maxAgents(),
                    m.planner().agentRangeM());
                System.out.printf("  planner packs: %s; scores: %s%s%n", String.join(", ", m.packedInputs()),
                    m.predictsRisk() ? ModelPackage.AGENT_FUTURE_TENSOR + ", " + ModelPackage.RISK_TENSOR :
                        ModelPackage.AGENT_FUTURE_TENSOR,
                    !m.predictsRisk() ? "" : m.riskCost().isPresent() ?
                        String.format(" (risk 1.0 costs %.1f, the package's price)", m.riskCost().getAsDouble()) :
                        String.format(" (risk 1.0 costs %.1f, the planner's default)", new CostWeights().risk));
                System.out.printf("  standing vehicles parked or queued: %s%n", m.predictsMoves() ?
                    "the model's " + ModelPackage.AGENT_MOVES_TENSOR + " (parked below " + SceneSnapshot.PARKED_BELOW +
                        " probability of moving within 30 s)" : "the planner's queue rule");
                for (final GraphSpec g : m.graphs().values())
                {
                    System.out.printf("  %s: %s sha256 %s ok%s%n", g.role(), dir.relativize(g.file()),
                        g.sha256().substring(0, 16) + "...", g.quantized() ? ", int8 QDQ" : "");
                    for (final TensorSpec t : g.inputs())
                    {
                        System.out.println("    in  " + t);
                    }
                    for (final TensorSpec t : g.outputs())
                    {
                        System.out.println("    out " + t);
                    }
                }
                for (final Map.Entry<String, String> e : m.lineage().entrySet())
                {
                    System.out.printf("  lineage %s: %s%n", e.getKey(), e.getValue());
                }
                System.out.println("  signature: " + (m.signed() ? "valid, key " + m.signedBy() :
                    "none verified (unsigned, or signed by a key not given)"));
                return 0;
            }
            catch (final ConfigException ex)
            {
                System.err.println("invalid model package: " + ex.getMessage());
                return WmrtCommand.EXIT_FAILED;
            }
        }
    }
}
