/*
 * wmrt native inference bridge: runs an ONNX Runtime session through IoBinding over buffers the Java runtime
 * allocated once, so a tick's inference allocates nothing on the Java heap.
 *
 * No ONNX Runtime header is included. The bridge declares, in its own words, the small part of ONNX Runtime's
 * documented and append-only C ABI it calls: the exported OrtGetApiBase entry point, the two members of
 * OrtApiBase, and the slots of the OrtApi function table listed below. It finds the libonnxruntime that
 * ONNX Runtime Java has already loaded (the one inside the onnxruntime jar), so the Java and native paths
 * run the very same library and session.
 *
 * Threading: bind/release from one thread at start-up and shutdown; run from the planner thread only.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WMRT_EXPORT __attribute__((visibility("default")))

/* The OrtApi table version requested; ONNX Runtime 1.N serves every table version up to N. */
#define WMRT_ORT_API_VERSION 16
#define WMRT_ORT_MIN_MINOR 16

/*
 * Slots (zero-based, in declaration order) of the OrtApi members the bridge calls. The table is append-only,
 * so these hold for every table version from 5 (when IoBinding arrived) on.
 */
#define SLOT_GET_ERROR_MESSAGE 2
#define SLOT_CREATE_RUN_OPTIONS 39
#define SLOT_CREATE_TENSOR_WITH_DATA_AS_ORT_VALUE 49
#define SLOT_CREATE_CPU_MEMORY_INFO 69
#define SLOT_RELEASE_STATUS 93
#define SLOT_RELEASE_MEMORY_INFO 94
#define SLOT_RELEASE_VALUE 96
#define SLOT_RELEASE_RUN_OPTIONS 97
#define SLOT_RUN_WITH_BINDING 133
#define SLOT_CREATE_IO_BINDING 134
#define SLOT_RELEASE_IO_BINDING 135
#define SLOT_BIND_INPUT 136
#define SLOT_BIND_OUTPUT 137

/* Values of ONNX Runtime enums used here. */
#define ORT_TENSOR_FLOAT 1
#define ORT_DEVICE_ALLOCATOR 0
#define ORT_MEM_TYPE_DEFAULT 0

/* Opaque ONNX Runtime objects: only pointers to them cross the bridge. */
typedef struct ort_status ort_status;
typedef struct ort_session ort_session;
typedef struct ort_value ort_value;
typedef struct ort_memory_info ort_memory_info;
typedef struct ort_io_binding ort_io_binding;
typedef struct ort_run_options ort_run_options;

typedef struct
{
    const void *(*get_api)(uint32_t version);
    const char *(*get_version_string)(void);
} ort_api_base;

typedef const ort_api_base *(*get_api_base_fn)(void);
typedef const char *(*get_error_message_fn)(const ort_status *status);
typedef ort_status *(*create_tensor_with_data_fn)(
    const ort_memory_info *info, void *data, size_t data_length, const int64_t *shape, size_t shape_length,
    int element_type, ort_value **out);
typedef ort_status *(*create_cpu_memory_info_fn)(int allocator_type, int memory_type, ort_memory_info **out);
typedef void (*release_fn)(void *object);
typedef ort_status *(*create_io_binding_fn)(ort_session *session, ort_io_binding **out);
typedef ort_status *(*create_run_options_fn)(ort_run_options **out);
typedef ort_status *(*bind_fn)(ort_io_binding *binding, const char *name, const ort_value *value);
typedef ort_status *(*run_with_binding_fn)(
    ort_session *session, const ort_run_options *options, const ort_io_binding *binding);

static void *const *ort_api;
static char ort_version[64];

#define MAX_TENSORS 16
#define MAX_DIMS 8
#define ERROR_LENGTH 1024

/* One graph bound to its buffers. */
typedef struct
{
    ort_session *session;
    ort_io_binding *io;
    ort_memory_info *memory;
    ort_run_options *options;
    int value_count;
    ort_value *values[MAX_TENSORS];
    char error[ERROR_LENGTH];
} bridge_binding;

static void *slot(int index)
{
    return ort_api[index];
}

/* Copies the status message into dst, releases the status, returns -1. */
static int take_error(ort_status *status, char *dst, size_t length, const char *what)
{
    const char *message = ((get_error_message_fn)slot(SLOT_GET_ERROR_MESSAGE))(status);
    snprintf(dst, length, "%s: %s", what, message ? message : "(no message)");
    ((release_fn)slot(SLOT_RELEASE_STATUS))(status);
    return -1;
}

static void throw_state(JNIEnv *env, const char *message)
{
    jclass type = (*env)->FindClass(env, "java/lang/IllegalStateException");
    if (type)
    {
        (*env)->ThrowNew(env, type, message);
    }
}

typedef struct
{
    char path[4096];
} library_search;

static int find_onnxruntime(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    library_search *search = data;
    const char *name = info->dlpi_name;
    if (!name || !*name)
    {
        return 0;
    }
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    /* libonnxruntime.so or libonnxruntime.so.1.24.1, not the Java binding's own libonnxruntime4j_jni.so. */
    if (strncmp(base, "libonnxruntime.so", 17) == 0)
    {
        snprintf(search->path, sizeof(search->path), "%s", name);
        return 1;
    }
    return 0;
}

/*
 * Finds the already loaded libonnxruntime, checks its version and fetches the OrtApi table.
 * Returns the library version; throws IllegalStateException with the reason otherwise.
 */
WMRT_EXPORT JNIEXPORT jstring JNICALL Java_io_wmrt_backend_NativeOrtBridge_open0(JNIEnv *env, jclass type)
{
    (void)type;
    library_search search = {{0}};
    char message[sizeof(search.path) + 512];
    if (!dl_iterate_phdr(find_onnxruntime, &search))
    {
        throw_state(env, "libonnxruntime is not loaded in this process: create an OrtEnvironment first");
        return NULL;
    }
    void *library = dlopen(search.path, RTLD_NOW | RTLD_NOLOAD);
    if (!library)
    {
        snprintf(message, sizeof(message), "cannot reopen %s: %s", search.path, dlerror());
        throw_state(env, message);
        return NULL;
    }
    get_api_base_fn get_api_base = (get_api_base_fn)dlsym(library, "OrtGetApiBase");
    if (!get_api_base)
    {
        snprintf(message, sizeof(message), "%s exports no OrtGetApiBase: not an ONNX Runtime library", search.path);
        throw_state(env, message);
        return NULL;
    }
    const ort_api_base *base = get_api_base();
    const char *version = base->get_version_string();
    int major = 0;
    int minor = 0;
    if (!version || sscanf(version, "%d.%d", &major, &minor) != 2 || major != 1 || minor < WMRT_ORT_MIN_MINOR)
    {
        snprintf(message, sizeof(message), "ONNX Runtime %s at %s is not supported by the bridge: it needs 1.%d or "
            "newer (OrtApi version %d)", version ? version : "(unknown)", search.path, WMRT_ORT_MIN_MINOR,
            WMRT_ORT_API_VERSION);
        throw_state(env, message);
        return NULL;
    }
    ort_api = base->get_api(WMRT_ORT_API_VERSION);
    if (!ort_api)
    {
        snprintf(message, sizeof(message), "ONNX Runtime %s refused OrtApi version %d", version, WMRT_ORT_API_VERSION);
        throw_state(env, message);
        return NULL;
    }
    snprintf(ort_version, sizeof(ort_version), "%s", version);
    return (*env)->NewStringUTF(env, ort_version);
}

static void release_binding(bridge_binding *b)
{
    if (b->io)
    {
        ((release_fn)slot(SLOT_RELEASE_IO_BINDING))(b->io);
    }
    for (int i = 0; i < b->value_count; i++)
    {
        ((release_fn)slot(SLOT_RELEASE_VALUE))(b->values[i]);
    }
    if (b->memory)
    {
        ((release_fn)slot(SLOT_RELEASE_MEMORY_INFO))(b->memory);
    }
    if (b->options)
    {
        ((release_fn)slot(SLOT_RELEASE_RUN_OPTIONS))(b->options);
    }
    free(b);
}

/*
 * Binds every input and output of a session to caller-owned buffers, once.
 *   session   OrtSession* of an ONNX Runtime Java session
 *   names     tensor names; the first inputCount are inputs, the rest outputs
 *   addresses native address of each tensor's buffer (float32, C order)
 *   lengths   byte length of each buffer
 *   shapes    dimensions of each tensor
 * Returns a handle for run0/release0; throws IllegalStateException naming the tensor on failure.
 */
WMRT_EXPORT JNIEXPORT jlong JNICALL Java_io_wmrt_backend_NativeOrtBridge_bind0(
    JNIEnv *env, jclass type, jlong session, jobjectArray names, jlongArray addresses, jlongArray lengths,
    jobjectArray shapes, jint input_count)
{
    (void)type;
    if (!ort_api)
    {
        throw_state(env, "bridge not opened");
        return 0;
    }
    const jsize count = (*env)->GetArrayLength(env, names);
    if (count > MAX_TENSORS)
    {
        throw_state(env, "too many tensors for one graph");
        return 0;
    }
    bridge_binding *b = calloc(1, sizeof(bridge_binding));
    if (!b)
    {
        throw_state(env, "out of memory");
        return 0;
    }
    b->session = (ort_session *)(intptr_t)session;
    ort_status *status = ((create_cpu_memory_info_fn)slot(SLOT_CREATE_CPU_MEMORY_INFO))(
        ORT_DEVICE_ALLOCATOR, ORT_MEM_TYPE_DEFAULT, &b->memory);
    if (!status)
    {
        status = ((create_io_binding_fn)slot(SLOT_CREATE_IO_BINDING))(b->session, &b->io);
    }
    if (!status)
    {
        /* Some ONNX Runtime versions dereference the run options unchecked: always pass real ones. */
        status = ((create_run_options_fn)slot(SLOT_CREATE_RUN_OPTIONS))(&b->options);
    }
    if (status)
    {
        take_error(status, b->error, sizeof(b->error), "cannot create the binding");
        throw_state(env, b->error);
        release_binding(b);
        return 0;
    }

    jlong address[MAX_TENSORS];
    jlong length[MAX_TENSORS];
    (*env)->GetLongArrayRegion(env, addresses, 0, count, address);
    (*env)->GetLongArrayRegion(env, lengths, 0, count, length);
    for (jsize i = 0; i < count; i++)
    {
        jlongArray shape_array = (jlongArray)(*env)->GetObjectArrayElement(env, shapes, i);
        const jsize dims = (*env)->GetArrayLength(env, shape_array);
        int64_t shape[MAX_DIMS];
        jlong dim[MAX_DIMS];
        if (dims > MAX_DIMS)
        {
            throw_state(env, "tensor has too many dimensions");
            release_binding(b);
            return 0;
        }
        (*env)->GetLongArrayRegion(env, shape_array, 0, dims, dim);
        (*env)->DeleteLocalRef(env, shape_array);
        for (jsize d = 0; d < dims; d++)
        {
            shape[d] = dim[d];
        }
        jstring name_string = (jstring)(*env)->GetObjectArrayElement(env, names, i);
        const char *name = (*env)->GetStringUTFChars(env, name_string, NULL);
        if (!name)
        {
            /* OutOfMemoryError is pending in the JVM. */
            (*env)->DeleteLocalRef(env, name_string);
            release_binding(b);
            return 0;
        }

        ort_value *value = NULL;
        status = ((create_tensor_with_data_fn)slot(SLOT_CREATE_TENSOR_WITH_DATA_AS_ORT_VALUE))(
            b->memory, (void *)(intptr_t)address[i], (size_t)length[i], shape, (size_t)dims, ORT_TENSOR_FLOAT, &value);
        if (!status)
        {
            b->values[b->value_count++] = value;
            status = ((bind_fn)slot(i < input_count ? SLOT_BIND_INPUT : SLOT_BIND_OUTPUT))(b->io, name, value);
        }
        char what[ERROR_LENGTH];
        snprintf(what, sizeof(what), "cannot bind %s tensor '%s'", i < input_count ? "input" : "output", name);
        (*env)->ReleaseStringUTFChars(env, name_string, name);
        (*env)->DeleteLocalRef(env, name_string);
        if (status)
        {
            take_error(status, b->error, sizeof(b->error), what);
            throw_state(env, b->error);
            release_binding(b);
            return 0;
        }
    }
    return (jlong)(intptr_t)b;
}

/*
 * Runs the bound graph: ONNX Runtime reads the input buffers and writes the output buffers in place.
 * Returns 0, or -1 with the reason kept for error0. Allocates nothing on the Java heap.
 */
WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_backend_NativeOrtBridge_run0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    bridge_binding *b = (bridge_binding *)(intptr_t)handle;
    ort_status *status = ((run_with_binding_fn)slot(SLOT_RUN_WITH_BINDING))(b->session, b->options, b->io);
    return status ? take_error(status, b->error, sizeof(b->error), "run failed") : 0;
}

/*
 * Runs the bound graph count times back to back inside C and returns the nanoseconds that took on the monotonic
 * clock, or -1 with the reason kept for error0: ONNX Runtime's own cost per run, with no JNI crossing in it,
 * against which bench/ measures what each Java path adds per call. Not used by the planner.
 */
WMRT_EXPORT JNIEXPORT jlong JNICALL Java_io_wmrt_backend_NativeOrtBridge_runRepeatedly0(
    JNIEnv *env, jclass type, jlong handle, jint count)
{
    (void)env;
    (void)type;
    bridge_binding *b = (bridge_binding *)(intptr_t)handle;
    const run_with_binding_fn run = (run_with_binding_fn)slot(SLOT_RUN_WITH_BINDING);
    struct timespec start;
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (jint i = 0; i < count; i++)
    {
        ort_status *status = run(b->session, b->options, b->io);
        if (status)
        {
            take_error(status, b->error, sizeof(b->error), "run failed");
            return -1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (jlong)(end.tv_sec - start.tv_sec) * 1000000000LL + (jlong)(end.tv_nsec - start.tv_nsec);
}

WMRT_EXPORT JNIEXPORT jstring JNICALL Java_io_wmrt_backend_NativeOrtBridge_error0(JNIEnv *env, jclass type, jlong handle)
{
    (void)type;
    return (*env)->NewStringUTF(env, ((bridge_binding *)(intptr_t)handle)->error);
}

WMRT_EXPORT JNIEXPORT void JNICALL Java_io_wmrt_backend_NativeOrtBridge_release0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    if (handle)
    {
        release_binding((bridge_binding *)(intptr_t)handle);
    }
}
