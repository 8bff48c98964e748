package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vehicle standing first at a green light (slow to start, or broken down) is waited for with room to steer round
 * it, as a parked one is: 3.4 m behind a broken-down car that the model first took for a slow starter, every pass
 * left too little room past its corner (red-light-queue-7900-002). At a red light it is a queue, closed up to.
 * <p>
 * The ego at the origin facing +x at 6 m/s; a car 4.6 m long standing in lane with its front at 30 m; a stop line
 * at {@code lineS}.
 */
class FirstAtGreenTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 8;
    private static final double FRONT = 30;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldTakeACarJustBeforeAGreenStopLineForTheFirstAtIt()
    {
        assertTrue(firstAtGreen(FRONT + 3, SceneCodes.LIGHT_GREEN));
        assertFalse(firstAtGreen(FRONT + 3, SceneCodes.LIGHT_RED));
        assertFalse(firstAtGreen(FRONT + 3, SceneCodes.LIGHT_YELLOW));
        // Further back, something may stand between it and the line: it is traffic.
        assertFalse(firstAtGreen(FRONT + 20, SceneCodes.LIGHT_GREEN));
        // A line it has already passed is not its light.
        assertFalse(firstAtGreen(FRONT - 6, SceneCodes.LIGHT_GREEN));
    }

    @Test
    void shouldWaitFurtherBackBehindTheFirstAtAGreenLight()
    {
        // Stopping with 3.4 m to its rear against stopping with 8.4 m: at green the longer gap wins, at red the
        // shorter (the queue standoff is 3 m).
        assertTrue(stopAt(3.4, SceneCodes.LIGHT_GREEN) > stopAt(8.4, SceneCodes.LIGHT_GREEN));
        assertTrue(stopAt(3.4, SceneCodes.LIGHT_RED) < stopAt(8.4, SceneCodes.LIGHT_RED));
    }

    private static boolean firstAtGreen(final double lineS, final byte light)
    {
        final SceneSnapshot scene = scene(lineS, light);
        return TrajectoryScorer.firstAtGreen(scene, scene.egoS + FRONT);
    }

    /** The progress term of a plan braking evenly from 6 m/s to a stop {@code gap} metres behind the car's rear. */
    private double stopAt(final double gap, final byte light)
    {
        final SceneSnapshot scene = scene(FRONT + 3, light);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            future.put(h * N * 3, (float)(FRONT - 2.3));
        }
        final double stopX = FRONT - 4.6 - gap - 2.3;
        final double decel = 6 * 6 / (2 * stopX);
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 6, DT, h -> -decel);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.progress[0];
    }

    private static SceneSnapshot scene(final double lineS, final byte light)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(6, 1, 0);
        scene.speedLimit = 14;
        scene.lightCount = 1;
        scene.lightStopS[0] = scene.egoS + lineS;
        scene.lightState[0] = light;
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = FRONT - 2.3;
        scene.agentS[0] = scene.egoS + FRONT - 2.3;
        scene.agentLength[0] = 4.6;
        scene.agentWidth[0] = 1.8;
        return scene;
    }
}
