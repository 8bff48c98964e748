package io.wmrt.hil.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoadNetworkTest
{
    /** A two-way street along y = 0 from x = 0 to 100: sidewalk, one car lane each way, 3.2 m lanes. */
    private static final String STREET = String.join("\n",
        "<net version=\"1.9\">",
        "  <edge id=\"AB\" from=\"A\" to=\"B\" priority=\"1\">",
        "    <lane id=\"AB_0\" index=\"0\" allow=\"pedestrian\" speed=\"2.78\" length=\"100\" width=\"2.0\"",
        "          shape=\"0,-4.2 100,-4.2\"/>",
        "    <lane id=\"AB_1\" index=\"1\" disallow=\"pedestrian\" speed=\"13.89\" length=\"100\"",
        "          shape=\"0,-1.6 100,-1.6\"/>",
        "  </edge>",
        "  <edge id=\"BA\" from=\"B\" to=\"A\" priority=\"1\">",
        "    <lane id=\"BA_0\" index=\"0\" allow=\"pedestrian\" speed=\"2.78\" length=\"100\" width=\"2.0\"",
        "          shape=\"100,4.2 0,4.2\"/>",
        "    <lane id=\"BA_1\" index=\"1\" disallow=\"pedestrian\" speed=\"13.89\" length=\"100\"",
        "          shape=\"100,1.6 0,1.6\"/>",
        "  </edge>",
        "  <edge id=\":B_0\" function=\"internal\">",
        "    <lane id=\":B_0_0\" index=\"0\" speed=\"5\" length=\"5\" shape=\"100,-1.6 105,-1.6\"/>",
        "  </edge>",
        "  <junction id=\"A\" type=\"dead_end\" x=\"0\" y=\"0\" shape=\"0,-5 0,5 -1,5 -1,-5\"/>",
        "  <junction id=\"B\" type=\"priority\" x=\"100\" y=\"0\" shape=\"100,-5 110,-5 110,5 100,5\"/>",
        "</net>", "");

    @TempDir
    Path dir;

    private RoadNetwork street() throws IOException
    {
        return RoadNetwork.load(Files.writeString(dir.resolve("street.net.xml"), STREET));
    }

    @Test
    void shouldFlagAPoseOnTheSidewalkOrBesideTheRoadAsOffroad() throws IOException
    {
        final RoadNetwork net = street();
        assertTrue(net.isFootprintDrivable(50, -1.6, 0, 4.6, 1.8), "centred in its lane");
        assertTrue(net.isFootprintDrivable(50, 1.6, Math.PI, 4.6, 1.8), "in the opposite lane");
        assertTrue(net.isFootprintDrivable(50, 0.0, 0, 4.6, 1.8), "astride the centre line");
        assertFalse(net.isFootprintDrivable(50, -3.5, 0, 4.6, 1.8), "half on the sidewalk");
        assertFalse(net.isFootprintDrivable(50, -20, 0, 4.6, 1.8), "in a field");
        assertFalse(net.isFootprintDrivable(50, -1.6, Math.PI / 2, 4.6, 1.8), "across the street");
        assertTrue(net.isDrivable(105, 3.0), "inside the junction outline");
        assertFalse(net.isDrivable(-0.9, 4.5), "a dead end's outline is not road");
    }

    @Test
    void shouldFindTheOppositeDirectionOfATwoWayStreet() throws IOException
    {
        final RoadNetwork net = street();
        assertEquals("BA", net.oppositeOf("AB").orElseThrow().id());
        assertEquals(1, RoadNetwork.passengerLaneCount(net.oppositeOf("AB").orElseThrow()));
        assertTrue(net.oppositeOf(":B_0").isEmpty());
        assertTrue(net.lane("AB_0").orElseThrow().pedestrianOnly());
        assertEquals(RoadNetwork.DEFAULT_LANE_WIDTH_M, net.lane("AB_1").orElseThrow().widthM());
    }

    @Test
    void shouldNameTheFileAndLaneOfABadShape() throws IOException
    {
        final Path bad = Files.writeString(dir.resolve("bad.net.xml"),
            STREET.replace("shape=\"0,-1.6 100,-1.6\"", "shape=\"0,-1.6 100\""));
        final IOException ex = assertThrows(IOException.class, () -> RoadNetwork.load(bad));
        assertTrue(ex.getMessage().contains("bad.net.xml") && ex.getMessage().contains("AB_1"), ex.getMessage());
        final Path notNet = Files.writeString(dir.resolve("routes.xml"), "<routes/>");
        assertTrue(assertThrows(IOException.class, () -> RoadNetwork.load(notNet)).getMessage().contains("<routes>"));
    }

    @Test
    void shouldFindTheNearestSegmentAndMeasureTheDistanceToIt()
    {
        final double[] bent = {0, 0, 50, 0, 50, 100};
        assertEquals(0, RoadNetwork.nearestSegment(bent, 20, 3));
        assertEquals(2, RoadNetwork.nearestSegment(bent, 48, 60));
        assertEquals(3.0, RoadNetwork.distanceToPolyline(bent, 20, 3), 1e-12);
        assertEquals(5.0, RoadNetwork.distanceToPolyline(bent, 53, 104), 1e-12, "past the end: to the last point");
        assertEquals(5.0, RoadNetwork.distanceToPolyline(new double[]{0, 0}, 3, 4), 1e-12, "one point");
        assertEquals(-1, RoadNetwork.nearestSegment(new double[]{0, 0}, 3, 4));
        assertEquals(0, RoadNetwork.nearestSegment(new double[]{5, 5, 5, 5}, 3, 4), "a segment without length");
        // A point that is not a number is nearest nothing in particular: the first segment, at a NaN distance.
        assertEquals(0, RoadNetwork.nearestSegment(bent, Double.NaN, 0));
        assertTrue(Double.isNaN(RoadNetwork.distanceToPolyline(bent, Double.NaN, 0)));
    }
}
