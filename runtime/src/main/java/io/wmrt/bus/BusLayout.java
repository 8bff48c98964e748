package io.wmrt.bus;

import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.CountersReader;

import java.util.List;

/**
 * Where everything lives in a runtime instance's shared-memory directory, written down once.
 *
 * <pre>
 *   &lt;dir&gt;/scene.ring             ManyToOneRingBuffer: producers (rig, sensors) write SceneFrames,
 *                                  the planner is the one consumer
 *   &lt;dir&gt;/trajectory.broadcast   BroadcastTransmitter: the planner writes Trajectories, any number of
 *                                  readers in any process; a slow reader is lapped, never waited for
 *   &lt;dir&gt;/scene.broadcast        BroadcastTransmitter: the planner echoes every SceneFrame it takes, as it
 *                                  took it, for recorders and viewers (the ring's frames are consumed)
 *   &lt;dir&gt;/candidates.broadcast   BroadcastTransmitter: every candidate the planner weighed, with its costs;
 *                                  written only when the runtime runs with --debug-candidates
 *   &lt;dir&gt;/counters.dat           header + CountersManager metadata + values (see below)
 *   &lt;dir&gt;/errors.log             DistinctErrorLog: each distinct error once, with count and times
 *   &lt;dir&gt;/instance.lock          locked (fcntl) by the runtime for its life; holds its pid in ASCII
 * </pre>
 *
 * The directory is {@code 0700} and every file in it {@code 0600}, owned by the user running the runtime.
 *
 * counters.dat:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  magic 'WMRT' (written last: the instance is ready)           | 0
 *  |  layout version                                               | 4
 *  |  pid of the runtime (64 bits)                                 | 8
 *  |  start time, epoch ms (64 bits)                               | 16
 *  |  metadata length                                              | 24
 *  |  values length                                                | 28
 *  |  reserved to offset 128                                     ...
 *  +---------------------------------------------------------------+
 *  |  counters metadata (MAX_COUNTERS x 512 bytes)               ...
 *  +---------------------------------------------------------------+
 *  |  counter values (MAX_COUNTERS x 128 bytes)                  ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class BusLayout
{
    public static final String SCENE_RING_FILE = "scene.ring";
    public static final String TRAJECTORY_FILE = "trajectory.broadcast";
    public static final String SCENE_ECHO_FILE = "scene.broadcast";
    public static final String CANDIDATES_FILE = "candidates.broadcast";
    public static final String COUNTERS_FILE = "counters.dat";
    public static final String ERROR_LOG_FILE = "errors.log";
    public static final String LOCK_FILE = "instance.lock";
    /** The files mapped by the runtime and every process that opens the instance. */
    public static final List<String> MAPPED_FILES =
        List.of(COUNTERS_FILE, SCENE_RING_FILE, TRAJECTORY_FILE, SCENE_ECHO_FILE, CANDIDATES_FILE, ERROR_LOG_FILE);

    public static final int SCENE_RING_CAPACITY = 256 * 1024;
    public static final int SCENE_RING_FILE_LENGTH = SCENE_RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    public static final int TRAJECTORY_CAPACITY = 64 * 1024;
    public static final int TRAJECTORY_FILE_LENGTH =
        TRAJECTORY_CAPACITY + BroadcastBufferDescriptor.TRAILER_LENGTH;
    /** About 48 SceneFrames: a recorder descheduled for a few ticks loses none. */
    public static final int SCENE_ECHO_CAPACITY = 64 * 1024;
    public static final int SCENE_ECHO_FILE_LENGTH = SCENE_ECHO_CAPACITY + BroadcastBufferDescriptor.TRAILER_LENGTH;
    /** About 58 Candidates messages of 17.8 KB: almost 6 s of ticks at 10 Hz for a recorder warming up. */
    public static final int CANDIDATES_CAPACITY = 1024 * 1024;
    public static final int CANDIDATES_FILE_LENGTH = CANDIDATES_CAPACITY + BroadcastBufferDescriptor.TRAILER_LENGTH;
    public static final int ERROR_LOG_LENGTH = 64 * 1024;

    public static final int MAGIC = 0x544d5257; // "WMRT" little endian
    /** 2: scene.broadcast and candidates.broadcast added. */
    public static final int LAYOUT_VERSION = 2;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int PID_OFFSET = 8;
    public static final int START_MS_OFFSET = 16;
    public static final int METADATA_LENGTH_OFFSET = 24;
    public static final int VALUES_LENGTH_OFFSET = 28;
    public static final int COUNTERS_HEADER_LENGTH = 128;

    public static final int MAX_COUNTERS = 64;
    public static final int COUNTER_VALUES_LENGTH = MAX_COUNTERS * CountersReader.COUNTER_LENGTH;
    public static final int COUNTER_METADATA_LENGTH = MAX_COUNTERS * CountersReader.METADATA_LENGTH;
    public static final int COUNTERS_FILE_LENGTH =
        COUNTERS_HEADER_LENGTH + COUNTER_METADATA_LENGTH + COUNTER_VALUES_LENGTH;

    /** Message type ids on the ring and the broadcast: the SBE template ids. */
    public static final int SCENE_MSG_TYPE = 1;
    public static final int TRAJECTORY_MSG_TYPE = 2;
    public static final int CANDIDATES_MSG_TYPE = 3;

    private BusLayout()
    {
    }
}
