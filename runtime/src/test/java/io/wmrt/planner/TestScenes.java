package io.wmrt.planner;

import java.nio.FloatBuffer;
import java.util.function.IntToDoubleFunction;

/**
 * Scenes for scorer tests, built directly (no bus): a straight road through the ego.
 */
final class TestScenes
{
    private TestScenes()
    {
    }

    /**
     * A straight route from 10 m behind the ego along the unit direction (ux, uy), the ego standing on it at
     * the origin at {@code speed}: 4.6 x 1.9 m, lane 3.5 m, drivable 5.25 m to the left and 2.25 m to the right of
     * the lane centre, limit 10 m/s, no agents.
     */
    static SceneSnapshot straightRoad(final double speed, final double ux, final double uy)
    {
        final SceneSnapshot scene = new SceneSnapshot();
        scene.sequence = 1;
        scene.egoSpeed = speed;
        scene.egoLength = 4.6;
        scene.egoWidth = 1.9;
        scene.speedLimit = 10;
        scene.laneWidth = 3.5;
        scene.drivableLeft = 5.25;
        scene.drivableRight = 2.25;
        scene.route.clear();
        scene.route.add(-10 * ux, -10 * uy);
        scene.route.add(300 * ux, 300 * uy);
        scene.routeGiven = true;
        scene.route.project(0, 0);
        scene.egoS = scene.route.s;
        scene.egoD = scene.route.d;
        return scene;
    }

    /**
     * Score candidates 0 .. count - 1 of {@code set} in full on {@code scene} with no agents predicted, as the
     * planner would with an empty rollout.
     */
    static TrajectoryScorer scoreFirst(
        final PlannerConfig config, final SceneSnapshot scene, final CandidateSet set, final int count)
    {
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        final FloatBuffer future = FloatBuffer.allocate(config.candidates() * config.horizon() * config.maxAgents() * 3);
        scorer.prepare(scene);
        for (int k = 0; k < count; k++)
        {
            scorer.score(scene, set, future, k);
        }
        return scorer;
    }

    /**
     * Candidate k of {@code set} along +x from the origin at speed v0, step h accelerating at {@code accel(h)} (the
     * speed not below 0), steps of {@code dt}; the horizon is the set's.
     */
    static void alongX(
        final CandidateSet set, final int k, final double v0, final double dt, final IntToDoubleFunction accel)
    {
        final int horizon = set.horizon;
        double x = 0;
        double v = v0;
        for (int h = 0; h < horizon; h++)
        {
            final double a = accel.applyAsDouble(h);
            final double next = Math.max(0, v + a * dt);
            x += 0.5 * (v + next) * dt;
            v = next;
            final int i = k * horizon + h;
            set.x[i] = x;
            set.y[i] = 0;
            set.heading[i] = 0;
            set.speed[i] = v;
            set.accel[i] = (float)a;
            set.steer[i] = 0;
        }
    }

    /** The lattice and samples {@code config} makes of {@code scene}, with no previous plan. */
    static CandidateSet lattice(final PlannerConfig config, final SceneSnapshot scene)
    {
        final CandidateSet set = new CandidateSet(config.candidates(), config.horizon());
        new CandidateGenerator(config).generate(scene, set, null, null, 0);
        return set;
    }

    /** The lattice's FOLLOW_LIMIT candidate with lateral target {@code offset}. */
    static int followLimitAt(final CandidateSet set, final double offset)
    {
        for (int k = 0; k < set.latticeCount; k++)
        {
            if (set.behaviour[k] == CandidateSet.FOLLOW_LIMIT && set.lateralTarget[k] == offset)
            {
                return k;
            }
        }
        throw new AssertionError("no FOLLOW_LIMIT candidate at offset " + offset);
    }
}
