package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lattice can hold the ego's own offset when it drives right of its route, as on an acceleration lane whose
 * route already runs in the lane it joins: a plan that stays there while it matches the traffic's speed.
 */
class CandidateLatticeTest
{
    private static final int K = 64;
    private static final int H = 30;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(0.2).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldOfferPlansThatHoldAnOffsetRightOfTheRoute()
    {
        final SceneSnapshot scene = sceneWithEgoAt(-3.2, 15);
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, null, 0);

        int holding = 0;
        for (int k = 0; k < set.latticeCount; k++)
        {
            if (Math.abs(set.lateralTarget[k] + 3.2) > 1e-9 || set.behaviour[k] == CandidateSet.EMERGENCY_STOP)
            {
                continue;
            }
            holding++;
            for (int h = 0; h < H; h++)
            {
                scene.route.project(set.x[k * H + h], set.y[k * H + h]);
                assertEquals(-3.2, scene.route.d, 0.05, "candidate " + k + " step " + h + " stays at its offset");
            }
        }
        assertEquals(5, holding, "one per longitudinal behaviour");
        assertEquals(31, set.latticeCount);
    }

    @Test
    void shouldHoldTheRouteWhenTheEgoIsLeftOfIt()
    {
        final SceneSnapshot scene = sceneWithEgoAt(1.0, 10);
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, null, 0);

        int onRoute = 0;
        for (int k = 0; k < set.latticeCount; k++)
        {
            assertTrue(set.lateralTarget[k] != 1.0, "no plan targets an offset left of the route by itself");
            onRoute += set.lateralTarget[k] == 0.0 ? 1 : 0;
        }
        assertEquals(11, onRoute, "keep and hold both target the route, plus the emergency stop");
    }

    /** A straight route along x, {@code d} metres to the ego's left (so the ego is at offset d from it). */
    private static SceneSnapshot sceneWithEgoAt(final double d, final double speed)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(speed, 1, 0);
        scene.route.clear();
        scene.route.add(-10, -d);
        scene.route.add(300, -d);
        scene.route.project(0, 0);
        scene.egoS = scene.route.s;
        scene.egoD = scene.route.d;
        scene.drivableRight = 6;
        return scene;
    }
}
