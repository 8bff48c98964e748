package io.wmrt.hil.scenario.generate;

import io.wmrt.hil.sumo.Sumo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check that a built net's junction lanes follow on from the lanes feeding them: constructed shapes and nets,
 * the ramp-merge junction netconvert built backwards (generator version 1's corridor), and the corridor variants
 * that have a merge now.
 */
class LaneContinuityTest
{
    @TempDir
    Path root;

    @Test
    void aLaneContinuedAheadIsSoundAndOneRunningBackOrStartingAwayIsNot()
    {
        final double[] in = {0, 0, 100, 0};
        assertNull(LaneContinuity.why(in, new double[] {100, 0, 110, 0}));
        assertNull(LaneContinuity.why(in, new double[] {100.5, 0, 105, 5, 105, 15}), "a right-angle turn is a turn");
        assertNull(LaneContinuity.why(in, new double[] {100, 0, 100.3, 0}), "too short to have a direction");
        final String back = LaneContinuity.why(in, new double[] {100, 0, 53, 0});
        assertTrue(back.contains("180 degrees against") && back.contains("47.0 m"), back);
        final String gap = LaneContinuity.why(in, new double[] {110, 0, 120, 0});
        assertTrue(gap.contains("starts 10.0 m from the end"), gap);
    }

    @Test
    void aNetIsReadConnectionByConnectionAndItsFaultsNamed() throws Exception
    {
        final Path net = root.resolve("t.net.xml");
        Files.writeString(net, """
            <net>
              <edge id="A"><lane id="A_0" shape="0,0 100,0"/></edge>
              <edge id=":J_0" function="internal"><lane id=":J_0_0" shape="100,0 110,0"/></edge>
              <edge id=":J_1" function="internal"><lane id=":J_1_0" shape="100,0 60,0"/></edge>
              <edge id="B"><lane id="B_0" shape="110,0 200,0"/></edge>
              <connection from="A" to="B" fromLane="0" toLane="0" via=":J_0_0"/>
              <connection from="A" to="B" fromLane="0" toLane="0" via=":J_1_0"/>
              <connection from=":J_0" to="B" fromLane="0" toLane="0"/>
              <connection from="A" to="C" fromLane="0" toLane="0" via=":J_9_0"/>
            </net>
            """);
        final List<String> problems = LaneContinuity.problems(net);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("A_0 -> :J_1_0 -> B_0: runs 180 degrees"), problems.get(0));
        assertTrue(problems.get(1).contains(":J_9_0") && problems.get(1).contains("missing"), problems.get(1));

        Files.writeString(net, "<net><edge id=\"A\"><lane id=\"A_0\" shape=\"0,0 x,1\"/></edge></net>");
        final IOException bad = assertThrows(IOException.class, () -> LaneContinuity.problems(net));
        assertTrue(bad.getMessage().contains("t.net.xml") && bad.getMessage().contains("A_0"), bad.getMessage());

        Files.writeString(net, "<net><edge id=\"A\"><lane id=\"A_0\" shape=\"0,0 NaN,1\"/></edge></net>");
        final IOException nan = assertThrows(IOException.class, () -> LaneContinuity.problems(net));
        assertTrue(nan.getMessage().contains("A_0") && nan.getMessage().contains("not finite"), nan.getMessage());

        Files.writeString(net, "<net><edge id=\"A\"><lane id=\"A_0\" shape=\"0,0");
        assertTrue(assertThrows(IOException.class, () -> LaneContinuity.problems(net)).getMessage()
            .contains("t.net.xml"), "a truncated file is refused naming it");
        Files.writeString(net, "<routes/>");
        assertTrue(assertThrows(IOException.class, () -> LaneContinuity.problems(net)).getMessage()
            .contains("want <net>"), "not a network");
    }

    /** Generator version 1's corridor merge: a two-way main road through the ramp's junction. */
    @Test
    void theWriterRefusesTheRampJunctionNetconvertBuiltBackwards() throws Exception
    {
        Sumo.require();
        final Map<String, String> files = new LinkedHashMap<>();
        files.put("m.nod.xml", """
            <nodes>
                <node id="K0" x="0.0" y="0.0" type="priority"/>
                <node id="B" x="300.0" y="0.0" type="priority"/>
                <node id="C" x="420.0" y="0.0" type="priority"/>
                <node id="R" x="80.0" y="-60.0" type="priority"/>
            </nodes>
            """);
        files.put("m.edg.xml", """
            <edges>
                <edge id="K0B" from="K0" to="B" priority="3" numLanes="1" speed="20" width="3.5"/>
                <edge id="BK0" from="B" to="K0" priority="3" numLanes="1" speed="20" width="3.5"/>
                <edge id="BC" from="B" to="C" priority="3" numLanes="2" speed="20" width="3.5"/>
                <edge id="CB" from="C" to="B" priority="3" numLanes="1" speed="20" width="3.5"/>
                <edge id="RB" from="R" to="B" priority="1" numLanes="1" speed="15" width="3.5"
                      shape="80.0,-60.0 160.0,-36.0 220.0,-20.0 265.0,-11.5 300.0,-7.0"/>
            </edges>
            """);
        files.put("m.con.xml", """
            <connections>
                <connection from="RB" to="BC" fromLane="0" toLane="0"/>
                <connection from="K0B" to="BC" fromLane="0" toLane="1"/>
            </connections>
            """);
        final IOException refused = assertThrows(IOException.class,
            () -> ScenarioWriter.write(root.resolve("out"), new GeneratedScenario("m", files)));
        assertTrue(refused.getMessage().contains("K0B_0 -> :B_") && refused.getMessage().contains("against"),
            refused.getMessage());
        assertFalse(Files.exists(root.resolve("out/m")), "nothing is left behind");
    }

    @Test
    void everyCorridorWithAMergeBuildsAContinuousNet() throws Exception
    {
        Sumo.require();
        final List<Path> written = ScenarioGenerator.generate(Families.byName("corridor").orElseThrow(), 10, 8000, root);
        final List<String> merges = new ArrayList<>();
        for (final Path dir : written)
        {
            if (Files.readString(dir.resolve("parameters.yaml")).contains("scene_1: {value: merge"))
            {
                merges.add(dir.getFileName().toString());
                assertEquals(List.of(), LaneContinuity.problems(dir.resolve(dir.getFileName() + ".net.xml")));
            }
        }
        assertTrue(merges.size() >= 3, "seed 8000 draws merges: " + merges);
    }
}
