package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On an acceleration lane the route runs in the lane the ego must merge into, so every lateral target of the
 * lattice was a merge: nothing waited on the acceleration lane for a gap, and once the planner knew where that
 * lane ends it steered into a car alongside (merge-8400-003). Wholly in the lane right of its route's, the
 * half-lane-right target holds the lane the ego is in, and following there stops short of where it ends.
 * <p>
 * Every case: a 3.5 m lane along +x, the ego 3.5 m right of it at 15 m/s with 1.5 lanes of room on the right.
 */
class AccelerationLaneTest
{
    private static final int H = 30;
    private final PlannerConfig config = new PlannerConfig().candidates(64).horizon(H).dtSeconds(0.2).maxAgents(8)
        .actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();

    @Test
    void shouldHoldTheAccelerationLaneAndStopShortOfItsEnd()
    {
        final SceneSnapshot scene = onAccelerationLane(60);
        final CandidateSet set = lattice(scene);
        int holding = 0;
        for (int k = 0; k < set.latticeCount; k++)
        {
            if (set.lateralTarget[k] != scene.egoD)
            {
                continue;
            }
            holding++;
            final int last = k * H + H - 1;
            assertEquals(0, set.y[last], 0.3, "candidate " + k + " stays in the acceleration lane");
            final double maxX = furthest(set, k);
            assertTrue(maxX + 2.3 <= 60, "candidate " + k + " runs its front to " + (maxX + 2.3) + " m, the lane ends at 60");
        }
        assertTrue(holding >= 4, "one per behaviour, found " + holding);
    }

    @Test
    void shouldWaitForAGapWhereItCanStillSteerIntoTheLaneBeforeTheEnd()
    {
        // Waiting 1.5 m short of a 110 m acceleration lane's end, every merge from rest ran a corner past the end,
        // and the ego crept on beside the traffic off the road for 15 s (corridor-10300-012).
        final SceneSnapshot scene = onAccelerationLane(12);
        scene.egoSpeed = 2;
        final double room = TrajectoryScorer.mergeRoom(config, 3.5 - 1.75 + 0.9, 0);
        assertTrue(room > 4 && room < 8, "a full-lock merge from rest into the lane needs some metres, got " + room);
        final CandidateSet set = lattice(scene);
        int holding = 0;
        for (int k = 0; k < set.latticeCount; k++)
        {
            if (set.lateralTarget[k] != scene.egoD)
            {
                continue;
            }
            holding++;
            final double maxX = furthest(set, k);
            assertTrue(maxX + 2.3 <= 12 - room + 1e-6,
                "candidate " + k + " runs its front to " + (maxX + 2.3) + " m, the merge needs it by " + (12 - room));
        }
        assertTrue(holding >= 4, "one per behaviour, found " + holding);
    }

    @Test
    void shouldChargeAStopTooCloseToTheEndToMergeFromRest()
    {
        final SceneSnapshot scene = onAccelerationLane(30);
        scene.egoSpeed = 3;
        final double room = TrajectoryScorer.mergeRoom(config, 3.5 - 1.75 + 0.9, 0);
        final CandidateSet set = new CandidateSet(config.candidates(), H);
        stopWithFrontAt(set, 0, 30 - 1.5);
        stopWithFrontAt(set, 1, 30 - room - 0.5);
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);
        final CostWeights w = new CostWeights();
        assertTrue(scorer.progress[0] > 0.9 * w.cornered, "1.5 m short of the end: cornered, got " + scorer.progress[0]);
        assertTrue(scorer.progress[1] < w.cornered / 10, "room to merge from rest, got " + scorer.progress[1]);

        // Already standing that close, standing on costs nothing more: every plan would pay it alike, and a merge
        // into traffic must not look cheap beside them.
        final SceneSnapshot late = onAccelerationLane(2.3 + 1.5);
        late.egoSpeed = 0;
        final CandidateSet stand = new CandidateSet(config.candidates(), H);
        stopWithFrontAt(stand, 0, 2.3);
        final TrajectoryScorer standing = TestScenes.scoreFirst(config, late, stand, 1);
        assertTrue(standing.progress[0] < w.cornered / 10, "the ego is there already, got " + standing.progress[0]);

        // In its own lane the end of the room beside it binds nothing.
        final SceneSnapshot inLane = onAccelerationLane(30);
        inLane.egoD = 0;
        inLane.route.clear();
        inLane.route.add(-10, 0);
        inLane.route.add(300, 0);
        inLane.route.project(0, 0);
        final TrajectoryScorer own = TestScenes.scoreFirst(config, inLane, set, 1);
        assertTrue(own.progress[0] < w.cornered / 10, "in its lane, got " + own.progress[0]);
    }

    @Test
    void shouldEarnNothingForCreepingTowardsTheEndWhereNoMergeFromRestFits()
    {
        // Creeping on at walking pace where no merge fitted any more, the ego came to the end and stopped there
        // at 6 m/s² from 1.3 m/s (merge-10200-008): waiting further back must not look worse than edging on.
        final SceneSnapshot scene = onAccelerationLane(20);
        scene.egoSpeed = 0;
        final double room = TrajectoryScorer.mergeRoom(config, 3.5 - 1.75 + 0.9, 0);
        final CandidateSet set = new CandidateSet(config.candidates(), H);
        stopWithFrontAt(set, 0, 20 - room - 0.5);
        stopWithFrontAt(set, 1, 20 - room + 1.5);
        // Still creeping at the horizon's end, it is not cornered yet.
        set.speed[H + H - 1] = 2 * TrajectoryScorer.CORNERED_MPS;
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);
        assertTrue(scorer.progress[0] < scorer.progress[1], "standing where a merge fits (" + scorer.progress[0] +
            ") beats edging past it (" + scorer.progress[1] + ")");
        final CandidateSet merging = new CandidateSet(config.candidates(), H);
        stopWithFrontAt(merging, 0, 20 - room + 1.5);
        for (int h = 0; h < H; h++)
        {
            merging.y[h] = 3.5 * Math.min(1, (h + 1.0) / (H / 2.0));
        }
        final TrajectoryScorer merged = TestScenes.scoreFirst(config, scene, merging, 1);
        assertTrue(merged.progress[0] < scorer.progress[0], "a plan that ends in its lane earns its whole advance");
    }

    /** The furthest along x candidate k's centre goes. */
    private static double furthest(final CandidateSet set, final int k)
    {
        double maxX = Double.NEGATIVE_INFINITY;
        for (int h = 0; h < H; h++)
        {
            maxX = Math.max(maxX, set.x[k * H + h]);
        }
        return maxX;
    }

    /** Candidate k: slowing along the acceleration lane (y = 0) to rest with its front at {@code frontX}. */
    private static void stopWithFrontAt(final CandidateSet set, final int k, final double frontX)
    {
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            final double f = Math.min(1, (h + 1.0) / (H / 2.0));
            set.x[i] = frontX - 2.3 - (1 - f) * (1 - f) * 4;
            set.y[i] = 0;
            set.heading[i] = 0;
            set.speed[i] = 3 * (1 - f);
            set.accel[i] = h < H / 2 ? -1 : 0;
            set.steer[i] = 0;
        }
    }

    @Test
    void shouldKeepHalfALaneRightInTheLane()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(15, 1, 0);
        assertEquals(-0.5 * scene.laneWidth, CandidateGenerator.targetOffset(scene, 4), 1e-12);
        assertEquals(-3.5, CandidateGenerator.targetOffset(onAccelerationLane(60), 4), 1e-9);
        assertEquals(0, CandidateGenerator.targetOffset(onAccelerationLane(60), 0), 1e-12, "merging stays a target");
    }

    private SceneSnapshot onAccelerationLane(final double endAhead)
    {
        // The route (the lane to merge into) runs 3.5 m left of the ego, which stands at the origin.
        final SceneSnapshot scene = TestScenes.straightRoad(15, 1, 0);
        scene.route.clear();
        scene.route.add(-10, 3.5);
        scene.route.add(300, 3.5);
        scene.route.project(0, 0);
        scene.egoS = scene.route.s;
        scene.egoD = scene.route.d;
        scene.drivableRight = 5.25;
        scene.drivableRightEndS = scene.egoS + endAhead;
        return scene;
    }

    private CandidateSet lattice(final SceneSnapshot scene)
    {
        final CandidateSet set = new CandidateSet(config.candidates(), H);
        new CandidateGenerator(config).generateLattice(scene, set);
        return set;
    }
}
