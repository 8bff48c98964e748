package io.wmrt.bench.reference;

import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bench.BenchEnvironment;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.planner.TrajectoryScorer;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
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
 * int8 student's encoder, both candidate generators, the rollout and both scorers (each scoring its own generator's
 * candidates), with the previous scene's chosen plan carried forward as the planner agent does. The chosen candidate
 * must be the same, with and without the learned terms; the candidates and every candidate's total and cost terms
 * the same to rounding ({@link #CLOSE}): the leaner generator turns the heading by small rotations where the
 * reference calls cos and sin, and steers by a cross product where it calls atan2, so their last bits differ.
 */
class DecisionCorpusTest
{
    private static final Path CORPUS = RecordedScenes.corpus(BenchEnvironment.repositoryRoot());
    private static final String MODEL = "wm-student-int8";
    /**
     * How far apart the two implementations' numbers may be, relative to the larger of 1 and their size: rounding,
     * nowhere near a decision (the corpus differs by about 1e-12; a tolerance of 1e-12 fails on a total).
     */
    static final double CLOSE = 1e-9;

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

    static void assertClose(final double expected, final double actual, final String what)
    {
        final boolean same = Double.compare(expected, actual) == 0;
        assertTrue(same || Math.abs(expected - actual) <= CLOSE * Math.max(1, Math.abs(expected)),
            () -> what + ": reference " + expected + ", planner " + actual);
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
        private final RecordedStages stages;
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
            stages = new RecordedStages(config, arena, encoder, rollout);
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
            final SceneSnapshot scene = stages.load(recording, t);

            final double shift = havePrevious ?
                Math.max(0, (scene.timestampNs - previousTimestampNs) / (config.dtSeconds() * 1e9)) : 0;
            generator.generate(scene, set, havePrevious ? previousAccel : null, previousSteer, shift);
            referenceGenerator.generate(scene, referenceSet, havePrevious ? previousAccel : null, previousSteer, shift);
            assertSameCandidates(where);

            // As the planner agent does: the agents beyond the model's range, carried at constant velocity.
            final FloatBuffer future = stages.rollOut(set);
            final FloatBuffer risk = stages.risk();

            scorer.prepare(scene);
            referenceScorer.prepare(scene);
            int selected = 0;
            int analyticChoice = 0;
            int referenceSelected = 0;
            for (int k = 0; k < set.candidates; k++)
            {
                scorer.score(scene, set, future, risk, k);
                referenceScorer.score(scene, referenceSet, future, risk, k);
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
            assertClose(referenceScorer.total[bounded], scorer.total[bounded], where + ": the chosen total");
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
            for (int i = 0, n = set.candidates * set.horizon; i < n; i++)
            {
                final String at = where + " candidate " + i / set.horizon + " step " + i % set.horizon + ": ";
                assertClose(referenceSet.accel[i], set.accel[i], at + "acceleration");
                assertClose(referenceSet.steer[i], set.steer[i], at + "steering");
                assertClose(referenceSet.x[i], set.x[i], at + "x");
                assertClose(referenceSet.y[i], set.y[i], at + "y");
                assertClose(referenceSet.heading[i], set.heading[i], at + "heading");
                assertClose(referenceSet.speed[i], set.speed[i], at + "speed");
            }
            assertArrayEquals(referenceSet.behaviour, set.behaviour, where + ": behaviours");
            assertArrayEquals(referenceSet.lateralTarget, set.lateralTarget, where + ": lateral targets");
            assertEquals(referenceSet.latticeCount, set.latticeCount, where + ": lattice");
            assertEquals(referenceSet.emergencyIndex, set.emergencyIndex, where + ": emergency stop");
            assertEquals(referenceSet.comfortStopIndex, set.comfortStopIndex, where + ": comfort stop");
            assertEquals(referenceSet.firmStopIndex, set.firmStopIndex, where + ": firm stop");
        }

        private void assertSameScore(final int k, final String where)
        {
            final String at = where + " candidate " + k + ": ";
            assertClose(referenceScorer.collision[k], scorer.collision[k], at + "collision");
            assertClose(referenceScorer.ttc[k], scorer.ttc[k], at + "ttc");
            assertClose(referenceScorer.progress[k], scorer.progress[k], at + "progress");
            assertClose(referenceScorer.comfort[k], scorer.comfort[k], at + "comfort");
            assertClose(referenceScorer.lane[k], scorer.lane[k], at + "lane");
            assertClose(referenceScorer.redLight[k], scorer.redLight[k], at + "red light");
            assertClose(referenceScorer.pedestrian[k], scorer.pedestrian[k], at + "pedestrian");
            assertClose(referenceScorer.consistency[k], scorer.consistency[k], at + "consistency");
            assertClose(referenceScorer.risk[k], scorer.risk[k], at + "risk");
            assertClose(referenceScorer.total[k], scorer.total[k], at + "total");
            assertClose(referenceScorer.analytic[k], scorer.analytic[k], at + "analytic");
            assertClose(referenceScorer.minTtcS[k], scorer.minTtcS[k], at + "minimum TTC");
            assertClose(referenceScorer.progressM[k], scorer.progressM[k], at + "progress metres");
            assertEquals(referenceScorer.firstCollisionStep[k], scorer.firstCollisionStep[k], at + "first collision");
        }
    }
}
