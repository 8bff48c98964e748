package io.wmrt.soak;

import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameEncoder;

import java.util.SplittableRandom;

/**
 * Moving traffic on a straight two-lane road, for the soak's scene stream. The ego follows a lead car and
 * stops for red lights (both with the intelligent driver model), a light every 400 m cycles green, yellow and
 * red, oncoming cars pass in the other lane, cars are parked on the shoulder beside bins, pedestrians walk the
 * pavement and one crosses at the light on red, and a cyclist rides the cycle path.
 * <p>
 * Nobody is ever put in the ego's path: the ego keeps the lead car's gap and stops before the line, so a
 * plan that must brake as hard as it can is never the right answer here. Deterministic: step n is the same in
 * every run (the walkers' directions come from a fixed seed). The frame's map origin moves every 2 km so that
 * float coordinates keep their centimetres however long the soak runs.
 * <p>
 * Not thread safe: owned by the soak's producer.
 */
final class SoakTraffic
{
    static final float LANE_WIDTH = 3.5f;
    static final float SPEED_LIMIT = 13.9f;
    static final float EGO_LENGTH = 4.6f;
    static final float EGO_WIDTH = 1.9f;
    static final int ROUTE_POINTS = 40;
    static final double ROUTE_STEP_M = 10;

    private static final double CAR_LENGTH = 4.5;
    private static final double CAR_WIDTH = 1.9;
    private static final double ONCOMING_Y = LANE_WIDTH;
    private static final double SHOULDER_Y = -3.4;
    private static final double PAVEMENT_Y = -5.0;
    private static final double FAR_KERB_Y = 7.5;
    private static final double CYCLE_PATH_Y = -6.5;
    private static final double BIN_Y = -2.9;

    private static final double LIGHT_FIRST_M = 200;
    private static final double LIGHT_SPACING_M = 400;
    private static final double CYCLE_S = 30;
    private static final double GREEN_S = 16;
    private static final double YELLOW_S = 3;
    /** The crossing walker steps off the kerb this long after the light turns red. */
    private static final double CROSS_DELAY_S = 1;
    private static final double CROSSWALK_AFTER_LINE_M = 4;
    private static final double WALK_MPS = 1.3;
    private static final double CROSS_MPS = 1.4;
    private static final double CYCLE_MPS = 5;
    private static final double ONCOMING_MPS = 12;
    private static final double ONCOMING_EVERY_S = 6;

    /** Agents from this far behind the ego to this far ahead are in the frame. */
    private static final double WINDOW_BEHIND_M = 40;
    private static final double WINDOW_AHEAD_M = 150;
    private static final double MAP_TILE_M = 2000;

    // The intelligent driver model (Treiber): the same for the ego and the lead car.
    private static final double IDM_ACCEL = 1.2;
    private static final double IDM_DECEL = 2.0;
    private static final double IDM_HEADWAY_S = 1.5;
    private static final double IDM_MIN_GAP_M = 2.5;
    private static final double MAX_BRAKE = 6;
    /** A vehicle stops for yellow only when it can do so at this deceleration or less; otherwise it goes. */
    private static final double STOP_DECISION_DECEL = 3;
    private static final double EGO_CRUISE_MPS = 11;
    private static final double LEAD_CRUISE_MPS = 10;

    private static final int ONCOMING_SLOTS = 8;
    private static final int WALKERS = 5;

    private final double dt;
    private final SplittableRandom random;
    private long step;

    private double egoX;
    private double egoV = 8;
    private double egoA;
    private boolean egoStopping;

    private double leadX = 35;
    private double leadV = 9;
    private boolean leadStopping;
    private int leadId = 1;

    private final double[] oncomingX = new double[ONCOMING_SLOTS];
    private final boolean[] oncomingActive = new boolean[ONCOMING_SLOTS];
    private final int[] oncomingId = new int[ONCOMING_SLOTS];
    private int oncomingSpawned;
    private double nextOncomingS;

    private final double[] walkerX = new double[WALKERS];
    private final double[] walkerDir = new double[WALKERS];
    private final int[] walkerId = new int[WALKERS];
    private int walkersSpawned;

    private double cyclistX = 60;
    private int cyclistId = 3000;

    private int agentCount;
    private float frameEgoX;

    /**
     * @param dtSeconds the time between two frames.
     * @param seed      the walkers' directions.
     */
    SoakTraffic(final double dtSeconds, final long seed)
    {
        dt = dtSeconds;
        random = new SplittableRandom(seed);
        for (int i = 0; i < WALKERS; i++)
        {
            respawnWalker(i, 20 + 30 * i);
        }
    }

    /**
     * Move everything on by one frame period.
     */
    void step()
    {
        step++;
        final double t = seconds();
        final byte light = lightState(t);

        final double leadFront = leadX + CAR_LENGTH / 2;
        leadStopping = decideStop(leadStopping, light, nextLine(leadFront) - leadFront, leadV);
        double leadAccel = idm(leadV, LEAD_CRUISE_MPS, Double.POSITIVE_INFINITY, 0);
        if (leadStopping)
        {
            leadAccel = Math.min(leadAccel, idm(leadV, LEAD_CRUISE_MPS, nextLine(leadFront) - leadFront, leadV));
        }

        final double egoFront = egoX + EGO_LENGTH / 2;
        egoStopping = decideStop(egoStopping, light, nextLine(egoFront) - egoFront, egoV);
        double egoAccel = idm(egoV, EGO_CRUISE_MPS, leadX - CAR_LENGTH / 2 - egoFront, egoV - leadV);
        if (egoStopping)
        {
            egoAccel = Math.min(egoAccel, idm(egoV, EGO_CRUISE_MPS, nextLine(egoFront) - egoFront, egoV));
        }

        final double leadV1 = Math.max(0, leadV + leadAccel * dt);
        leadX += 0.5 * (leadV + leadV1) * dt;
        leadV = leadV1;
        final double egoV1 = Math.max(0, egoV + egoAccel * dt);
        egoX += 0.5 * (egoV + egoV1) * dt;
        egoA = (egoV1 - egoV) / dt;
        egoV = egoV1;

        if (leadX - egoX > WINDOW_AHEAD_M + 10)
        {
            // The lead car drove off while the ego waited at a light: another turns in ahead.
            leadX = egoX + 100;
            leadV = Math.min(egoV + 1, LEAD_CRUISE_MPS);
            leadStopping = false;
            leadId++;
        }

        moveOncoming(t);
        moveWalkers();
        cyclistX += CYCLE_MPS * dt;
        if (cyclistX < egoX - WINDOW_BEHIND_M || cyclistX > egoX + WINDOW_AHEAD_M + 10)
        {
            cyclistX = cyclistX < egoX ? egoX + WINDOW_AHEAD_M : egoX - 30;
            cyclistId++;
        }
    }

    /**
     * Encode the scene as it stands now: ego, the agents within the window, the route ahead and the next light.
     */
    void write(final SceneFrameEncoder f, final long sequence, final long timestampNs)
    {
        final double base = Math.floor(egoX / MAP_TILE_M) * MAP_TILE_M;
        frameEgoX = (float)(egoX - base);
        f.sequence(sequence).timestampNs(timestampNs)
            .egoX(frameEgoX).egoY(0f).egoHeading(0f).egoSpeed((float)egoV).egoAccel((float)egoA)
            .egoSteer(0f).egoLength(EGO_LENGTH).egoWidth(EGO_WIDTH).speedLimit(SPEED_LIMIT).laneWidth(LANE_WIDTH)
            .drivableLeft(1.5f * LANE_WIDTH).drivableRight(0.5f * LANE_WIDTH + 0.5f)
            .drivableLeftEndS(0f).drivableRightEndS(0f)
            .reserved(0);

        agentCount = 0;
        putAgent(f, base, leadId, SceneCodes.VEHICLE, leadX, 0, 0, leadV, CAR_LENGTH, CAR_WIDTH);
        for (int i = 0; i < ONCOMING_SLOTS; i++)
        {
            if (oncomingActive[i])
            {
                putAgent(f, base, oncomingId[i], SceneCodes.VEHICLE, oncomingX[i], ONCOMING_Y, Math.PI,
                    ONCOMING_MPS, CAR_LENGTH, CAR_WIDTH);
            }
        }
        putParked(f, base);
        for (int i = 0; i < WALKERS; i++)
        {
            putAgent(f, base, walkerId[i], SceneCodes.PEDESTRIAN, walkerX[i], PAVEMENT_Y,
                walkerDir[i] > 0 ? 0 : Math.PI, WALK_MPS, 0.6, 0.6);
        }
        putAgent(f, base, cyclistId, SceneCodes.CYCLIST, cyclistX, CYCLE_PATH_Y, 0, CYCLE_MPS, 1.8, 0.6);
        putCrossingWalker(f, base);
        f.agentCount(agentCount);

        final double routeStart = egoX - ROUTE_STEP_M;
        f.routePointCount(ROUTE_POINTS);
        for (int i = 0; i < ROUTE_POINTS; i++)
        {
            f.routeX(i, (float)(routeStart + ROUTE_STEP_M * i - base)).routeY(i, 0f);
        }
        f.lightCount(1)
            .lightStopS(0, (float)(nextLine(egoX + EGO_LENGTH / 2) - routeStart))
            .lightState(0, lightState(seconds()));
    }

    /**
     * @return agents written by the last {@link #write}: the first free slot, where a bad one may be added.
     */
    int agentCount()
    {
        return agentCount;
    }

    /**
     * @return the ego's x in the map frame of the last {@link #write}.
     */
    float frameEgoX()
    {
        return frameEgoX;
    }

    /**
     * @return the light's state now.
     */
    byte light()
    {
        return lightState(seconds());
    }

    double egoSpeed()
    {
        return egoV;
    }

    /**
     * @return the free gap from the ego's front to the lead car's rear, metres.
     */
    double leadGap()
    {
        return leadX - CAR_LENGTH / 2 - (egoX + EGO_LENGTH / 2);
    }

    double seconds()
    {
        return step * dt;
    }

    private static byte lightState(final double t)
    {
        final double phase = t % CYCLE_S;
        if (phase < GREEN_S)
        {
            return SceneCodes.LIGHT_GREEN;
        }
        return phase < GREEN_S + YELLOW_S ? SceneCodes.LIGHT_YELLOW : SceneCodes.LIGHT_RED;
    }

    /**
     * @return the first stop line strictly ahead of {@code x}.
     */
    private static double nextLine(final double x)
    {
        if (x < LIGHT_FIRST_M)
        {
            return LIGHT_FIRST_M;
        }
        return LIGHT_FIRST_M + (Math.floor((x - LIGHT_FIRST_M) / LIGHT_SPACING_M) + 1) * LIGHT_SPACING_M;
    }

    private static boolean decideStop(
        final boolean stopping, final byte light, final double distanceToLine, final double speed)
    {
        if (light == SceneCodes.LIGHT_GREEN)
        {
            return false;
        }
        return stopping || distanceToLine > speed * speed / (2 * STOP_DECISION_DECEL);
    }

    /**
     * The intelligent driver model's acceleration behind an obstacle {@code gap} metres ahead closing at
     * {@code closing} m/s (infinite gap: free road).
     */
    private static double idm(final double v, final double cruise, final double gap, final double closing)
    {
        double accel = IDM_ACCEL * (1 - Math.pow(v / cruise, 4));
        if (gap < Double.POSITIVE_INFINITY)
        {
            final double desired = IDM_MIN_GAP_M +
                Math.max(0, v * IDM_HEADWAY_S + v * closing / (2 * Math.sqrt(IDM_ACCEL * IDM_DECEL)));
            final double ratio = desired / Math.max(gap, 0.1);
            accel -= IDM_ACCEL * ratio * ratio;
        }
        return Math.max(-MAX_BRAKE, Math.min(IDM_ACCEL, accel));
    }

    private void moveOncoming(final double t)
    {
        for (int i = 0; i < ONCOMING_SLOTS; i++)
        {
            if (oncomingActive[i])
            {
                oncomingX[i] -= ONCOMING_MPS * dt;
                oncomingActive[i] = oncomingX[i] > egoX - WINDOW_BEHIND_M - 10;
            }
        }
        if (t >= nextOncomingS)
        {
            nextOncomingS = t + ONCOMING_EVERY_S;
            for (int i = 0; i < ONCOMING_SLOTS; i++)
            {
                if (!oncomingActive[i])
                {
                    oncomingActive[i] = true;
                    oncomingX[i] = egoX + WINDOW_AHEAD_M + 20;
                    oncomingId[i] = 100 + oncomingSpawned++;
                    break;
                }
            }
        }
    }

    private void moveWalkers()
    {
        for (int i = 0; i < WALKERS; i++)
        {
            walkerX[i] += walkerDir[i] * WALK_MPS * dt;
            if (walkerX[i] < egoX - WINDOW_BEHIND_M || walkerX[i] > egoX + WINDOW_AHEAD_M + 10)
            {
                respawnWalker(i, WINDOW_AHEAD_M - 10 * random.nextDouble());
            }
        }
    }

    private void respawnWalker(final int i, final double aheadM)
    {
        walkerX[i] = egoX + aheadM;
        walkerDir[i] = random.nextBoolean() ? 1 : -1;
        walkerId[i] = 2000 + walkersSpawned++;
    }

    /**
     * Cars parked on the shoulder every 70 m (with gaps), and a bin every 200 m.
     */
    private void putParked(final SceneFrameEncoder f, final double base)
    {
        final long firstCar = (long)Math.ceil((egoX - WINDOW_BEHIND_M - 30) / 70);
        for (long k = Math.max(0, firstCar); 70 * k + 30 <= egoX + WINDOW_AHEAD_M; k++)
        {
            if (k % 5 != 3)
            {
                putAgent(f, base, (int)(10_000 + k % 10_000), SceneCodes.VEHICLE, 70 * k + 30, SHOULDER_Y, 0, 0,
                    CAR_LENGTH, CAR_WIDTH);
            }
        }
        final long firstBin = (long)Math.ceil((egoX - WINDOW_BEHIND_M - 105) / 200);
        for (long k = Math.max(0, firstBin); 200 * k + 105 <= egoX + WINDOW_AHEAD_M; k++)
        {
            putAgent(f, base, (int)(20_000 + k % 10_000), SceneCodes.STATIC, 200 * k + 105, BIN_Y, 0, 0, 0.6, 0.6);
        }
    }

    /**
     * From yellow, a walker waits at the kerb just past the line the ego meets next (or has just passed); a
     * second after red it crosses, and waits at the far kerb until green.
     */
    private void putCrossingWalker(final SceneFrameEncoder f, final double base)
    {
        final double t = seconds();
        final double phase = t % CYCLE_S;
        if (phase < GREEN_S)
        {
            return;
        }
        final double line = nextLine(egoX - 15);
        final double walked = Math.max(0, phase - GREEN_S - YELLOW_S - CROSS_DELAY_S) * CROSS_MPS;
        final double y = Math.min(FAR_KERB_Y, PAVEMENT_Y + walked);
        final boolean walking = walked > 0 && y < FAR_KERB_Y;
        putAgent(f, base, 30_000 + (int)(line / LIGHT_SPACING_M), SceneCodes.PEDESTRIAN,
            line + CROSSWALK_AFTER_LINE_M, y, Math.PI / 2, walking ? CROSS_MPS : 0, 0.6, 0.6);
    }

    private void putAgent(
        final SceneFrameEncoder f, final double base, final int id, final byte kind, final double x, final double y,
        final double heading, final double speed, final double length, final double width)
    {
        if (agentCount >= SceneFrameEncoder.agentXLength() || x < egoX - WINDOW_BEHIND_M ||
            x > egoX + WINDOW_AHEAD_M)
        {
            return;
        }
        final int j = agentCount++;
        f.agentId(j, id).agentKind(j, kind).agentX(j, (float)(x - base)).agentY(j, (float)y)
            .agentHeading(j, (float)heading).agentSpeed(j, (float)speed).agentYawRate(j, 0f)
            .agentLength(j, (float)length).agentWidth(j, (float)width);
    }
}
