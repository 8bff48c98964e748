/*
 * wmrt CPU affinity: pins the calling thread to one CPU with sched_setaffinity, reads the calling thread's
 * affinity back with sched_getaffinity, and tells how many CPUs the machine has configured (not how many this
 * process may use: a profile names a core of the machine).
 *
 * Threading: every call acts on the calling thread only.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WMRT_EXPORT __attribute__((visibility("default")))

/* Pin the calling thread to cpu; 0 on success, else the errno of sched_setaffinity (EINVAL for a bad cpu). */
WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_cpu_NativeAffinity_pin0(JNIEnv *env, jclass cls, jint cpu)
{
    (void)env;
    (void)cls;
    if (cpu < 0)
    {
        return EINVAL;
    }
    const size_t size = CPU_ALLOC_SIZE((size_t)cpu + 1);
    cpu_set_t *set = CPU_ALLOC((size_t)cpu + 1);
    if (NULL == set)
    {
        return ENOMEM;
    }
    CPU_ZERO_S(size, set);
    CPU_SET_S((size_t)cpu, size, set);
    const int rc = sched_setaffinity(0, size, set);
    const int error = 0 == rc ? 0 : errno;
    CPU_FREE(set);
    return error;
}

/*
 * The CPUs the calling thread may run on, ascending, or null with a pending exception. Sized for up to 4096
 * CPUs, the kernel's largest common configuration.
 */
WMRT_EXPORT JNIEXPORT jintArray JNICALL Java_io_wmrt_cpu_NativeAffinity_cpus0(JNIEnv *env, jclass cls)
{
    (void)cls;
    const size_t max = 4096;
    const size_t size = CPU_ALLOC_SIZE(max);
    cpu_set_t *set = CPU_ALLOC(max);
    if (NULL == set || 0 != sched_getaffinity(0, size, set))
    {
        const int error = NULL == set ? ENOMEM : errno;
        if (NULL != set)
        {
            CPU_FREE(set);
        }
        jclass ex = (*env)->FindClass(env, "java/lang/IllegalStateException");
        if (NULL != ex)
        {
            (*env)->ThrowNew(env, ex,
                ENOMEM == error ? "sched_getaffinity: out of memory" : "sched_getaffinity failed");
        }
        return NULL;
    }
    const int count = CPU_COUNT_S(size, set);
    jintArray result = (*env)->NewIntArray(env, count);
    if (NULL != result)
    {
        jint *cpus = (*env)->GetIntArrayElements(env, result, NULL);
        if (NULL != cpus)
        {
            int at = 0;
            for (size_t cpu = 0; cpu < max && at < count; cpu++)
            {
                if (CPU_ISSET_S(cpu, size, set))
                {
                    cpus[at++] = (jint)cpu;
                }
            }
            (*env)->ReleaseIntArrayElements(env, result, cpus, 0);
        }
    }
    CPU_FREE(set);
    return result;
}

/* CPUs the machine has configured (sysconf _SC_NPROCESSORS_CONF), whatever this process may use. */
WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_cpu_NativeAffinity_configuredCpus0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    const long n = sysconf(_SC_NPROCESSORS_CONF);
    return n < 1 ? 1 : (jint)n;
}

/* The calling thread's kernel thread id, as /proc/self/task/<tid> names it. */
WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_cpu_NativeAffinity_threadId0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return (jint)syscall(SYS_gettid);
}
