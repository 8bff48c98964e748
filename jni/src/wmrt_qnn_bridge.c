/*
 * wmrt QNN bridge: runs precompiled QNN context binaries on the Hexagon HTP through the QNN C API, with no
 * ONNX Runtime in between. The runtime's tensors stay float32 in buffers it allocated once; the bridge owns one
 * QNN-typed buffer per tensor, quantizes inputs into them and dequantizes outputs out of them inside the one JNI
 * call a run is, so a run allocates nothing on the Java heap.
 *
 * No Qualcomm header is used: wmrt_qnn_abi.h declares the subset of the ABI called here.
 *
 * Objects, each owned by the Java object of the same role:
 *   library  dlopen'ed backend (libQnnHtp.so), its provider, and once started: log, backend, device (created for
 *            the profile's HTP arch and, when the profile gives one, SoC model), power id, the context config
 *   context  one context created from a kept copy of a context binary; re-created after a subsystem restart
 *   graph    one graph of a context, its tensors and QNN-side buffers, bound once
 *
 * Threading: open, start, context and bind calls from one thread at start-up; run from the planner thread only;
 * release and stop at shutdown after the last run. Graphs sharing a context are run from the same thread.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wmrt_qnn_abi.h"

#define WMRT_EXPORT __attribute__((visibility("default")))

/* The core API the declarations in wmrt_qnn_abi.h describe: major equal, minor at least this. */
#define WMRT_QNN_CORE_MAJOR 2
#define WMRT_QNN_CORE_MINOR_FLOOR 10

#define MAX_TENSORS 16
#define MAX_DIMS 8
#define NAME_LENGTH 256
#define TEXT_LENGTH 1024

/* Which call a failure came from, as failure0 reports it to Java (call << 32 | QNN error code). */
#define CALL_GRAPH_EXECUTE 1
#define CALL_CONTEXT_RECREATE 2
#define CALL_GRAPH_RETRIEVE 3
#define CALL_MEM_REGISTER 4

/* The profile's performance modes, in the order of io.wmrt.profile.PerformanceMode. */
#define MODE_BURST 0
#define MODE_SUSTAINED_HIGH_PERFORMANCE 1
#define MODE_HIGH_PERFORMANCE 2
#define MODE_BALANCED 3
#define MODE_POWER_SAVER 4

/* The profile's context priorities, in the order of io.wmrt.profile.ContextPriority. */
#define PRIORITY_LOW 0
#define PRIORITY_NORMAL 1
#define PRIORITY_NORMAL_HIGH 2
#define PRIORITY_HIGH 3

typedef struct
{
    void *dl;
    const wq_interface *provider;
    const wq_interface_table *api;
    wq_handle log;
    wq_handle backend;
    wq_handle device;
    const wq_htp_perf_infrastructure *perf;
    uint32_t power_id;
    int has_power_id;
    int started;
    /* What start0 was given: the HTP generation (QNN's arch value), QNN's SoC model number or 0, the priority. */
    uint32_t htp_arch;
    uint32_t soc_model;
    /* Every context is created, and re-created after a subsystem restart, with this config: made once at start. */
    wq_context_config priority_config;
    const wq_context_config *context_configs[2];
    /* rpcmem, for buffers the HTP maps without a copy; null where there is no libcdsprpc. */
    wq_rpcmem_alloc_fn rpcmem_alloc;
    wq_rpcmem_free_fn rpcmem_free;
    wq_rpcmem_to_fd_fn rpcmem_to_fd;
    char description[TEXT_LENGTH];
} qnn_library;

typedef struct
{
    qnn_library *library;
    void *binary;
    uint64_t size;
    wq_handle handle;
    /* Bumped on every re-creation: a graph whose generation differs retrieves its handle again. */
    uint32_t generation;
    uint32_t recreations;
} qnn_context;

typedef struct
{
    float *arena;
    void *buffer;
    uint32_t elements;
    uint32_t bytes;
    uint32_t data_type;
    float scale;
    int32_t offset;
    int64_t lowest;
    int64_t highest;
    uint32_t id;
    uint32_t rank;
    uint32_t dims[MAX_DIMS];
    /* A shared (rpcmem) buffer registered to the context, or a plain one passed as a client buffer. */
    int shared;
    wq_handle mem_handle;
    wq_htp_mem_descriptor htp_descriptor;
    wq_mem_descriptor descriptor;
    char name[NAME_LENGTH];
} qnn_binding;

typedef struct
{
    qnn_context *context;
    wq_handle graph;
    uint32_t generation;
    uint32_t input_count;
    uint32_t output_count;
    uint64_t failure;
    char name[NAME_LENGTH];
    qnn_binding bindings[MAX_TENSORS];
    wq_tensor tensors[MAX_TENSORS];
} qnn_graph;

static void throw_state(JNIEnv *env, const char *message)
{
    jclass type = (*env)->FindClass(env, "java/lang/IllegalStateException");
    if (type)
    {
        (*env)->ThrowNew(env, type, message);
    }
}

static const char *error_name(const uint32_t code)
{
    switch (code)
    {
        case WQ_COMMON_ERROR_NOT_SUPPORTED: return "QNN_COMMON_ERROR_NOT_SUPPORTED";
        case WQ_COMMON_ERROR_MEM_ALLOC: return "QNN_COMMON_ERROR_MEM_ALLOC";
        case WQ_COMMON_ERROR_SYSTEM: return "QNN_COMMON_ERROR_SYSTEM";
        case WQ_COMMON_ERROR_INVALID_ARGUMENT: return "QNN_COMMON_ERROR_INVALID_ARGUMENT";
        case WQ_COMMON_ERROR_OPERATION_NOT_PERMITTED: return "QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED";
        case WQ_COMMON_ERROR_PLATFORM_NOT_SUPPORTED: return "QNN_COMMON_ERROR_PLATFORM_NOT_SUPPORTED";
        case WQ_COMMON_ERROR_SYSTEM_COMMUNICATION: return "QNN_COMMON_ERROR_SYSTEM_COMMUNICATION";
        case WQ_COMMON_ERROR_INCOMPATIBLE_BINARIES: return "QNN_COMMON_ERROR_INCOMPATIBLE_BINARIES";
        case WQ_COMMON_ERROR_LOADING_BINARIES: return "QNN_COMMON_ERROR_LOADING_BINARIES";
        case WQ_COMMON_ERROR_RESOURCE_UNAVAILABLE: return "QNN_COMMON_ERROR_RESOURCE_UNAVAILABLE";
        case WQ_COMMON_ERROR_GENERAL: return "QNN_COMMON_ERROR_GENERAL";
        default: break;
    }
    if (code >= WQ_MIN_ERROR_BACKEND && code < WQ_MIN_ERROR_CONTEXT) return "a QNN backend error";
    if (code >= WQ_MIN_ERROR_CONTEXT && code < WQ_MIN_ERROR_GRAPH) return "a QNN context error";
    if (code >= WQ_MIN_ERROR_GRAPH && code < WQ_MIN_ERROR_TENSOR) return "a QNN graph error";
    if (code >= WQ_MIN_ERROR_TENSOR && code < WQ_MIN_ERROR_MEM) return "a QNN tensor error";
    if (code >= WQ_MIN_ERROR_MEM && code < WQ_MIN_ERROR_MEM + 1000) return "a QNN memory error";
    if (code >= WQ_MIN_ERROR_PERF_INFRASTRUCTURE && code < WQ_MIN_ERROR_DEVICE) return "a QNN HTP performance error";
    if (code >= WQ_MIN_ERROR_DEVICE && code < WQ_MIN_ERROR_DEVICE + 1000) return "a QNN device error";
    return "an unknown QNN error";
}

/* "<call> failed: error <code> (<name>)" into out. */
static void describe_failure(char *out, const size_t length, const char *call, const wq_error error)
{
    const uint32_t code = WQ_CODE(error);
    snprintf(out, length, "%s failed: error %u (%s)", call, code, error_name(code));
}

static void throw_failure(JNIEnv *env, const char *call, const wq_error error, const char *detail)
{
    char message[TEXT_LENGTH];
    char head[TEXT_LENGTH / 2];
    describe_failure(head, sizeof(head), call, error);
    snprintf(message, sizeof(message), "%s%s%s", head, detail ? "; " : "", detail ? detail : "");
    throw_state(env, message);
}

static void on_log(const char *format, const int level, const uint64_t timestamp, va_list args)
{
    (void)timestamp;
    if (level <= WQ_LOG_LEVEL_WARN)
    {
        fprintf(stderr, "wmrt qnn %s: ", WQ_LOG_LEVEL_ERROR == level ? "error" : "warning");
        vfprintf(stderr, format, args);
        fputc('\n', stderr);
    }
}

/*
 * rpcmem from the backend's own dependencies (libQnnHtp.so links libcdsprpc.so on a board), else from
 * libcdsprpc.so itself; none off-board.
 */
static void find_rpcmem(qnn_library *library)
{
    void *from = library->dl;
    if (!dlsym(from, "rpcmem_alloc"))
    {
        from = dlopen("libcdsprpc.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (!from)
    {
        return;
    }
    wq_rpcmem_alloc_fn alloc = (wq_rpcmem_alloc_fn)dlsym(from, "rpcmem_alloc");
    wq_rpcmem_free_fn release = (wq_rpcmem_free_fn)dlsym(from, "rpcmem_free");
    wq_rpcmem_to_fd_fn to_fd = (wq_rpcmem_to_fd_fn)dlsym(from, "rpcmem_to_fd");
    if (alloc && release && to_fd && library->api->mem_register && library->api->mem_deregister)
    {
        library->rpcmem_alloc = alloc;
        library->rpcmem_free = release;
        library->rpcmem_to_fd = to_fd;
    }
}

/*
 * Loads the backend library, picks a provider whose core API this bridge was written for, and describes it.
 * Returns the library handle; throws IllegalStateException with the reason the user sees otherwise.
 */
WMRT_EXPORT JNIEXPORT jlong JNICALL Java_io_wmrt_backend_QnnBridge_open0(JNIEnv *env, jclass type, jstring path)
{
    (void)type;
    char message[TEXT_LENGTH * 2];
    const char *backend_path = (*env)->GetStringUTFChars(env, path, NULL);
    if (!backend_path)
    {
        return 0;
    }
    void *dl = dlopen(backend_path, RTLD_NOW | RTLD_GLOBAL);
    if (!dl)
    {
        snprintf(message, sizeof(message), "library %s not found (dlopen: %s)", backend_path, dlerror());
        (*env)->ReleaseStringUTFChars(env, path, backend_path);
        throw_state(env, message);
        return 0;
    }
    wq_get_providers_fn get_providers = (wq_get_providers_fn)dlsym(dl, WQ_GET_PROVIDERS_SYMBOL);
    if (!get_providers)
    {
        snprintf(message, sizeof(message), "%s exports no %s: not a QNN backend library", backend_path,
            WQ_GET_PROVIDERS_SYMBOL);
        (*env)->ReleaseStringUTFChars(env, path, backend_path);
        throw_state(env, message);
        return 0;
    }
    const wq_interface **providers = NULL;
    uint32_t count = 0;
    const wq_error error = get_providers(&providers, &count);
    if (WQ_SUCCESS != WQ_CODE(error) || !providers || 0 == count)
    {
        char head[TEXT_LENGTH / 2];
        describe_failure(head, sizeof(head), WQ_GET_PROVIDERS_SYMBOL, error);
        snprintf(message, sizeof(message), "%s (%s, %u providers)", head, backend_path, count);
        (*env)->ReleaseStringUTFChars(env, path, backend_path);
        throw_state(env, message);
        return 0;
    }
    const wq_interface *chosen = NULL;
    for (uint32_t i = 0; i < count && !chosen; i++)
    {
        const wq_version *core = &providers[i]->api_version.core;
        if (WMRT_QNN_CORE_MAJOR == core->major && core->minor >= WMRT_QNN_CORE_MINOR_FLOOR)
        {
            chosen = providers[i];
        }
    }
    if (!chosen)
    {
        const wq_version *core = &providers[0]->api_version.core;
        snprintf(message, sizeof(message), "QNN core API %u.%u not accepted (need %d.x, x >= %d) from %s",
            core->major, core->minor, WMRT_QNN_CORE_MAJOR, WMRT_QNN_CORE_MINOR_FLOOR, backend_path);
        (*env)->ReleaseStringUTFChars(env, path, backend_path);
        throw_state(env, message);
        return 0;
    }
    const wq_interface_table *api = &chosen->api;
    if (!api->backend_create || !api->backend_free || !api->device_create || !api->device_free ||
        !api->context_create_from_binary || !api->context_free || !api->graph_retrieve || !api->graph_execute)
    {
        snprintf(message, sizeof(message), "%s lacks a function the bridge needs (backendCreate, deviceCreate, "
            "contextCreateFromBinary, graphRetrieve, graphExecute or their frees)", backend_path);
        (*env)->ReleaseStringUTFChars(env, path, backend_path);
        throw_state(env, message);
        return 0;
    }
    /* The backend API must be the one the provider announces. */
    wq_api_version reported = chosen->api_version;
    if (api->backend_get_api_version)
    {
        const wq_error version_error = api->backend_get_api_version(&reported);
        if (WQ_SUCCESS != WQ_CODE(version_error) || reported.core.major != chosen->api_version.core.major ||
            reported.backend.major != chosen->api_version.backend.major)
        {
            snprintf(message, sizeof(message), "%s contradicts itself: its provider announces core API %u.%u, "
                "backend API %u.%u; backendGetApiVersion says core %u.%u, backend %u.%u (error %u)", backend_path,
                chosen->api_version.core.major, chosen->api_version.core.minor, chosen->api_version.backend.major,
                chosen->api_version.backend.minor, reported.core.major, reported.core.minor, reported.backend.major,
                reported.backend.minor, WQ_CODE(version_error));
            (*env)->ReleaseStringUTFChars(env, path, backend_path);
            throw_state(env, message);
            return 0;
        }
    }
    const char *build_id = NULL;
    if (api->backend_get_build_id && WQ_SUCCESS != WQ_CODE(api->backend_get_build_id(&build_id)))
    {
        build_id = NULL;
    }
    qnn_library *library = calloc(1, sizeof(qnn_library));
    if (!library)
    {
        (*env)->ReleaseStringUTFChars(env, path, backend_path);
        throw_state(env, "out of memory");
        return 0;
    }
    library->dl = dl;
    library->provider = chosen;
    library->api = api;
    find_rpcmem(library);
    snprintf(library->description, sizeof(library->description),
        "%s (provider %s, QNN core API %u.%u.%u, backend API %u.%u.%u, build id %s, %s)", backend_path,
        chosen->provider_name ? chosen->provider_name : "unnamed", chosen->api_version.core.major,
        chosen->api_version.core.minor, chosen->api_version.core.patch, chosen->api_version.backend.major,
        chosen->api_version.backend.minor, chosen->api_version.backend.patch, build_id ? build_id : "not reported",
        library->rpcmem_alloc ? "rpcmem shared buffers where the backend registers them" :
            "client buffers (no rpcmem)");
    (*env)->ReleaseStringUTFChars(env, path, backend_path);
    return (jlong)(intptr_t)library;
}

WMRT_EXPORT JNIEXPORT jstring JNICALL Java_io_wmrt_backend_QnnBridge_describe0(JNIEnv *env, jclass type, jlong handle)
{
    (void)type;
    return (*env)->NewStringUTF(env, ((qnn_library *)(intptr_t)handle)->description);
}

/* The core API minor version of the provider in use, to compare with the one a context binary was built with. */
WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_backend_QnnBridge_coreMinor0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    return (jint)((qnn_library *)(intptr_t)handle)->provider->api_version.core.minor;
}

static void fill_dcvs(wq_htp_dcvs_v3 *dcvs, const uint32_t power_id, const int mode)
{
    memset(dcvs, 0, sizeof(*dcvs));
    dcvs->context_id = power_id;
    dcvs->set_dcvs_enable = 1;
    dcvs->set_sleep_latency = 1;
    dcvs->set_sleep_disable = 1;
    dcvs->set_bus_params = 1;
    dcvs->set_core_params = 1;
    uint32_t corner;
    switch (mode)
    {
        case MODE_BURST:
            /* Clocks pinned at the top, no sleep: the lowest latency and the highest power. */
            dcvs->dcvs_enable = 0;
            dcvs->power_mode = WQ_HTP_POWERMODE_PERFORMANCE_MODE;
            dcvs->sleep_latency = 40;
            dcvs->sleep_disable = 1;
            corner = WQ_DCVS_VOLTAGE_VCORNER_MAX_VOLTAGE_CORNER;
            break;
        case MODE_SUSTAINED_HIGH_PERFORMANCE:
        case MODE_HIGH_PERFORMANCE:
            dcvs->dcvs_enable = 0;
            dcvs->power_mode = WQ_HTP_POWERMODE_PERFORMANCE_MODE;
            dcvs->sleep_latency = 100;
            corner = WQ_DCVS_VOLTAGE_VCORNER_TURBO;
            break;
        case MODE_BALANCED:
            dcvs->dcvs_enable = 1;
            dcvs->power_mode = WQ_HTP_POWERMODE_PERFORMANCE_MODE;
            dcvs->sleep_latency = 1000;
            corner = WQ_DCVS_VOLTAGE_VCORNER_NOM_PLUS;
            break;
        default:
            dcvs->dcvs_enable = 1;
            dcvs->power_mode = WQ_HTP_POWERMODE_POWER_SAVER_MODE;
            dcvs->sleep_latency = 2000;
            corner = WQ_DCVS_VOLTAGE_VCORNER_SVS;
            break;
    }
    dcvs->bus_voltage_corner_min = corner;
    dcvs->bus_voltage_corner_target = corner;
    dcvs->bus_voltage_corner_max = corner;
    dcvs->core_voltage_corner_min = corner;
    dcvs->core_voltage_corner_target = corner;
    dcvs->core_voltage_corner_max = corner;
}

/*
 * The HTP performance mode through the device infrastructure. A backend without one (not an HTP) is left at its
 * defaults; a failure is returned as a message, the device stays usable.
 */
static void set_power(qnn_library *library, const int mode, char *warning, const size_t length)
{
    const wq_interface_table *api = library->api;
    const wq_htp_device_infrastructure *infrastructure = NULL;
    if (!api->device_get_infrastructure ||
        WQ_SUCCESS != WQ_CODE(api->device_get_infrastructure((const void **)&infrastructure)) || !infrastructure ||
        WQ_HTP_INFRASTRUCTURE_TYPE_PERF != infrastructure->infra_type || !infrastructure->perf.create_power_config_id ||
        !infrastructure->perf.set_power_config)
    {
        snprintf(warning, length, "no HTP performance infrastructure: power mode left at the backend's default");
        return;
    }
    library->perf = &infrastructure->perf;
    uint32_t power_id = 0;
    wq_error error = library->perf->create_power_config_id(0, 0, &power_id);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        describe_failure(warning, length, "createPowerConfigId", error);
        return;
    }
    library->power_id = power_id;
    library->has_power_id = 1;
    wq_htp_power_config config;
    memset(&config, 0, sizeof(config));
    config.option = WQ_HTP_POWER_CONFIGOPTION_DCVS_V3;
    fill_dcvs(&config.dcvs_v3, power_id, mode);
    const wq_htp_power_config *configs[] = {&config, NULL};
    error = library->perf->set_power_config(power_id, configs);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        describe_failure(warning, length, "setPowerConfig", error);
    }
}

static uint32_t qnn_priority(const int priority)
{
    switch (priority)
    {
        case PRIORITY_LOW: return WQ_PRIORITY_LOW;
        case PRIORITY_NORMAL_HIGH: return WQ_PRIORITY_NORMAL_HIGH;
        case PRIORITY_HIGH: return WQ_PRIORITY_HIGH;
        default: return WQ_PRIORITY_NORMAL;
    }
}

/*
 * The device for the profile's HTP: an HTP custom config with the arch, and one with the SoC model only when the
 * profile gives one (0: the backend detects the SoC). The configs live on this stack frame: QNN reads them during
 * the call only.
 */
static wq_error create_device(qnn_library *library)
{
    wq_htp_device_custom_config arch;
    wq_htp_device_custom_config soc;
    wq_device_config arch_config;
    wq_device_config soc_config;
    memset(&arch, 0, sizeof(arch));
    memset(&soc, 0, sizeof(soc));
    memset(&arch_config, 0, sizeof(arch_config));
    memset(&soc_config, 0, sizeof(soc_config));
    arch.option = WQ_HTP_DEVICE_CONFIG_OPTION_ARCH;
    arch.arch.device_id = 0;
    arch.arch.arch = library->htp_arch;
    arch_config.option = WQ_DEVICE_CONFIG_OPTION_CUSTOM;
    arch_config.custom_config = &arch;
    const wq_device_config *configs[3] = {&arch_config, NULL, NULL};
    if (library->soc_model)
    {
        soc.option = WQ_HTP_DEVICE_CONFIG_OPTION_SOC;
        soc.soc_model = library->soc_model;
        soc_config.option = WQ_DEVICE_CONFIG_OPTION_CUSTOM;
        soc_config.custom_config = &soc;
        configs[1] = &soc_config;
    }
    return library->api->device_create(library->log, (const void **)configs, &library->device);
}

/*
 * log, backend and device; then the power mode.
 *   mode       the profile's performance mode, MODE_*
 *   htp_arch   the profile's HTP generation as QNN numbers it (v73: 73)
 *   soc_model  QNN's SoC model number from the profile, or 0 when the profile gives none
 *   priority   the profile's context priority, PRIORITY_*, for every context created later
 * Returns a warning (power mode not set) or null; throws IllegalStateException naming the call that failed, after
 * freeing what was created.
 */
WMRT_EXPORT JNIEXPORT jstring JNICALL Java_io_wmrt_backend_QnnBridge_start0(
    JNIEnv *env, jclass type, jlong handle, jint mode, jint htp_arch, jint soc_model, jint priority)
{
    (void)type;
    qnn_library *library = (qnn_library *)(intptr_t)handle;
    const wq_interface_table *api = library->api;
    if (library->started)
    {
        return NULL;
    }
    if (htp_arch <= 0 || soc_model < 0 || priority < PRIORITY_LOW || priority > PRIORITY_HIGH)
    {
        throw_state(env, "start0: HTP arch must be positive, SoC model 0 or positive, priority 0 to 3");
        return NULL;
    }
    library->htp_arch = (uint32_t)htp_arch;
    library->soc_model = (uint32_t)soc_model;
    memset(&library->priority_config, 0, sizeof(library->priority_config));
    library->priority_config.option = WQ_CONTEXT_CONFIG_OPTION_PRIORITY;
    library->priority_config.priority = qnn_priority(priority);
    library->context_configs[0] = &library->priority_config;
    library->context_configs[1] = NULL;
    if (api->log_create && WQ_SUCCESS != WQ_CODE(api->log_create(on_log, WQ_LOG_LEVEL_WARN, &library->log)))
    {
        /* Logging is optional: run without it. */
        library->log = NULL;
    }
    wq_error error = api->backend_create(library->log, NULL, &library->backend);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        if (library->log && api->log_free)
        {
            api->log_free(library->log);
            library->log = NULL;
        }
        throw_failure(env, "backendCreate", error, NULL);
        return NULL;
    }
    error = create_device(library);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        char detail[128];
        if (library->soc_model)
        {
            snprintf(detail, sizeof(detail), "device config: HTP arch v%u (npu.htp_arch), SoC model %u "
                "(npu.soc_model)", library->htp_arch, library->soc_model);
        }
        else
        {
            snprintf(detail, sizeof(detail), "device config: HTP arch v%u (npu.htp_arch), no SoC model",
                library->htp_arch);
        }
        api->backend_free(library->backend);
        library->backend = NULL;
        if (library->log && api->log_free)
        {
            api->log_free(library->log);
            library->log = NULL;
        }
        throw_failure(env, "deviceCreate", error, detail);
        return NULL;
    }
    library->started = 1;
    char warning[TEXT_LENGTH];
    warning[0] = '\0';
    set_power(library, mode, warning, sizeof(warning));
    return warning[0] ? (*env)->NewStringUTF(env, warning) : NULL;
}

/* Frees in the reverse order of start0: power config id, device, backend, log. Contexts are freed before. */
WMRT_EXPORT JNIEXPORT void JNICALL Java_io_wmrt_backend_QnnBridge_stop0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    qnn_library *library = (qnn_library *)(intptr_t)handle;
    const wq_interface_table *api = library->api;
    if (!library->started)
    {
        return;
    }
    if (library->has_power_id && library->perf->destroy_power_config_id)
    {
        library->perf->destroy_power_config_id(library->power_id);
        library->has_power_id = 0;
    }
    api->device_free(library->device);
    api->backend_free(library->backend);
    if (library->log && api->log_free)
    {
        api->log_free(library->log);
    }
    library->device = NULL;
    library->backend = NULL;
    library->log = NULL;
    library->started = 0;
}

static wq_error create_context(qnn_context *context)
{
    const qnn_library *library = context->library;
    return library->api->context_create_from_binary(library->backend, library->device,
        (const void **)library->context_configs, context->binary, context->size, &context->handle, NULL);
}

/*
 * A context from a context binary; the bytes are kept to re-create it after a subsystem restart.
 * Returns the context handle; throws IllegalStateException naming contextCreateFromBinary and its code.
 */
WMRT_EXPORT JNIEXPORT jlong JNICALL Java_io_wmrt_backend_QnnBridge_contextCreate0(
    JNIEnv *env, jclass type, jlong handle, jbyteArray binary)
{
    (void)type;
    qnn_library *library = (qnn_library *)(intptr_t)handle;
    if (!library->started)
    {
        throw_state(env, "the QNN backend is not started");
        return 0;
    }
    const jsize size = (*env)->GetArrayLength(env, binary);
    qnn_context *context = calloc(1, sizeof(qnn_context));
    void *copy = malloc(size > 0 ? (size_t)size : 1);
    if (!context || !copy)
    {
        free(context);
        free(copy);
        throw_state(env, "out of memory for the context binary");
        return 0;
    }
    (*env)->GetByteArrayRegion(env, binary, 0, size, copy);
    context->library = library;
    context->binary = copy;
    context->size = (uint64_t)size;
    const wq_error error = create_context(context);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        free(copy);
        free(context);
        char detail[96];
        snprintf(detail, sizeof(detail), "context config: QNN priority %u (npu.context_priority)",
            library->priority_config.priority);
        throw_failure(env, "contextCreateFromBinary", error, detail);
        return 0;
    }
    return (jlong)(intptr_t)context;
}

WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_backend_QnnBridge_recreations0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    return (jint)((qnn_context *)(intptr_t)handle)->recreations;
}

WMRT_EXPORT JNIEXPORT void JNICALL Java_io_wmrt_backend_QnnBridge_contextFree0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    qnn_context *context = (qnn_context *)(intptr_t)handle;
    if (!context)
    {
        return;
    }
    if (context->handle)
    {
        context->library->api->context_free(context->handle, NULL);
    }
    free(context->binary);
    free(context);
}

static uint32_t element_size(const uint32_t data_type)
{
    switch (data_type)
    {
        case WQ_DATATYPE_SFIXED_POINT_8:
        case WQ_DATATYPE_UFIXED_POINT_8:
            return 1;
        case WQ_DATATYPE_UFIXED_POINT_16:
            return 2;
        default:
            return 4;
    }
}

static void range_of(const uint32_t data_type, int64_t *lowest, int64_t *highest)
{
    switch (data_type)
    {
        case WQ_DATATYPE_SFIXED_POINT_8: *lowest = INT8_MIN; *highest = INT8_MAX; break;
        case WQ_DATATYPE_UFIXED_POINT_8: *lowest = 0; *highest = UINT8_MAX; break;
        case WQ_DATATYPE_UFIXED_POINT_16: *lowest = 0; *highest = UINT16_MAX; break;
        default: *lowest = INT32_MIN; *highest = INT32_MAX; break;
    }
}

static void release_graph(qnn_graph *graph)
{
    const qnn_library *library = graph->context->library;
    for (uint32_t i = 0; i < graph->input_count + graph->output_count; i++)
    {
        qnn_binding *b = &graph->bindings[i];
        if (b->shared)
        {
            if (b->mem_handle && graph->context->handle)
            {
                library->api->mem_deregister(&b->mem_handle, 1);
            }
            library->rpcmem_free(b->buffer);
        }
        else
        {
            free(b->buffer);
        }
    }
    free(graph);
}

/* Registers a shared buffer with the context, as the HTP's shared-buffer descriptor {fd, offset 0}. */
static wq_error register_shared(const qnn_context *context, qnn_binding *b)
{
    b->mem_handle = NULL;
    return context->library->api->mem_register(context->handle, &b->descriptor, 1, &b->mem_handle);
}

/*
 * A buffer of the tensor's QNN type: rpcmem registered with the context where possible (the HTP reads and writes
 * it in place), else 64-byte aligned memory of the process passed as a client buffer. Returns 0 when out of
 * memory.
 */
static int allocate_buffer(const qnn_context *context, qnn_binding *b)
{
    const qnn_library *library = context->library;
    if (library->rpcmem_alloc)
    {
        void *buffer = library->rpcmem_alloc(WQ_RPCMEM_HEAP_ID_SYSTEM, WQ_RPCMEM_DEFAULT_FLAGS, (int)b->bytes);
        const int fd = buffer ? library->rpcmem_to_fd(buffer) : -1;
        if (buffer && fd >= 0)
        {
            b->buffer = buffer;
            b->htp_descriptor.type = WQ_HTP_MEM_SHARED_BUFFER;
            b->htp_descriptor.size = b->bytes;
            b->htp_descriptor.shared_buffer.fd = fd;
            b->htp_descriptor.shared_buffer.offset = 0;
            b->descriptor.mem_shape.num_dim = b->rank;
            b->descriptor.mem_shape.dim_size = b->dims;
            b->descriptor.mem_shape.shape_config = NULL;
            b->descriptor.data_type = b->data_type;
            b->descriptor.mem_type = WQ_MEM_TYPE_CUSTOM;
            b->descriptor.custom_info = &b->htp_descriptor;
            if (WQ_SUCCESS == WQ_CODE(register_shared(context, b)))
            {
                b->shared = 1;
                memset(b->buffer, 0, b->bytes);
                return 1;
            }
            b->buffer = NULL;
        }
        if (buffer)
        {
            library->rpcmem_free(buffer);
        }
    }
    /* 64-byte aligned, as the HTP's DMA prefers; rounded up so aligned_alloc accepts the size. */
    b->buffer = aligned_alloc(64, ((size_t)b->bytes + 63) & ~(size_t)63);
    if (!b->buffer)
    {
        return 0;
    }
    memset(b->buffer, 0, b->bytes);
    return 1;
}

static void describe_tensor(qnn_graph *graph, const uint32_t i, const int input)
{
    qnn_binding *b = &graph->bindings[i];
    wq_tensor *t = &graph->tensors[i];
    memset(t, 0, sizeof(*t));
    t->version = WQ_TENSOR_VERSION_1;
    t->v1.id = b->id;
    t->v1.name = b->name;
    t->v1.type = input ? WQ_TENSOR_TYPE_APP_WRITE : WQ_TENSOR_TYPE_APP_READ;
    t->v1.data_format = WQ_TENSOR_DATA_FORMAT_DENSE;
    t->v1.data_type = b->data_type;
    if (WQ_DATATYPE_FLOAT_32 == b->data_type)
    {
        t->v1.quantize_params.encoding_definition = WQ_DEFINITION_UNDEFINED;
        t->v1.quantize_params.quantization_encoding = WQ_QUANTIZATION_ENCODING_UNDEFINED;
    }
    else
    {
        t->v1.quantize_params.encoding_definition = WQ_DEFINITION_DEFINED;
        t->v1.quantize_params.quantization_encoding = WQ_QUANTIZATION_ENCODING_SCALE_OFFSET;
        t->v1.quantize_params.scale_offset.scale = b->scale;
        t->v1.quantize_params.scale_offset.offset = b->offset;
    }
    t->v1.rank = b->rank;
    t->v1.dimensions = b->dims;
    if (b->shared)
    {
        t->v1.mem_type = WQ_TENSORMEMTYPE_MEMHANDLE;
        t->v1.mem_handle = b->mem_handle;
    }
    else
    {
        t->v1.mem_type = WQ_TENSORMEMTYPE_RAW;
        t->v1.client_buf.data = b->buffer;
        t->v1.client_buf.data_size = b->bytes;
    }
}

/*
 * Retrieves a graph of a context and binds its tensors, once, to QNN-typed buffers of the bridge's own and to the
 * arena's float32 buffers they are converted from and to.
 *   names      tensor names inside the QNN graph; the first inputCount are inputs, the rest outputs
 *   ids        tensor ids inside the QNN graph, from the package's sidecar (QNN matches execute tensors by id)
 *   dataTypes  Qnn_DataType_t of each tensor
 *   scales     quantization scale of each (1 for float32)
 *   offsets    quantization offset of each, QNN's convention: real = scale * (q + offset)
 *   shapes     dimensions of each
 *   addresses  the arena's float32 buffer of each
 * Returns the graph handle; throws IllegalStateException naming the call or the tensor otherwise.
 */
WMRT_EXPORT JNIEXPORT jlong JNICALL Java_io_wmrt_backend_QnnBridge_bind0(
    JNIEnv *env, jclass type, jlong context_handle, jstring graph_name, jobjectArray names, jlongArray ids,
    jintArray data_types,
    jfloatArray scales, jintArray offsets, jobjectArray shapes, jlongArray addresses, jint input_count)
{
    (void)type;
    qnn_context *context = (qnn_context *)(intptr_t)context_handle;
    const jsize count = (*env)->GetArrayLength(env, names);
    if (count > MAX_TENSORS || input_count > count)
    {
        throw_state(env, "too many tensors for one graph");
        return 0;
    }
    qnn_graph *graph = calloc(1, sizeof(qnn_graph));
    if (!graph)
    {
        throw_state(env, "out of memory");
        return 0;
    }
    graph->context = context;
    graph->input_count = (uint32_t)input_count;
    graph->output_count = (uint32_t)(count - input_count);
    graph->generation = context->generation;
    const char *name = (*env)->GetStringUTFChars(env, graph_name, NULL);
    if (!name)
    {
        free(graph);
        return 0;
    }
    snprintf(graph->name, sizeof(graph->name), "%s", name);
    (*env)->ReleaseStringUTFChars(env, graph_name, name);

    jint type_of[MAX_TENSORS];
    jfloat scale_of[MAX_TENSORS];
    jint offset_of[MAX_TENSORS];
    jlong address_of[MAX_TENSORS];
    jlong id_of[MAX_TENSORS];
    (*env)->GetLongArrayRegion(env, ids, 0, count, id_of);
    (*env)->GetIntArrayRegion(env, data_types, 0, count, type_of);
    (*env)->GetFloatArrayRegion(env, scales, 0, count, scale_of);
    (*env)->GetIntArrayRegion(env, offsets, 0, count, offset_of);
    (*env)->GetLongArrayRegion(env, addresses, 0, count, address_of);
    for (jsize i = 0; i < count; i++)
    {
        qnn_binding *b = &graph->bindings[i];
        b->id = (uint32_t)id_of[i];
        jlongArray shape_array = (jlongArray)(*env)->GetObjectArrayElement(env, shapes, i);
        const jsize dims = (*env)->GetArrayLength(env, shape_array);
        jlong dim[MAX_DIMS];
        if (dims > MAX_DIMS || dims < 1)
        {
            throw_state(env, "a tensor has no dimensions or more than 8");
            release_graph(graph);
            return 0;
        }
        (*env)->GetLongArrayRegion(env, shape_array, 0, dims, dim);
        (*env)->DeleteLocalRef(env, shape_array);
        uint64_t elements = 1;
        for (jsize d = 0; d < dims; d++)
        {
            b->dims[d] = (uint32_t)dim[d];
            elements *= (uint64_t)dim[d];
        }
        jstring name_string = (jstring)(*env)->GetObjectArrayElement(env, names, i);
        const char *tensor_name = (*env)->GetStringUTFChars(env, name_string, NULL);
        if (!tensor_name)
        {
            release_graph(graph);
            return 0;
        }
        snprintf(b->name, sizeof(b->name), "%s", tensor_name);
        (*env)->ReleaseStringUTFChars(env, name_string, tensor_name);
        (*env)->DeleteLocalRef(env, name_string);
        b->data_type = (uint32_t)type_of[i];
        b->scale = scale_of[i];
        b->offset = offset_of[i];
        b->elements = (uint32_t)elements;
        b->bytes = (uint32_t)(elements * element_size(b->data_type));
        b->arena = (float *)(intptr_t)address_of[i];
        range_of(b->data_type, &b->lowest, &b->highest);
        b->rank = (uint32_t)dims;
        if (!allocate_buffer(context, b))
        {
            throw_state(env, "out of memory for a tensor buffer");
            release_graph(graph);
            return 0;
        }
        describe_tensor(graph, (uint32_t)i, i < input_count);
    }
    const wq_error error = context->library->api->graph_retrieve(context->handle, graph->name, &graph->graph);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        char detail[NAME_LENGTH + 64];
        snprintf(detail, sizeof(detail), "graph '%s'", graph->name);
        release_graph(graph);
        throw_failure(env, "graphRetrieve", error, detail);
        return 0;
    }
    return (jlong)(intptr_t)graph;
}

static void quantize(const qnn_binding *b)
{
    const float *in = b->arena;
    if (WQ_DATATYPE_FLOAT_32 == b->data_type)
    {
        memcpy(b->buffer, in, (size_t)b->elements * sizeof(float));
        return;
    }
    for (uint32_t i = 0; i < b->elements; i++)
    {
        float v = in[i] / b->scale;
        if (isnan(v))
        {
            v = 0.0f;
        }
        v = v < -4.0e9f ? -4.0e9f : (v > 4.0e9f ? 4.0e9f : v);
        int64_t q = (int64_t)llrintf(v) - b->offset;
        q = q < b->lowest ? b->lowest : (q > b->highest ? b->highest : q);
        switch (b->data_type)
        {
            case WQ_DATATYPE_SFIXED_POINT_8: ((int8_t *)b->buffer)[i] = (int8_t)q; break;
            case WQ_DATATYPE_UFIXED_POINT_8: ((uint8_t *)b->buffer)[i] = (uint8_t)q; break;
            case WQ_DATATYPE_UFIXED_POINT_16: ((uint16_t *)b->buffer)[i] = (uint16_t)q; break;
            default: ((int32_t *)b->buffer)[i] = (int32_t)q; break;
        }
    }
}

static void dequantize(const qnn_binding *b)
{
    float *out = b->arena;
    if (WQ_DATATYPE_FLOAT_32 == b->data_type)
    {
        memcpy(out, b->buffer, (size_t)b->elements * sizeof(float));
        return;
    }
    for (uint32_t i = 0; i < b->elements; i++)
    {
        int64_t q;
        switch (b->data_type)
        {
            case WQ_DATATYPE_SFIXED_POINT_8: q = ((const int8_t *)b->buffer)[i]; break;
            case WQ_DATATYPE_UFIXED_POINT_8: q = ((const uint8_t *)b->buffer)[i]; break;
            case WQ_DATATYPE_UFIXED_POINT_16: q = ((const uint16_t *)b->buffer)[i]; break;
            default: q = ((const int32_t *)b->buffer)[i]; break;
        }
        out[i] = b->scale * (float)(q + b->offset);
    }
}

static jint fail(qnn_graph *graph, const uint32_t call, const wq_error error)
{
    graph->failure = ((uint64_t)call << 32) | WQ_CODE(error);
    return 1;
}

/*
 * After a subsystem restart the context is gone: free what is left of it and create it again from the kept
 * binary. Every graph of the context retrieves its handle again on its next run (the generation changed).
 */
static wq_error recreate_context(qnn_context *context)
{
    const wq_interface_table *api = context->library->api;
    if (context->handle)
    {
        api->context_free(context->handle, NULL);
        context->handle = NULL;
    }
    context->generation++;
    const wq_error error = create_context(context);
    if (WQ_SUCCESS == WQ_CODE(error))
    {
        context->recreations++;
    }
    else
    {
        context->handle = NULL;
    }
    return error;
}

/*
 * One run: quantize the arena's inputs, execute, dequantize into the arena's outputs. Returns 0, or 1 with the
 * failure kept for failure0. Allocates nothing: neither on the Java heap nor with malloc.
 */
WMRT_EXPORT JNIEXPORT jint JNICALL Java_io_wmrt_backend_QnnBridge_run0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    qnn_graph *graph = (qnn_graph *)(intptr_t)handle;
    qnn_context *context = graph->context;
    const wq_interface_table *api = context->library->api;
    if (!context->handle)
    {
        /* A re-creation failed earlier: try again before anything else. */
        const wq_error error = recreate_context(context);
        if (WQ_SUCCESS != WQ_CODE(error))
        {
            return fail(graph, CALL_CONTEXT_RECREATE, error);
        }
    }
    if (graph->generation != context->generation)
    {
        const wq_error error = api->graph_retrieve(context->handle, graph->name, &graph->graph);
        if (WQ_SUCCESS != WQ_CODE(error))
        {
            return fail(graph, CALL_GRAPH_RETRIEVE, error);
        }
        /* Registrations died with the old context: register the same buffers with the new one. */
        for (uint32_t i = 0; i < graph->input_count + graph->output_count; i++)
        {
            qnn_binding *b = &graph->bindings[i];
            if (b->shared)
            {
                const wq_error registered = register_shared(context, b);
                if (WQ_SUCCESS != WQ_CODE(registered))
                {
                    return fail(graph, CALL_MEM_REGISTER, registered);
                }
                graph->tensors[i].v1.mem_handle = b->mem_handle;
            }
        }
        graph->generation = context->generation;
    }
    for (uint32_t i = 0; i < graph->input_count; i++)
    {
        quantize(&graph->bindings[i]);
    }
    const wq_error error = api->graph_execute(graph->graph, graph->tensors, graph->input_count,
        graph->tensors + graph->input_count, graph->output_count, NULL, NULL);
    if (WQ_SUCCESS != WQ_CODE(error))
    {
        if (WQ_COMMON_ERROR_SYSTEM_COMMUNICATION == WQ_CODE(error))
        {
            const wq_error recreated = recreate_context(context);
            if (WQ_SUCCESS != WQ_CODE(recreated))
            {
                return fail(graph, CALL_CONTEXT_RECREATE, recreated);
            }
        }
        return fail(graph, CALL_GRAPH_EXECUTE, error);
    }
    for (uint32_t i = graph->input_count; i < graph->input_count + graph->output_count; i++)
    {
        dequantize(&graph->bindings[i]);
    }
    return 0;
}

/* The last failure of run0: the call (high 32 bits) and the QNN error code (low 32 bits). */
WMRT_EXPORT JNIEXPORT jlong JNICALL Java_io_wmrt_backend_QnnBridge_failure0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    return (jlong)((qnn_graph *)(intptr_t)handle)->failure;
}

/* The text for a failure code, made once per distinct failure by the Java side. */
WMRT_EXPORT JNIEXPORT jstring JNICALL Java_io_wmrt_backend_QnnBridge_errorText0(JNIEnv *env, jclass type, jint code)
{
    (void)type;
    char text[128];
    snprintf(text, sizeof(text), "error %u (%s)", (uint32_t)code, error_name((uint32_t)code));
    return (*env)->NewStringUTF(env, text);
}

WMRT_EXPORT JNIEXPORT void JNICALL Java_io_wmrt_backend_QnnBridge_release0(JNIEnv *env, jclass type, jlong handle)
{
    (void)env;
    (void)type;
    if (handle)
    {
        release_graph((qnn_graph *)(intptr_t)handle);
    }
}
