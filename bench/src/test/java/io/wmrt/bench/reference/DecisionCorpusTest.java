package io.wmrt.bench.reference;

import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bench.BenchEnvironment;
import io.wmrt.bus.SceneWriter;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.planner.TrajectoryScorer;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner's decisions on a corpus of scenes recorded from the rig ({@code bench/corpus/decision-corpus},
 * cut by {@code bench/corpus/cut_corpus.py}) are the reference implementation's: each scene goes through the
 * int8 student's encoder, both candidate generators, the rollout and both scorers, with the previous scene's chosen
 * plan carried forward as the planner agent does. The candidates must be the same to the last bit, every candidate's
 * total and every cost term the same, and so the chosen candidate, with and without the learned terms.
 */
class DecisionCorpusTest
{
    private static final Path CORPUS = RecordedScenes.corpus(BenchEnvironment.repositoryRoot());
    private static final String MODEL = "wm-student-int8";

    @Test
    void shouldDecideAsTheReferenceImplementationOnEveryRecordedScene() throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        final ModelPackage model =
            ModelPackageLoader.load(BenchEnvironment.model(MODEL), ModelPackageLoader.Trust.none());
        final PlannerConfig config = PlannerConfig.from(model, profile).conclude();
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final Set<Integer> behavioursChosen = new HashSet<>();
        int scenes = 0;
        int learnedChanged = 0;
        long completed = 0;
        try (OrtCpuBackend backend = new OrtCpuBackend(1);
            PreparedGraph encoder = backend.prepare(model.graph(ModelPackage.ENCODER), arena);
            PreparedGraph rollout = backend.prepare(model.graph(ModelPackage.ROLLOUT), arena))
        {
            final Planners planners = new Planners(config, arena, encoder, rollout);
            for (final Path run : runs())
            {
                final RecordedScenes recording = RecordedScenes.read(run);
                planners.reset();
                for (int t = 0; t < recording.steps; t++)
                {
                    final String where = run.getFileName() + " scene " + t;
                    final int chosen = planners.plan(recording, t, where);
                    behavioursChosen.add(planners.set.behaviour[chosen]);
                    learnedChanged += planners.learnedChanged ? 1 : 0;
                    scenes++;
                }
            }
            completed = planners.completeCandidates;
        }
        assertTrue(scenes >= 400, "the corpus holds " + scenes + " scenes");
        // A corpus on which one behaviour always wins would hold no decision to keep.
        assertTrue(behavioursChosen.size() >= 3, "behaviours chosen: " + behavioursChosen);
        System.out.printf("decision corpus: %d scenes, the same choice on all; behaviours chosen %s; the learned " +
            "terms changed the choice on %d; the bounded selection scored %.1f of 64 candidates in full per scene%n",
            scenes, behavioursChosen, learnedChanged, (double)completed / scenes);
    }

    private static List<Path> runs() throws IOException
    {
        final List<Path> runs = RecordedScenes.runs(CORPUS);
        assertTrue(runs.size() >= 5, "runs in " + CORPUS + ": " + runs);
        return runs;
    }

    /** Today's planner and the reference, side by side over one arena. */
    private static final class Planners
    {
        private final PlannerConfig config;
        private final TensorArena arena;
        private final PreparedGraph encoder;
        private final PreparedGraph rollout;
        private final UnsafeBuffer frame =
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(SceneWriter.FRAME_LENGTH, 64));
        private final SceneFrameEncoder frameEncoder = new SceneFrameEncoder();
        private final SceneFrameDecoder frameDecoder = new SceneFrameDecoder();
        private final SceneSnapshot scene = new SceneSnapshot();
        final CandidateSet set;
        private final CandidateSet referenceSet;
        private final CandidateGenerator generator;
        private final ReferenceCandidateGenerator referenceGenerator;
        private final TrajectoryScorer scorer;
        private final ReferenceTrajectoryScorer referenceScorer;
        private final float[] previousAccel;
        private final float[] previousSteer;
        private boolean havePrevious;
        private long previousTimestampNs;
        boolean learnedChanged;
        long completeCandidates;

        Planners(final PlannerConfig config, final TensorArena arena, final PreparedGraph encoder,
            final PreparedGraph rollout)
        {
            this.config = config;
            this.arena = arena;
            this.encoder = encoder;
            this.rollout = rollout;
            set = new CandidateSet(config.candidates(), config.horizon());
            referenceSet = new CandidateSet(config.candidates(), config.horizon());
            generator = new CandidateGenerator(config);
            referenceGenerator = new ReferenceCandidateGenerator(config);
            scorer = new TrajectoryScorer(config);
            referenceScorer = new ReferenceTrajectoryScorer(config);
            previousAccel = new float[config.horizon()];
            previousSteer = new float[config.horizon()];
        }

        void reset()
        {
            havePrevious = false;
        }

        /** One tick of the planner agent on scene t, both ways; returns the candidate chosen. */
        int plan(final RecordedScenes recording, final int t, final String where) throws Exception
        {
            recording.encode(frameEncoder.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder()), t);
            scene.load(frameDecoder.wrapAndApplyHeader(frame, 0, new MessageHeaderDecoder()), config.maxAgents(),
                config.agentRangeM());
            scene.packAgents(arena.floats(ModelPackage.AGENTS_TENSOR), config.maxAgents());
            scene.packEgo(arena.floats(ModelPackage.EGO_TENSOR));
            scene.packRoute(arena.floats(ModelPackage.ROUTE_TENSOR));
            scene.packLights(arena.floats(ModelPackage.LIGHTS_TENSOR));
            encoder.execute();
            scene.useLearnedMoves(arena.floats(ModelPackage.AGENT_MOVES_TENSOR));

            final double shift = havePrevious ?
                Math.max(0, (scene.timestampNs - previousTimestampNs) / (config.dtSeconds() * 1e9)) : 0;
            generator.generate(scene, set, havePrevious ? previousAccel : null, previousSteer, shift);
            referenceGenerator.generate(scene, referenceSet, havePrevious ? previousAccel : null, previousSteer, shift);
            assertSameCandidates(where);

            final FloatBuffer actions = arena.floats(ModelPackage.ACTIONS_TENSOR);
            for (int i = 0, n = set.candidates * set.horizon; i < n; i++)
            {
                actions.put(2 * i, set.accel[i]);
                actions.put(2 * i + 1, set.steer[i]);
            }
            rollout.execute();
            final FloatBuffer future = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
            final FloatBuffer risk = arena.floats(ModelPackage.RISK_TENSOR);

            scorer.prepare(scene);
            referenceScorer.prepare(scene);
            int selected = 0;
            int analyticChoice = 0;
            int referenceSelected = 0;
            for (int k = 0; k < set.candidates; k++)
            {
                scorer.score(scene, set, future, risk, k);
                referenceScorer.score(scene, set, future, risk, k);
                assertSameScore(k, where);
                selected = scorer.total[k] < scorer.total[selected] ? k : selected;
                analyticChoice = scorer.analytic[k] < scorer.analytic[analyticChoice] ? k : analyticChoice;
                referenceSelected =
                    referenceScorer.total[k] < referenceScorer.total[referenceSelected] ? k : referenceSelected;
            }
            assertEquals(referenceSelected, selected, where + ": the chosen candidate");
            learnedChanged = analyticChoice != selected;

            // The planner's own selection, which leaves the candidates that cannot win part-scored.
            scorer.prepare(scene);
            final int bounded = scorer.select(scene, set, future, risk, set.candidates, false);
            assertEquals(selected, bounded, where + ": the chosen candidate, bounded selection");
            assertEquals(analyticChoice, scorer.analyticChoice(), where + ": the analytic choice, bounded selection");
            assertTrue(scorer.complete[bounded], where + ": the chosen candidate is scored in full");
            assertEquals(referenceScorer.total[bounded], scorer.total[bounded], where + ": the chosen total");
            completeCandidates += scorer.completeCount();

            final int h = set.horizon;
            System.arraycopy(set.accel, selected * h, previousAccel, 0, h);
            System.arraycopy(set.steer, selected * h, previousSteer, 0, h);
            havePrevious = true;
            previousTimestampNs = scene.timestampNs;
            return selected;
        }

        private void assertSameCandidates(final String where)
        {
            assertArrayEquals(referenceSet.accel, set.accel, where + ": accelerations");
            assertArrayEquals(referenceSet.steer, set.steer, where + ": steering");
            assertArrayEquals(referenceSet.x, set.x, where + ": x");
            assertArrayEquals(referenceSet.y, set.y, where + ": y");
            assertArrayEquals(referenceSet.heading, set.heading, where + ": heading");
            assertArrayEquals(referenceSet.speed, set.speed, where + ": speed");
            assertArrayEquals(referenceSet.behaviour, set.behaviour, where + ": behaviours");
            assertArrayEquals(referenceSet.lateralTarget, set.lateralTarget, where + ": lateral targets");
            assertEquals(referenceSet.latticeCount, set.latticeCount, where + ": lattice");
            assertEquals(referenceSet.emergencyIndex, set.emergencyIndex, where + ": emergency stop");
            assertEquals(referenceSet.comfortStopIndex, set.comfortStopIndex, where + ": comfort stop");
        }

        private void assertSameScore(final int k, final String where)
        {
            final String at = where + " candidate " + k + ": ";
            assertEquals(referenceScorer.collision[k], scorer.collision[k], 0.0, at + "collision");
            assertEquals(referenceScorer.ttc[k], scorer.ttc[k], 0.0, at + "ttc");
            assertEquals(referenceScorer.progress[k], scorer.progress[k], 0.0, at + "progress");
            assertEquals(referenceScorer.comfort[k], scorer.comfort[k], 0.0, at + "comfort");
            assertEquals(referenceScorer.lane[k], scorer.lane[k], 0.0, at + "lane");
            assertEquals(referenceScorer.redLight[k], scorer.redLight[k], 0.0, at + "red light");
            assertEquals(referenceScorer.pedestrian[k], scorer.pedestrian[k], 0.0, at + "pedestrian");
            assertEquals(referenceScorer.consistency[k], scorer.consistency[k], 0.0, at + "consistency");
            assertEquals(referenceScorer.risk[k], scorer.risk[k], 0.0, at + "risk");
            assertEquals(referenceScorer.total[k], scorer.total[k], 0.0, at + "total");
            assertEquals(referenceScorer.analytic[k], scorer.analytic[k], 0.0, at + "analytic");
            assertEquals(referenceScorer.minTtcS[k], scorer.minTtcS[k], 0.0, at + "minimum TTC");
            assertEquals(referenceScorer.progressM[k], scorer.progressM[k], 0.0, at + "progress metres");
            assertEquals(referenceScorer.firstCollisionStep[k], scorer.firstCollisionStep[k], at + "first collision");
        }
    }
}
