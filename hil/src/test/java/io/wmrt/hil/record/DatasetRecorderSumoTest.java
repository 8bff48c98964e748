package io.wmrt.hil.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.hil.GroundTruthScene;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.sumo.TinyScenario;
import io.wmrt.hil.traci.TraciConnection;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatasetRecorder} fed by {@link GroundTruthScene} from a real SUMO running {@link TinyScenario},
 * with an ego added on the eastbound route: the way the rig records. The agent range is short, so agents
 * enter and leave the scene during the run.
 */
class DatasetRecorderSumoTest
{
    private static final String EGO = "ego";
    private static final double RANGE_METRES = 40.0;
    private static final double STEP_S = 0.1;
    private static final int STEPS = 200;

    @TempDir
    static Path scenarioDirectory;

    static TinyScenario scenario;

    @TempDir
    Path recordDir;

    @BeforeAll
    static void generateScenario() throws Exception
    {
        scenario = TinyScenario.generate(scenarioDirectory);
    }

    @Test
    void recordsARealRunWhoseFuturesAreTheLaterFramesAndThatNumpyLoads() throws Exception
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneFrameEncoder.BLOCK_LENGTH]);
        final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
        final SceneFrameDecoder decoder = new SceneFrameDecoder()
            .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);
        final Path runDir = recordDir.resolve("tiny");
        final float[] egoX = new float[STEPS];

        try (SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes)
            .stepLengthSeconds(STEP_S).start();
            DatasetRecorder recorder = DatasetRecorder.create(runDir, "tiny", 1L, STEP_S,
                DatasetRecorder.DEFAULT_HORIZON_STEPS))
        {
            final TraciConnection traci = sumo.connection();
            traci.addVehicle(EGO, TinyScenario.ROUTE_EAST, "DEFAULT_VEHTYPE", "2", "max");
            for (int i = 0; i < 100 && !traci.vehicleIds().contains(EGO); i++)
            {
                traci.simulationStep();
            }
            final GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE_METRES);
            for (int t = 0; t < STEPS; t++)
            {
                traci.simulationStep();
                scene.fill(encoder);
                egoX[t] = decoder.egoX();
                recorder.record(decoder, decoder.egoAccel(), 0.0f, decoder.egoSpeed(), false);
            }
        }

        final LoadedNpy egoFuture = LoadedNpy.load(runDir.resolve(DatasetFile.EGO_FUTURE.fileName()));
        for (int t = 0; t + 1 < STEPS; t++)
        {
            assertEquals(egoX[t + 1], egoFuture.f4(t, 0, DatasetLayout.FUTURE_X), "step " + t);
        }

        // Some agent left the 40 m range while the run went on: a future invalid before the end of the run.
        final LoadedNpy agentValid = LoadedNpy.load(runDir.resolve(DatasetFile.AGENT_VALID.fileName()));
        final LoadedNpy futureValid = LoadedNpy.load(runDir.resolve(DatasetFile.AGENT_FUTURE_VALID.fileName()));
        int observed = 0;
        int followed = 0;
        int lost = 0;
        final int horizon = DatasetRecorder.DEFAULT_HORIZON_STEPS;
        for (int t = 0; t + horizon < STEPS; t++)
        {
            for (int i = 0; i < DatasetLayout.MAX_AGENTS; i++)
            {
                observed += agentValid.u1(t, i);
                followed += agentValid.u1(t, i) * futureValid.u1(t, i, horizon - 1);
                lost += agentValid.u1(t, i) * (1 - futureValid.u1(t, i, horizon - 1));
            }
        }
        assertTrue(followed > 0, "agents followed for 3 s: " + followed + " of " + observed);
        assertTrue(lost > 0, "agents that left the range within 3 s: " + lost + " of " + observed);

        NumpyCheck.checkRun(runDir, "--steps", Integer.toString(STEPS), "--horizon", Integer.toString(horizon),
            "--scenario", "tiny");
    }
}
