package io.wmrt;

import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameEncoder;

/**
 * The valid frame the hostile-input tests start from, before they break one thing in it.
 */
public final class TestFrames
{
    public static final float LANE = 3.5f;

    private TestFrames()
    {
    }

    /**
     * A straight road along +x: the ego at {@code egoX}, 8 m/s; a car standing in the lane 40 m ahead and one
     * oncoming in the other lane 80 m ahead; the route along the lane; a green light 130 m on.
     */
    public static SceneFrameEncoder straightRoad(
        final SceneFrameEncoder f, final long sequence, final long timestampNs, final float egoX)
    {
        f.sequence(sequence).timestampNs(timestampNs)
            .egoX(egoX).egoY(0f).egoHeading(0f).egoSpeed(8f).egoAccel(0f).egoSteer(0f)
            .egoLength(4.6f).egoWidth(1.9f).speedLimit(10f).laneWidth(LANE)
            .drivableLeft(1.5f * LANE).drivableRight(0.5f * LANE + 0.5f).drivableLeftEndS(0f).drivableRightEndS(0f)
            .agentCount(2)
            .agentId(0, 1).agentKind(0, SceneCodes.VEHICLE).agentX(0, egoX + 40f).agentY(0, 0f)
            .agentHeading(0, 0f).agentSpeed(0, 0f).agentYawRate(0, 0f).agentLength(0, 4.5f).agentWidth(0, 1.9f)
            .agentId(1, 2).agentKind(1, SceneCodes.VEHICLE).agentX(1, egoX + 80f).agentY(1, LANE)
            .agentHeading(1, (float)Math.PI).agentSpeed(1, 8f).agentYawRate(1, 0f).agentLength(1, 4.5f)
            .agentWidth(1, 1.9f)
            .routePointCount(40)
            .lightCount(1).lightStopS(0, egoX + 130f).lightState(0, SceneCodes.LIGHT_GREEN);
        for (int i = 0; i < 40; i++)
        {
            f.routeX(i, egoX - 10f + 10f * i).routeY(i, 0f);
        }
        return f;
    }
}
