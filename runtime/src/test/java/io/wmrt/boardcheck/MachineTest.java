package io.wmrt.boardcheck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a board's kernel says about it, read from a fixture of its /proc and /sys.
 */
class MachineTest
{
    @TempDir
    Path root;

    @Test
    void shouldNameArmCoresByPartAndTheSocFromDeviceTreeAndSoc0() throws IOException
    {
        final StringBuilder cpuinfo = new StringBuilder();
        for (int cpu = 0; cpu < 8; cpu++)
        {
            cpuinfo.append("processor\t: ").append(cpu).append("\nBogoMIPS\t: 38.40\nCPU implementer\t: 0x41\n")
                .append("CPU part\t: ").append(cpu < 4 ? "0xd42" : "0xd05").append("\n\n");
        }
        write("proc/cpuinfo", cpuinfo.toString());
        write("proc/device-tree/model", "Qualcomm Technologies, Inc. SA8650P Ride\0");
        write("sys/firmware/devicetree/base/compatible", "qcom,sa8650p-ride\0qcom,sa8650p\0");
        write("sys/devices/soc0/soc_id", "SA8650P\n");

        final Machine machine = Machine.probe(root);

        assertEquals("4x ARM Cortex-A78AE + 4x ARM Cortex-A55", machine.cpuModel());
        assertEquals(8, machine.cores());
        assertTrue(machine.soc().contains("SA8650P Ride (/proc/device-tree/model)"), machine.soc());
        assertTrue(machine.soc().contains("qcom,sa8650p-ride, qcom,sa8650p (/sys/firmware/devicetree/base/compatible)"),
            machine.soc());
        assertTrue(machine.socMatches("SA8650P"));
        assertFalse(machine.socMatches("SA8797P"));
    }

    @Test
    void shouldSayNothingOfASocWhereTheKernelNamesNone() throws IOException
    {
        write("proc/cpuinfo", "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\n\n" +
            "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\n");

        final Machine machine = Machine.probe(root);

        assertEquals("Intel(R) Xeon(R) Processor", machine.cpuModel());
        assertEquals(2, machine.cores());
        assertNull(machine.soc());
        assertFalse(machine.socMatches("SA8650P"));
    }

    private void write(final String file, final String text) throws IOException
    {
        final Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
