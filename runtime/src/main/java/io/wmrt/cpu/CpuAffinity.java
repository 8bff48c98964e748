package io.wmrt.cpu;

/**
 * Pinning a thread to one CPU (Linux {@code sched_setaffinity} through the project's JNI library), reading a
 * thread's CPUs back, and the machine's CPU count, so that a hardware profile's {@code cpu.planner_core} is
 * honoured by the runtime itself rather than left to {@code taskset}.
 * <p>
 * Every method but {@link #configuredCpus} acts on the calling thread. Not for the tick: pinning and reading
 * allocate.
 */
public final class CpuAffinity
{
    private CpuAffinity()
    {
    }

    /**
     * @return null when affinity can be set here, else why not (not Linux, library missing).
     */
    public static String unavailableReason()
    {
        return NativeAffinity.UNAVAILABLE;
    }

    /**
     * @return CPUs the machine has configured, whatever this process is allowed to use.
     * @throws IllegalStateException when affinity is unavailable here.
     */
    public static int configuredCpus()
    {
        requireAvailable();
        return NativeAffinity.configuredCpus0();
    }

    /**
     * Pin the calling thread to {@code cpu}.
     *
     * @throws IllegalStateException naming the CPU and the error when the kernel refuses (a CPU outside the
     *                               process's cpuset, or one the machine lacks).
     */
    public static void pinCurrentThread(final int cpu)
    {
        requireAvailable();
        final int errno = NativeAffinity.pin0(cpu);
        if (0 != errno)
        {
            throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed: errno " + errno +
                (22 == errno ? " (EINVAL: not a CPU this process may use)" : ""));
        }
    }

    /**
     * @return the CPUs the calling thread may run on, ascending.
     */
    public static int[] currentThreadCpus()
    {
        requireAvailable();
        return NativeAffinity.cpus0();
    }

    /**
     * @return the calling thread's kernel thread id (as {@code /proc/self/task/TID} names it).
     */
    public static int currentThreadId()
    {
        requireAvailable();
        return NativeAffinity.threadId0();
    }

    private static void requireAvailable()
    {
        if (null != NativeAffinity.UNAVAILABLE)
        {
            throw new IllegalStateException("CPU affinity unavailable: " + NativeAffinity.UNAVAILABLE);
        }
    }
}
