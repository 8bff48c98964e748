package io.wmrt.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepLayoutTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNumberAttemptsAcrossSweepsAndCommitTheFirstToFinish() throws Exception
    {
        final SweepLayout layout = new SweepLayout(dir);
        final Path first = layout.newAttempt("t1");
        final Path second = layout.newAttempt("t1");
        assertEquals(1, SweepLayout.attemptNumber(first));
        assertEquals(2, SweepLayout.attemptNumber(second));
        assertFalse(layout.isCommitted("t1"));

        Files.writeString(second.resolve("summary.json"), "second");
        Files.writeString(first.resolve("summary.json"), "first");
        assertTrue(layout.commit("t1", second), "the first to finish wins");
        assertFalse(layout.commit("t1", first), "a twin finishing later does not overwrite it");
        assertTrue(layout.isCommitted("t1"));
        assertEquals("second", Files.readString(layout.runDir("t1").resolve("summary.json")));
        assertTrue(Files.isDirectory(first), "the losing attempt stays where it was");
    }

    @Test
    void shouldNotCountAnAttemptThatNeverCommittedAsDone() throws Exception
    {
        final SweepLayout layout = new SweepLayout(dir);
        final Path attempt = layout.newAttempt("t2");
        Files.writeString(attempt.resolve("rig.log"), "interrupted");
        assertFalse(layout.isCommitted("t2"));
        assertFalse(Files.exists(layout.runDir("t2")));
    }
}
