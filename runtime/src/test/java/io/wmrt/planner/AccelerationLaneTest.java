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
            double maxX = Double.NEGATIVE_INFINITY;
            for (int h = 0; h < H; h++)
            {
                maxX = Math.max(maxX, set.x[k * H + h]);
            }
            assertTrue(maxX + 2.3 <= 60, "candidate " + k + " runs its front to " + (maxX + 2.3) + " m, the lane ends at 60");
        }
        assertTrue(holding >= 4, "one per behaviour, found " + holding);
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
