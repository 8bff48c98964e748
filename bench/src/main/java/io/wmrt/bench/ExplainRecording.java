package io.wmrt.bench;

import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bench.reference.RecordedScenes;
import io.wmrt.bench.reference.RecordedStages;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.planner.TrajectoryScorer;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;

import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/**
 * Why the planner chose what it chose at one step of a recorded run: the scenes of a rig recording
 * ({@code wmrt hil ... --record DIR}, one run directory) or of a decision-corpus run are played through the
 * planner's stages as {@code DecisionCorpusTest} plays them (the encoder and its parked verdicts, the candidate
 * generator with the previous choice carried forward, the batched rollout, the agents beyond the model's range
 * carried, the scorer), and at the step asked every candidate is printed with every cost term, the collision
 * term split into its footprint part, the after-horizon meeting and the unfinished pass.
 *
 * <p>It is these stages, not the planner agent: the agent's own corrections to the predicted motion (a car ahead
 * braking, a walker crossing, a turn) are left out, and the ego is where the recording has it, whatever was chosen
 * before; so a step can come out otherwise than in the run. It explains the scorer's view of a scene, it does
 * not reproduce the run.
 *
 * <pre>
 * java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.wmrt.bench.ExplainRecording RUN_DIR STEP [--from STEP0] [--model DIR] [--profile NAME]
 * </pre>
 * Exit status 2 on bad input, naming the file or argument.
 */
public final class ExplainRecording
{
    /** Steps played before the one explained when {@code --from} is not given: the previous choice settles. */
    static final int DEFAULT_LEAD_IN = 50;

    private ExplainRecording()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            run(args, System.out);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("explain: " + ex.getMessage());
            System.exit(2);
        }
        catch (final Exception ex)
        {
            System.err.println("explain: " + ex);
            System.exit(2);
        }
    }

    /** Plays the recording up to the step asked and prints the explanation; bad arguments throw. */
    static void run(final String[] args, final PrintStream out) throws Exception
    {
        if (args.length < 2)
        {
            throw new IllegalArgumentException("usage: ExplainRecording RUN_DIR STEP [--from STEP0] [--model DIR] " +
                "[--profile NAME]");
        }
        final Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir))
        {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        final int step = parseStep(args[1], "STEP");
        int from = -1;
        Path modelDir = BenchEnvironment.model("wm-student-int8");
        String profileName = "host";
        for (int i = 2; i < args.length; i += 2)
        {
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(args[i] + ": needs a value");
            }
            switch (args[i])
            {
                case "--from" -> from = parseStep(args[i + 1], "--from");
                case "--model" -> modelDir = Path.of(args[i + 1]);
                case "--profile" -> profileName = args[i + 1];
                default -> throw new IllegalArgumentException(args[i] + ": unknown option");
            }
        }
        final RecordedScenes recording = RecordedScenes.read(dir);
        if (step >= recording.steps)
        {
            throw new IllegalArgumentException("STEP " + step + ": " + dir + " has steps 0 to " +
                (recording.steps - 1));
        }
        from = from < 0 ? Math.max(0, step - DEFAULT_LEAD_IN) : Math.min(from, step);

        final HardwareProfile profile = HardwareProfileLoader.load(BenchEnvironment.profile(profileName));
        final ModelPackage model = ModelPackageLoader.load(modelDir, ModelPackageLoader.Trust.none());
        final PlannerConfig config = PlannerConfig.from(model, profile).conclude();
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final CandidateSet set = new CandidateSet(config.candidates(), config.horizon());
        final CandidateGenerator generator = new CandidateGenerator(config);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        final int h = set.horizon;
        final float[] previousAccel = new float[h];
        final float[] previousSteer = new float[h];
        boolean havePrevious = false;
        long previousTimestampNs = 0;
        try (OrtCpuBackend backend = new OrtCpuBackend(1);
            PreparedGraph encoderGraph = backend.prepare(model.graph(ModelPackage.ENCODER), arena);
            PreparedGraph rollout = backend.prepare(model.graph(ModelPackage.ROLLOUT), arena))
        {
            final RecordedStages stages = new RecordedStages(config, arena, encoderGraph, rollout);
            for (int t = from; t <= step; t++)
            {
                final SceneSnapshot scene = stages.load(recording, t);
                final double shift = havePrevious ?
                    Math.max(0, (scene.timestampNs - previousTimestampNs) / (config.dtSeconds() * 1e9)) : 0;
                generator.generate(scene, set, havePrevious ? previousAccel : null, previousSteer, shift);
                final FloatBuffer future = stages.rollOut(set);
                final FloatBuffer risk = stages.risk();
                scorer.prepare(scene);
                int chosen = 0;
                for (int k = 0; k < set.candidates; k++)
                {
                    scorer.score(scene, set, future, risk, k);
                    chosen = scorer.total[k] < scorer.total[chosen] ? k : chosen;
                }
                out.printf(Locale.ROOT, "step %d (%.1f s): ego (%.2f, %.2f) at %.2f m/s, chose %d (%s), total %.1f%n",
                    t, scene.timestampNs / 1e9, scene.egoWorldX, scene.egoWorldY, scene.egoSpeed, chosen,
                    CandidateSet.behaviourName(set.behaviour[chosen]), scorer.total[chosen]);
                if (t == step)
                {
                    explain(out, scene, set, scorer, future, config, chosen);
                }
                System.arraycopy(set.accel, chosen * h, previousAccel, 0, h);
                System.arraycopy(set.steer, chosen * h, previousSteer, 0, h);
                havePrevious = true;
                previousTimestampNs = scene.timestampNs;
            }
        }
    }

    private static void explain(final PrintStream out, final SceneSnapshot scene, final CandidateSet set,
        final TrajectoryScorer scorer, final FloatBuffer future, final PlannerConfig config, final int chosen)
    {
        final int h = set.horizon;
        out.println("candidates, cheapest first (collision = footprint + after-horizon + unfinished pass; " +
            "end = last pose in the ego's frame at the step; first contact = when the footprint term first " +
            "finds one):");
        out.println("   k behaviour         total  footprint  after-hor  unfinished      ttc  progress  comfort" +
            "     lane  red-light  pedestrian  consistency     risk  end x, y, speed  first contact");
        final Integer[] order = new Integer[set.candidates];
        for (int k = 0; k < order.length; k++)
        {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparingDouble(k -> scorer.total[k]));
        for (final int k : order)
        {
            final int last = k * h + h - 1;
            final double footprint = scorer.collision[k] - scorer.afterHorizon[k] - scorer.unfinishedPass[k];
            out.printf(Locale.ROOT, "%s%3d %-14s %9.1f %10.1f %10.1f %11.1f %8.1f %9.1f %8.1f %8.1f %10.1f %11.1f " +
                    "%12.1f %8.1f  %.1f, %.2f, %.1f  %s%n",
                k == chosen ? "*" : " ", k, CandidateSet.behaviourName(set.behaviour[k]), scorer.total[k], footprint,
                scorer.afterHorizon[k], scorer.unfinishedPass[k], scorer.ttc[k], scorer.progress[k],
                scorer.comfort[k], scorer.lane[k], scorer.redLight[k], scorer.pedestrian[k], scorer.consistency[k],
                scorer.risk[k], set.x[last], set.y[last], set.speed[last],
                scorer.firstCollisionStep[k] < 0 ? "-" : String.format(Locale.ROOT, "%.1f s",
                    (scorer.firstCollisionStep[k] + 1) * config.dtSeconds()));
        }
        out.println("road users in the scene (ego frame), with where the rollout has them at the chosen " +
            "candidate's last step:");
        final int maxAgents = config.maxAgents();
        for (int n = 0; n < scene.allAgents(); n++)
        {
            final int at = ((chosen * h + h - 1) * maxAgents + n) * 3;
            out.printf(Locale.ROOT, "  %2d kind %d at (%.1f, %.2f) route s %.1f d %.2f, %.2f m/s%s -> (%.1f, %.2f)%n",
                n, scene.agentKind[n], scene.agentX[n], scene.agentY[n], scene.agentS[n], scene.agentD[n],
                scene.agentSpeed[n], scene.agentParked[n] ? ", parked" : "", future.get(at), future.get(at + 1));
        }
    }

    private static int parseStep(final String text, final String what)
    {
        try
        {
            final int value = Integer.parseInt(text);
            if (value < 0)
            {
                throw new IllegalArgumentException(what + " " + text + ": must be 0 or more");
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " " + text + ": not a step number");
        }
    }
}
