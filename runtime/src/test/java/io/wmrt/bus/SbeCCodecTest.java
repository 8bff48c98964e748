package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.SceneFrameDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A C producer built from the C codecs that the build generates from the same schema writes a SceneFrame;
 * the Java decoder reads it field for field. This is how a sensor process on the rig talks to the runtime.
 */
class SbeCCodecTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldDecodeASceneFrameEncodedByTheGeneratedCCodec() throws Exception
    {
        final Path include = Path.of(System.getProperty("wmrt.sbe.c.dir", "target/generated-sources/sbe-c"));
        assertTrue(Files.isRegularFile(include.resolve("io_wmrt_sbe/sceneFrame.h")), "C codecs generated at " + include);
        final Path source = tmp.resolve("producer.c");
        Files.writeString(source, String.join("\n",
            "#include <stdio.h>",
            "#include <string.h>",
            "#include \"io_wmrt_sbe/sceneFrame.h\"",
            "#include \"io_wmrt_sbe/messageHeader.h\"",
            "int main(int argc, char **argv) {",
            "  static char buf[4096];",
            "  struct io_wmrt_sbe_sceneFrame frame;",
            "  struct io_wmrt_sbe_messageHeader header;",
            "  memset(buf, 0, sizeof(buf));",
            "  if (!io_wmrt_sbe_sceneFrame_wrap_and_apply_header(&frame, buf, 0, sizeof(buf), &header)) return 2;",
            "  io_wmrt_sbe_sceneFrame_set_sequence(&frame, 42);",
            "  io_wmrt_sbe_sceneFrame_set_timestampNs(&frame, 1234567890123LL);",
            "  io_wmrt_sbe_sceneFrame_set_egoX(&frame, 12.5f);",
            "  io_wmrt_sbe_sceneFrame_set_egoSpeed(&frame, 7.25f);",
            "  io_wmrt_sbe_sceneFrame_set_agentCount(&frame, 2);",
            "  io_wmrt_sbe_sceneFrame_set_agentX_unsafe(&frame, 1, -3.5f);",
            "  io_wmrt_sbe_sceneFrame_set_agentKind_unsafe(&frame, 1, 1);",
            "  io_wmrt_sbe_sceneFrame_set_lightStopS_unsafe(&frame, 3, 99.0f);",
            "  size_t length = io_wmrt_sbe_messageHeader_encoded_length() + io_wmrt_sbe_sceneFrame_encoded_length(&frame);",
            "  FILE *out = fopen(argv[1], \"wb\");",
            "  if (!out || fwrite(buf, 1, length, out) != length) return 3;",
            "  fclose(out);",
            "  return 0;",
            "}", ""));
        final Path binary = tmp.resolve("producer");
        run("gcc", "-std=c11", "-Wall", "-Werror", "-I", include.toString(), "-o", binary.toString(), source.toString());
        final Path frameFile = tmp.resolve("frame.bin");
        run(binary.toString(), frameFile.toString());

        final byte[] bytes = Files.readAllBytes(frameFile);
        assertEquals(SceneWriter.FRAME_LENGTH, bytes.length, "a C frame has the Java frame's fixed length");
        final SceneFrameDecoder decoder = new SceneFrameDecoder()
            .wrapAndApplyHeader(new UnsafeBuffer(bytes), 0, new MessageHeaderDecoder());
        assertEquals(42, decoder.sequence());
        assertEquals(1234567890123L, decoder.timestampNs());
        assertEquals(12.5f, decoder.egoX());
        assertEquals(7.25f, decoder.egoSpeed());
        assertEquals(2, decoder.agentCount());
        assertEquals(-3.5f, decoder.agentX(1));
        assertEquals(SceneCodes.PEDESTRIAN, decoder.agentKind(1));
        assertEquals(99.0f, decoder.lightStopS(3));
    }

    private static void run(final String... command) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
    }
}
