package io.wmrt.hil.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SumoCollisionLogTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMergeReportsOfOneContactAndKeepOnlyTheEgos() throws IOException
    {
        final Path file = dir.resolve("collisions.xml");
        Files.writeString(file, String.join("\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<collisions>",
            "  <collision time=\"10.00\" type=\"collision\" lane=\"AB_0\" pos=\"95\" collider=\"ego\" victim=\"parked\"/>",
            "  <collision time=\"10.10\" type=\"collision\" lane=\"AB_0\" pos=\"95\" collider=\"ego\" victim=\"parked\"/>",
            "  <collision time=\"10.20\" type=\"collision\" lane=\"AB_0\" pos=\"95\" collider=\"ego\" victim=\"parked\"/>",
            "  <collision time=\"11.30\" type=\"collision\" lane=\"AB_0\" pos=\"95\" collider=\"ego\" victim=\"parked\"/>",
            "  <collision time=\"12.00\" type=\"collision\" lane=\"BA_0\" pos=\"5\" collider=\"v1\" victim=\"v2\"/>",
            "  <collision time=\"13.00\" type=\"collision\" lane=\":B_w0_0\" pos=\"1\" collider=\"ego\" victim=\"ped7\"/>",
            "</collisions>", ""));
        final List<SumoCollisionLog.Collision> contacts = SumoCollisionLog.egoCollisions(file, "ego");
        assertEquals(List.of(new SumoCollisionLog.Collision(10.0, "parked"),
            new SumoCollisionLog.Collision(11.3, "parked"), new SumoCollisionLog.Collision(13.0, "ped7")), contacts);
    }

    @Test
    void shouldLeaveOutTheEgosContactsWithItsStandInOnly() throws IOException
    {
        final Path file = dir.resolve("collisions.xml");
        Files.writeString(file, String.join("\n",
            "<collisions>",
            "  <collision time=\"20.00\" type=\"collision\" lane=\"WJ_1\" pos=\"60\" collider=\"ego~opposite\" victim=\"ego\"/>",
            "  <collision time=\"21.50\" type=\"collision\" lane=\"WJ_1\" pos=\"62\" collider=\"ego\" victim=\"ego~opposite\"/>",
            "  <collision time=\"22.00\" type=\"collision\" lane=\"WJ_1\" pos=\"63\" collider=\"ego~opposite\" victim=\"parked\"/>",
            "  <collision time=\"23.00\" type=\"collision\" lane=\"WJ_1\" pos=\"64\" collider=\"cyclist\" victim=\"ego\"/>",
            "</collisions>", ""));
        assertEquals(List.of(new SumoCollisionLog.Collision(23.0, "cyclist")),
            SumoCollisionLog.egoCollisions(file, "ego", "ego~opposite"));
        assertEquals(3, SumoCollisionLog.egoCollisions(file, "ego").size(), "without a stand-in named, all the ego's");
    }

    @Test
    void shouldReadAMissingOrEmptyFileAsNoCollisions() throws IOException
    {
        assertTrue(SumoCollisionLog.egoCollisions(dir.resolve("none.xml"), "ego").isEmpty());
        final Path empty = Files.createFile(dir.resolve("empty.xml"));
        assertTrue(SumoCollisionLog.egoCollisions(empty, "ego").isEmpty());
    }

    @Test
    void shouldNameTheFileWhenItIsNotXml() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("broken.xml"), "<collisions><collision time=");
        final IOException ex = assertThrows(IOException.class, () -> SumoCollisionLog.egoCollisions(file, "ego"));
        assertTrue(ex.getMessage().contains("broken.xml"), ex.getMessage());
    }
}
