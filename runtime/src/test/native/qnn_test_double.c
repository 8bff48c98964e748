/*
 * TEST DOUBLE of a QNN backend library, for wmrt's CI only. Never shipped: built by the runtime module's tests
 * (QnnTestDouble) under target/, never packaged in any jar. It is not Qualcomm's code and runs no model: it
 * stands where libQnnHtp.so stands so that wmrt's real QNN bridge can be driven end to end on any Linux machine.
 *
 * What the double does:
 *   - exports QnnInterface_getProviders with one provider implementing the calls the bridge makes, declared with
 *     the bridge's own wmrt_qnn_abi.h (so it checks the bridge's logic and its use of those declarations, not the
 *     declarations against Qualcomm's headers);
 *   - checks the versions and fields of what it is handed (tensor version, names, types, shapes, sizes, quantize
 *     parameters, power config, device and context configs) and returns QNN_COMMON_ERROR_INVALID_ARGUMENT, with a
 *     line in its log, if wrong;
 *   - records every call, one line each, in "<this library's path>.log";
 *   - reads its configuration from "<this library's path>.conf" when the bridge first asks for providers:
 *       api=MAJOR.MINOR            core API version announced (default 2.29)
 *       backend_api=MAJOR.MINOR    backend API version announced (default 5.29)
 *       build_id=TEXT              what backendGetBuildId answers (default wmrt-test-double)
 *       reported_backend_api=M.N   what backendGetApiVersion reports as the backend API, if not the announced one
 *       backend_error=CODE         backendCreate fails with CODE
 *       device_error=CODE          deviceCreate fails with CODE
 *       context_error=CODE@N[-]    contextCreateFromBinary fails with CODE on its Nth call (or from the Nth on)
 *       execute_error=CODE@N[-]    graphExecute fails with CODE on its Nth call, counted over all graphs
 *       htp_arch=N                 deviceCreate must be given one HTP ARCH custom config with arch N (device 0)
 *       soc_model=N                deviceCreate must be given one HTP SOC custom config with SoC model N; without
 *                                  this key it must be given none
 *       context_priority=N         contextCreateFromBinary must be given one PRIORITY config with QNN priority N
 *       no_infrastructure=1        deviceGetInfrastructure is not supported
 *       rpcmem=1                   the rpcmem_* functions it exports hand out buffers (else rpcmem_alloc
 *                                  answers NULL, as where there is no DSP), and memRegister takes them
 *     Each copy of the library at its own path is loaded as its own instance, so each test configures its own;
 *   - a subsystem restart (execute_error=1007@N) loses the context: every later execute on it fails with 1007
 *     until the bridge frees it and creates a new one from the binary;
 *   - runs graphs from its own trivial context binary format (text, see parse_binary):
 *       WMRT-QNN-TEST-DOUBLE-CONTEXT 1
 *       graph NAME A B
 *       in NAME ID DTYPE SCALE OFFSET DIM...
 *       out NAME ID DTYPE SCALE OFFSET DIM...
 *     with DTYPE float32|int8|uint8|uint16|int32. Output j is out[i] = A * in_k[i % n_k] + B with k = j mod the
 *     number of inputs, computed on the stored values (the quantized integers, or the floats), rounded half to
 *     even and saturated to the output's type.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wmrt_qnn_abi.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_GRAPHS 8
#define MAX_TENSORS 16
#define MAX_DIMS 8
#define NAME_LENGTH 128
#define MAGIC_BACKEND 0x42414b45u
#define MAGIC_DEVICE 0x44455649u
#define MAGIC_CONTEXT 0x43545854u
#define MAGIC_LOG 0x4c4f4747u

typedef struct
{
    char name[NAME_LENGTH];
    uint32_t id;
    uint32_t data_type;
    float scale;
    int32_t offset;
    uint32_t rank;
    uint32_t dims[MAX_DIMS];
    uint32_t elements;
} double_tensor;

typedef struct
{
    uint32_t magic;
    void *context;
    char name[NAME_LENGTH];
    double a;
    double b;
    uint32_t input_count;
    uint32_t output_count;
    double_tensor inputs[MAX_TENSORS];
    double_tensor outputs[MAX_TENSORS];
} double_graph;

typedef struct
{
    uint32_t magic;
    int lost;
    uint32_t graph_count;
    double_graph graphs[MAX_GRAPHS];
} double_context;

typedef struct
{
    uint32_t code;
    uint64_t first;
    int onwards;
} scheduled_error;

#define MAX_BUFFERS 64

/* An rpcmem buffer and, once registered, the context it is registered with. */
typedef struct
{
    void *data;
    int fd;
    uint32_t size;
    void *registered_with;
    int registered;
} shared_buffer;

static struct
{
    int configured;
    char log_path[4096];
    FILE *log;
    wq_version core;
    wq_version backend;
    char build_id[NAME_LENGTH];
    scheduled_error context_error;
    scheduled_error execute_error;
    int no_infrastructure;
    int rpcmem;
    wq_version reported_backend;
    uint32_t backend_error;
    uint32_t device_error;
    /* What the device and context configs must carry; 0 for arch and SoC model, -1 for priority: not configured. */
    uint32_t htp_arch;
    uint32_t soc_model;
    int64_t context_priority;
    shared_buffer buffers[MAX_BUFFERS];
    uint64_t context_calls;
    uint64_t execute_calls;
    uint32_t backend_magic;
    uint32_t device_magic;
    uint32_t log_magic;
    int power_ids;
} state;

static void record(const char *format, ...)
{
    if (!state.log)
    {
        return;
    }
    va_list args;
    va_start(args, format);
    vfprintf(state.log, format, args);
    va_end(args);
    fputc('\n', state.log);
    fflush(state.log);
}

static int fires(const scheduled_error *e, const uint64_t call)
{
    return 0 != e->code && (call == e->first || (e->onwards && call >= e->first));
}

static void parse_schedule(const char *value, scheduled_error *e)
{
    unsigned code = 0;
    unsigned long long first = 1;
    char tail = 0;
    const int n = sscanf(value, "%u@%llu%c", &code, &first, &tail);
    if (n >= 1)
    {
        e->code = code;
        e->first = n >= 2 ? first : 1;
        e->onwards = 3 == n && '-' == tail;
    }
}

static void configure(void)
{
    if (state.configured)
    {
        return;
    }
    state.configured = 1;
    state.core = (wq_version){2, 29, 0};
    state.context_priority = -1;
    state.backend = (wq_version){5, 29, 0};
    snprintf(state.build_id, sizeof(state.build_id), "wmrt-test-double");
    Dl_info self;
    if (!dladdr((void *)configure, &self) || !self.dli_fname)
    {
        return;
    }
    snprintf(state.log_path, sizeof(state.log_path), "%s.log", self.dli_fname);
    state.log = fopen(state.log_path, "a");
    char conf_path[4096 + 8];
    snprintf(conf_path, sizeof(conf_path), "%s.conf", self.dli_fname);
    FILE *conf = fopen(conf_path, "r");
    if (!conf)
    {
        return;
    }
    char line[512];
    while (fgets(line, sizeof(line), conf))
    {
        line[strcspn(line, "\r\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
        {
            continue;
        }
        *eq = '\0';
        const char *key = line;
        const char *value = eq + 1;
        if (0 == strcmp(key, "api"))
        {
            sscanf(value, "%u.%u", &state.core.major, &state.core.minor);
        }
        else if (0 == strcmp(key, "backend_api"))
        {
            sscanf(value, "%u.%u", &state.backend.major, &state.backend.minor);
        }
        else if (0 == strcmp(key, "reported_backend_api"))
        {
            sscanf(value, "%u.%u", &state.reported_backend.major, &state.reported_backend.minor);
        }
        else if (0 == strcmp(key, "backend_error"))
        {
            sscanf(value, "%u", &state.backend_error);
        }
        else if (0 == strcmp(key, "device_error"))
        {
            sscanf(value, "%u", &state.device_error);
        }
        else if (0 == strcmp(key, "build_id"))
        {
            snprintf(state.build_id, sizeof(state.build_id), "%s", value);
        }
        else if (0 == strcmp(key, "context_error"))
        {
            parse_schedule(value, &state.context_error);
        }
        else if (0 == strcmp(key, "execute_error"))
        {
            parse_schedule(value, &state.execute_error);
        }
        else if (0 == strcmp(key, "htp_arch"))
        {
            sscanf(value, "%u", &state.htp_arch);
        }
        else if (0 == strcmp(key, "soc_model"))
        {
            sscanf(value, "%u", &state.soc_model);
        }
        else if (0 == strcmp(key, "context_priority"))
        {
            long long priority = -1;
            sscanf(value, "%lld", &priority);
            state.context_priority = priority;
        }
        else if (0 == strcmp(key, "no_infrastructure"))
        {
            state.no_infrastructure = '1' == value[0];
        }
        else if (0 == strcmp(key, "rpcmem"))
        {
            state.rpcmem = '1' == value[0];
        }
    }
    fclose(conf);
}

static wq_error refuse(const char *call, const char *why)
{
    record("%s refused: %s", call, why);
    return WQ_COMMON_ERROR_INVALID_ARGUMENT;
}

/* ---------------------------------------------------------------------------------------------------------- */

static wq_error backend_get_api_version(wq_api_version *version)
{
    record("backendGetApiVersion");
    if (!version)
    {
        return refuse("backendGetApiVersion", "null version");
    }
    version->core = state.core;
    version->backend = 0 != state.reported_backend.major ? state.reported_backend : state.backend;
    return WQ_SUCCESS;
}

static wq_error backend_get_build_id(const char **id)
{
    record("backendGetBuildId");
    if (!id)
    {
        return refuse("backendGetBuildId", "null id");
    }
    *id = state.build_id;
    return WQ_SUCCESS;
}

static wq_error log_create(wq_log_callback callback, const int level, wq_handle *log)
{
    record("logCreate level=%d", level);
    if (!callback || !log || level < WQ_LOG_LEVEL_ERROR || level > 5)
    {
        return refuse("logCreate", "null callback or handle, or a level out of 1..5");
    }
    state.log_magic = MAGIC_LOG;
    *log = &state.log_magic;
    return WQ_SUCCESS;
}

static wq_error log_free(wq_handle log)
{
    record("logFree");
    if (log != &state.log_magic || MAGIC_LOG != state.log_magic)
    {
        return refuse("logFree", "not a live log handle");
    }
    state.log_magic = 0;
    return WQ_SUCCESS;
}

static wq_error backend_create(wq_handle log, const void **config, wq_handle *backend)
{
    record("backendCreate");
    if (!backend || (log && log != &state.log_magic))
    {
        return refuse("backendCreate", "null handle or a log handle that is not ours");
    }
    if (config && config[0])
    {
        return refuse("backendCreate", "the double takes no backend config");
    }
    if (state.backend_error)
    {
        return state.backend_error;
    }
    state.backend_magic = MAGIC_BACKEND;
    *backend = &state.backend_magic;
    return WQ_SUCCESS;
}

static wq_error backend_free(wq_handle backend)
{
    record("backendFree");
    if (backend != &state.backend_magic || MAGIC_BACKEND != state.backend_magic)
    {
        return refuse("backendFree", "not a live backend handle");
    }
    if (MAGIC_DEVICE == state.device_magic)
    {
        return refuse("backendFree", "the device is still alive");
    }
    state.backend_magic = 0;
    return WQ_SUCCESS;
}

#define MAX_CONFIGS 8

static int known_arch(const uint32_t arch)
{
    switch (arch)
    {
        case WQ_HTP_DEVICE_ARCH_V68:
        case WQ_HTP_DEVICE_ARCH_V69:
        case WQ_HTP_DEVICE_ARCH_V73:
        case WQ_HTP_DEVICE_ARCH_V75:
        case WQ_HTP_DEVICE_ARCH_V79:
        case WQ_HTP_DEVICE_ARCH_V81:
        case WQ_HTP_DEVICE_ARCH_V85:
            return 1;
        default:
            return 0;
    }
}

/*
 * Reads deviceCreate's null-terminated config list: every entry a CUSTOM device config pointing at an HTP custom
 * config, ARCH (device 0, a QnnHtpDevice_Arch_t value) and SOC each at most once, nothing else. Fills arch and
 * soc (0 where absent); returns the reason it is malformed, or NULL.
 */
static const char *read_device_configs(const void **config, uint32_t *arch, uint32_t *soc, char *why,
    const size_t length)
{
    *arch = 0;
    *soc = 0;
    for (int i = 0; config && config[i]; i++)
    {
        if (i == MAX_CONFIGS)
        {
            snprintf(why, length, "more than %d device configs: is the list null-terminated?", MAX_CONFIGS);
            return why;
        }
        const wq_device_config *c = config[i];
        if (WQ_DEVICE_CONFIG_OPTION_CUSTOM != c->option || !c->custom_config)
        {
            snprintf(why, length, "device config %d: option %u with %s custom config, not a CUSTOM (0) one", i,
                c->option, c->custom_config ? "a" : "a null");
            return why;
        }
        const wq_htp_device_custom_config *htp = c->custom_config;
        if (WQ_HTP_DEVICE_CONFIG_OPTION_ARCH == htp->option)
        {
            if (*arch || 0 != htp->arch.device_id || !known_arch(htp->arch.arch))
            {
                snprintf(why, length, "device config %d: ARCH %u for device %u (given %s): not one QnnHtpDevice_Arch_t "
                    "value for device 0", i, htp->arch.arch, htp->arch.device_id, *arch ? "twice" : "once");
                return why;
            }
            *arch = htp->arch.arch;
        }
        else if (WQ_HTP_DEVICE_CONFIG_OPTION_SOC == htp->option)
        {
            if (*soc || 0 == htp->soc_model)
            {
                snprintf(why, length, "device config %d: SOC model %u (given %s): not one non-zero SoC model", i,
                    htp->soc_model, *soc ? "twice" : "once");
                return why;
            }
            *soc = htp->soc_model;
        }
        else
        {
            snprintf(why, length, "device config %d: HTP option %u, neither SOC (0) nor ARCH (1)", i, htp->option);
            return why;
        }
    }
    return NULL;
}

static wq_error device_create(wq_handle log, const void **config, wq_handle *device)
{
    char why[256];
    uint32_t arch;
    uint32_t soc;
    const char *malformed = read_device_configs(config, &arch, &soc, why, sizeof(why));
    if (malformed)
    {
        record("deviceCreate");
        return refuse("deviceCreate", malformed);
    }
    char soc_text[16];
    snprintf(soc_text, sizeof(soc_text), soc ? "%u" : "none", soc);
    record("deviceCreate arch=%u soc=%s", arch, soc_text);
    if (!device || (log && log != &state.log_magic))
    {
        return refuse("deviceCreate", "null handle or a log handle that is not ours");
    }
    if (state.htp_arch && arch != state.htp_arch)
    {
        snprintf(why, sizeof(why), "HTP arch %u where the test configured %u", arch, state.htp_arch);
        return refuse("deviceCreate", why);
    }
    if (soc != state.soc_model)
    {
        snprintf(why, sizeof(why), "SoC model %s where the test configured %u (0: none)", soc_text, state.soc_model);
        return refuse("deviceCreate", why);
    }
    if (state.device_error)
    {
        return state.device_error;
    }
    state.device_magic = MAGIC_DEVICE;
    *device = &state.device_magic;
    return WQ_SUCCESS;
}

static wq_error device_free(wq_handle device)
{
    record("deviceFree");
    if (device != &state.device_magic || MAGIC_DEVICE != state.device_magic)
    {
        return refuse("deviceFree", "not a live device handle");
    }
    if (state.power_ids > 0)
    {
        return refuse("deviceFree", "a power config id is still alive");
    }
    state.device_magic = 0;
    return WQ_SUCCESS;
}

static wq_error create_power_config_id(const uint32_t device_id, const uint32_t core_id, uint32_t *id)
{
    record("createPowerConfigId device=%u core=%u", device_id, core_id);
    if (!id)
    {
        return refuse("createPowerConfigId", "null id");
    }
    state.power_ids++;
    *id = 7;
    return WQ_SUCCESS;
}

static wq_error destroy_power_config_id(const uint32_t id)
{
    record("destroyPowerConfigId %u", id);
    if (7 != id || state.power_ids <= 0)
    {
        return refuse("destroyPowerConfigId", "not a live power config id");
    }
    state.power_ids--;
    return WQ_SUCCESS;
}

static wq_error set_power_config(const uint32_t id, const wq_htp_power_config **configs)
{
    if (7 != id || !configs || !configs[0] || configs[1])
    {
        record("setPowerConfig");
        return refuse("setPowerConfig", "expected one config for power config id 7, null-terminated");
    }
    const wq_htp_power_config *c = configs[0];
    const wq_htp_dcvs_v3 *d = &c->dcvs_v3;
    record("setPowerConfig option=%u mode=0x%x dcvs=%u corner=0x%x sleep_disable=%u", c->option, d->power_mode,
        d->dcvs_enable, d->core_voltage_corner_target, d->sleep_disable);
    if (WQ_HTP_POWER_CONFIGOPTION_DCVS_V3 != c->option || d->context_id != id || !d->set_dcvs_enable ||
        (WQ_HTP_POWERMODE_PERFORMANCE_MODE != d->power_mode && WQ_HTP_POWERMODE_POWER_SAVER_MODE != d->power_mode))
    {
        return refuse("setPowerConfig", "not a DCVS v3 config for this id with a known power mode");
    }
    return WQ_SUCCESS;
}

static const wq_htp_device_infrastructure infrastructure = {
    WQ_HTP_INFRASTRUCTURE_TYPE_PERF,
    {{create_power_config_id, destroy_power_config_id, set_power_config, NULL}}};

static wq_error device_get_infrastructure(const void **out)
{
    record("deviceGetInfrastructure");
    if (state.no_infrastructure)
    {
        return WQ_COMMON_ERROR_NOT_SUPPORTED;
    }
    if (!out)
    {
        return refuse("deviceGetInfrastructure", "null pointer");
    }
    *out = &infrastructure;
    return WQ_SUCCESS;
}

/* ---------------------------------------------------------------------------------------------------------- */

static int parse_dtype(const char *text, uint32_t *data_type)
{
    static const struct
    {
        const char *name;
        uint32_t type;
    } types[] = {
        {"float32", WQ_DATATYPE_FLOAT_32}, {"int8", WQ_DATATYPE_SFIXED_POINT_8},
        {"uint8", WQ_DATATYPE_UFIXED_POINT_8}, {"uint16", WQ_DATATYPE_UFIXED_POINT_16},
        {"int32", WQ_DATATYPE_SFIXED_POINT_32}};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
    {
        if (0 == strcmp(text, types[i].name))
        {
            *data_type = types[i].type;
            return 1;
        }
    }
    return 0;
}

static int parse_tensor(char *rest, double_tensor *t)
{
    char dtype[32];
    int used = 0;
    if (sscanf(rest, "%127s %u %31s %f %d%n", t->name, &t->id, dtype, &t->scale, &t->offset, &used) < 5 ||
        !parse_dtype(dtype, &t->data_type))
    {
        return 0;
    }
    rest += used;
    t->elements = 1;
    unsigned dim;
    while (t->rank < MAX_DIMS && 1 == sscanf(rest, "%u%n", &dim, &used))
    {
        t->dims[t->rank++] = dim;
        t->elements *= dim;
        rest += used;
    }
    return t->rank > 0;
}

/* Fills the context from the double's text format; returns 0 when the bytes are not one. */
static int parse_binary(double_context *context, const char *bytes, const uint64_t size)
{
    char *text = malloc(size + 1);
    if (!text)
    {
        return 0;
    }
    memcpy(text, bytes, size);
    text[size] = '\0';
    int ok = 0 == strncmp(text, "WMRT-QNN-TEST-DOUBLE-CONTEXT 1\n", 31);
    double_graph *graph = NULL;
    for (char *line = strtok(text, "\n"); ok && line; line = strtok(NULL, "\n"))
    {
        if (0 == strncmp(line, "graph ", 6))
        {
            if (context->graph_count >= MAX_GRAPHS)
            {
                ok = 0;
                break;
            }
            graph = &context->graphs[context->graph_count++];
            graph->magic = MAGIC_CONTEXT + 1;
            graph->context = context;
            ok = 3 == sscanf(line + 6, "%127s %lf %lf", graph->name, &graph->a, &graph->b);
        }
        else if (0 == strncmp(line, "in ", 3) && graph && graph->input_count < MAX_TENSORS)
        {
            ok = parse_tensor(line + 3, &graph->inputs[graph->input_count++]);
        }
        else if (0 == strncmp(line, "out ", 4) && graph && graph->output_count < MAX_TENSORS)
        {
            ok = parse_tensor(line + 4, &graph->outputs[graph->output_count++]);
        }
    }
    free(text);
    return ok && context->graph_count > 0;
}

static int known_priority(const uint32_t priority)
{
    return WQ_PRIORITY_LOW == priority || WQ_PRIORITY_NORMAL == priority || WQ_PRIORITY_NORMAL_HIGH == priority ||
        WQ_PRIORITY_HIGH == priority;
}

/*
 * Reads contextCreateFromBinary's null-terminated config list: PRIORITY configs only, at most one, with a
 * Qnn_Priority_t value. Fills priority (-1 where absent); returns the reason it is malformed, or NULL.
 */
static const char *read_context_configs(const void **config, int64_t *priority, char *why, const size_t length)
{
    *priority = -1;
    for (int i = 0; config && config[i]; i++)
    {
        if (i == MAX_CONFIGS)
        {
            snprintf(why, length, "more than %d context configs: is the list null-terminated?", MAX_CONFIGS);
            return why;
        }
        const wq_context_config *c = config[i];
        if (WQ_CONTEXT_CONFIG_OPTION_PRIORITY != c->option)
        {
            snprintf(why, length, "context config %d: option %u, not PRIORITY (1)", i, c->option);
            return why;
        }
        if (*priority >= 0 || !known_priority(c->priority))
        {
            snprintf(why, length, "context config %d: priority %u (given %s): not one Qnn_Priority_t value", i,
                c->priority, *priority >= 0 ? "twice" : "once");
            return why;
        }
        *priority = c->priority;
    }
    return NULL;
}

static wq_error context_create_from_binary(wq_handle backend, wq_handle device, const void **config,
    const void *binary, const uint64_t size, wq_handle *context, wq_handle profile)
{
    const uint64_t call = ++state.context_calls;
    char why[256];
    int64_t priority;
    const char *malformed = read_context_configs(config, &priority, why, sizeof(why));
    if (malformed)
    {
        record("contextCreateFromBinary");
        return refuse("contextCreateFromBinary", malformed);
    }
    if (priority >= 0)
    {
        record("contextCreateFromBinary priority=%lld", (long long)priority);
    }
    else
    {
        record("contextCreateFromBinary priority=none");
    }
    if (state.context_priority >= 0 && priority != state.context_priority)
    {
        snprintf(why, sizeof(why), "priority %lld where the test configured %lld", (long long)priority,
            (long long)state.context_priority);
        return refuse("contextCreateFromBinary", why);
    }
    if (backend != &state.backend_magic || MAGIC_BACKEND != state.backend_magic)
    {
        return refuse("contextCreateFromBinary", "not a live backend handle");
    }
    if (device && (device != &state.device_magic || MAGIC_DEVICE != state.device_magic))
    {
        return refuse("contextCreateFromBinary", "not a live device handle");
    }
    if (profile || !binary || !context)
    {
        return refuse("contextCreateFromBinary", "profile given, or null binary or handle");
    }
    if (fires(&state.context_error, call))
    {
        record("contextCreateFromBinary injected error %u", state.context_error.code);
        return state.context_error.code;
    }
    double_context *created = calloc(1, sizeof(double_context));
    if (!created)
    {
        return WQ_COMMON_ERROR_MEM_ALLOC;
    }
    if (!parse_binary(created, binary, size))
    {
        free(created);
        return refuse("contextCreateFromBinary", "not a test double context binary");
    }
    created->magic = MAGIC_CONTEXT;
    *context = created;
    return WQ_SUCCESS;
}

static wq_error context_free(wq_handle handle, wq_handle profile)
{
    record("contextFree");
    double_context *context = handle;
    if (!context || MAGIC_CONTEXT != context->magic || profile)
    {
        return refuse("contextFree", "not a live context handle, or a profile given");
    }
    /* Registrations die with their context. */
    for (int i = 0; i < MAX_BUFFERS; i++)
    {
        if (state.buffers[i].registered && state.buffers[i].registered_with == context)
        {
            state.buffers[i].registered = 0;
        }
    }
    /* Kept, not freed: a stale context or graph handle used later is then detected, not read after free. */
    context->magic = 0;
    for (uint32_t i = 0; i < context->graph_count; i++)
    {
        context->graphs[i].magic = 0;
    }
    return WQ_SUCCESS;
}

EXPORT void *rpcmem_alloc(const int heap_id, const uint32_t flags, const int size)
{
    configure();
    if (!state.rpcmem)
    {
        return NULL;
    }
    record("rpcmem_alloc heap=%d flags=%u size=%d", heap_id, flags, size);
    if (WQ_RPCMEM_HEAP_ID_SYSTEM != heap_id || size <= 0)
    {
        return NULL;
    }
    for (int i = 0; i < MAX_BUFFERS; i++)
    {
        if (!state.buffers[i].data)
        {
            state.buffers[i].data = aligned_alloc(64, ((size_t)size + 63) & ~(size_t)63);
            state.buffers[i].fd = 1000 + i;
            state.buffers[i].size = (uint32_t)size;
            state.buffers[i].registered = 0;
            return state.buffers[i].data;
        }
    }
    return NULL;
}

static shared_buffer *buffer_of(const void *data)
{
    for (int i = 0; data && i < MAX_BUFFERS; i++)
    {
        if (state.buffers[i].data == data)
        {
            return &state.buffers[i];
        }
    }
    return NULL;
}

EXPORT int rpcmem_to_fd(void *data)
{
    const shared_buffer *b = buffer_of(data);
    return b ? b->fd : -1;
}

EXPORT void rpcmem_free(void *data)
{
    shared_buffer *b = buffer_of(data);
    record("rpcmem_free fd=%d%s", b ? b->fd : -1, b && b->registered ? " while still registered" : "");
    if (b)
    {
        free(b->data);
        memset(b, 0, sizeof(*b));
    }
}

static wq_error mem_register(wq_handle handle, const wq_mem_descriptor *descriptors, const uint32_t count,
    wq_handle *handles)
{
    double_context *context = handle;
    if (!context || MAGIC_CONTEXT != context->magic || !descriptors || 1 != count || !handles)
    {
        record("memRegister");
        return refuse("memRegister", "not a live context, or not one descriptor");
    }
    const wq_mem_descriptor *d = descriptors;
    const wq_htp_mem_descriptor *htp = d->custom_info;
    if (WQ_MEM_TYPE_CUSTOM != d->mem_type || !htp || WQ_HTP_MEM_SHARED_BUFFER != htp->type ||
        0 != htp->shared_buffer.offset || 0 == d->mem_shape.num_dim || !d->mem_shape.dim_size)
    {
        record("memRegister");
        return refuse("memRegister", "not an HTP shared-buffer descriptor with a shape");
    }
    record("memRegister fd=%d size=%llu", htp->shared_buffer.fd, (unsigned long long)htp->size);
    for (int i = 0; i < MAX_BUFFERS; i++)
    {
        shared_buffer *b = &state.buffers[i];
        if (b->data && b->fd == htp->shared_buffer.fd)
        {
            if (b->registered && b->registered_with == context)
            {
                return 8002; /* QNN_MEM_ERROR_ALREADY_REGISTERED */
            }
            if (htp->size != b->size)
            {
                return refuse("memRegister", "size differs from the rpcmem allocation");
            }
            b->registered = 1;
            b->registered_with = context;
            handles[0] = b;
            return WQ_SUCCESS;
        }
    }
    return refuse("memRegister", "fd of no rpcmem allocation");
}

static wq_error mem_deregister(const wq_handle *handles, const uint32_t count)
{
    if (!handles || 1 != count)
    {
        return refuse("memDeRegister", "not one handle");
    }
    shared_buffer *b = handles[0];
    record("memDeRegister fd=%d", b ? b->fd : -1);
    if (!b || !b->registered)
    {
        return refuse("memDeRegister", "not a registered handle");
    }
    b->registered = 0;
    return WQ_SUCCESS;
}

static wq_error graph_retrieve(wq_handle handle, const char *name, wq_handle *graph)
{
    record("graphRetrieve %s", name ? name : "(null)");
    double_context *context = handle;
    if (!context || MAGIC_CONTEXT != context->magic || !name || !graph)
    {
        return refuse("graphRetrieve", "not a live context handle, or null name or handle");
    }
    for (uint32_t i = 0; i < context->graph_count; i++)
    {
        if (0 == strcmp(context->graphs[i].name, name))
        {
            *graph = &context->graphs[i];
            return WQ_SUCCESS;
        }
    }
    record("graphRetrieve refused: no graph '%s' in the context", name);
    return WQ_MIN_ERROR_GRAPH + 3;
}

static uint32_t size_of(const uint32_t data_type)
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

/* Checks one tensor handed to graphExecute against the graph's declaration; returns the reason or NULL. */
static const char *check_tensor(const wq_tensor *t, const double_tensor *d, const uint32_t expected_type,
    const double_context *context, char *why, const size_t length)
{
    if (WQ_TENSOR_VERSION_1 != t->version && WQ_TENSOR_VERSION_2 != t->version)
    {
        snprintf(why, length, "tensor version %u", t->version);
        return why;
    }
    const wq_tensor_v1 *v = &t->v1;
    if (!v->name || 0 != strcmp(v->name, d->name))
    {
        snprintf(why, length, "tensor '%s' where '%s' was expected", v->name ? v->name : "(null)", d->name);
        return why;
    }
    if (v->id != d->id)
    {
        snprintf(why, length, "tensor '%s': id %u where the binary has %u", d->name, v->id, d->id);
        return why;
    }
    if (v->type != expected_type || v->data_type != d->data_type || WQ_TENSOR_DATA_FORMAT_DENSE != v->data_format)
    {
        snprintf(why, length, "tensor '%s': type %u data type 0x%x format %u", d->name, v->type, v->data_type,
            v->data_format);
        return why;
    }
    if (v->rank != d->rank || !v->dimensions)
    {
        snprintf(why, length, "tensor '%s': rank %u where %u was expected", d->name, v->rank, d->rank);
        return why;
    }
    for (uint32_t i = 0; i < d->rank; i++)
    {
        if (v->dimensions[i] != d->dims[i])
        {
            snprintf(why, length, "tensor '%s': dimension %u is %u, not %u", d->name, i, v->dimensions[i],
                d->dims[i]);
            return why;
        }
    }
    if (WQ_TENSORMEMTYPE_MEMHANDLE == v->mem_type)
    {
        const shared_buffer *b = v->mem_handle;
        if (!b || !b->registered || b->registered_with != context ||
            b->size != d->elements * size_of(d->data_type))
        {
            snprintf(why, length, "tensor '%s': memory handle not registered with this context, or of another "
                "size", d->name);
            return why;
        }
    }
    else if (WQ_TENSORMEMTYPE_RAW != v->mem_type || !v->client_buf.data ||
        v->client_buf.data_size != d->elements * size_of(d->data_type))
    {
        snprintf(why, length, "tensor '%s': memory type %u, buffer %p of %u bytes", d->name, v->mem_type,
            v->client_buf.data, v->client_buf.data_size);
        return why;
    }
    if (WQ_DATATYPE_FLOAT_32 != d->data_type &&
        (WQ_DEFINITION_DEFINED != v->quantize_params.encoding_definition ||
         WQ_QUANTIZATION_ENCODING_SCALE_OFFSET != v->quantize_params.quantization_encoding ||
         v->quantize_params.scale_offset.scale != d->scale || v->quantize_params.scale_offset.offset != d->offset))
    {
        snprintf(why, length, "tensor '%s': quantize params %u/%u scale %g offset %d, not scale %g offset %d",
            d->name, v->quantize_params.encoding_definition, v->quantize_params.quantization_encoding,
            (double)v->quantize_params.scale_offset.scale, v->quantize_params.scale_offset.offset,
            (double)d->scale, d->offset);
        return why;
    }
    return NULL;
}

static double load(const void *buffer, const uint32_t data_type, const uint32_t i)
{
    switch (data_type)
    {
        case WQ_DATATYPE_FLOAT_32: return ((const float *)buffer)[i];
        case WQ_DATATYPE_SFIXED_POINT_8: return ((const int8_t *)buffer)[i];
        case WQ_DATATYPE_UFIXED_POINT_8: return ((const uint8_t *)buffer)[i];
        case WQ_DATATYPE_UFIXED_POINT_16: return ((const uint16_t *)buffer)[i];
        default: return ((const int32_t *)buffer)[i];
    }
}

static void store(void *buffer, const uint32_t data_type, const uint32_t i, const double v)
{
    if (WQ_DATATYPE_FLOAT_32 == data_type)
    {
        ((float *)buffer)[i] = (float)v;
        return;
    }
    double lowest;
    double highest;
    switch (data_type)
    {
        case WQ_DATATYPE_SFIXED_POINT_8: lowest = INT8_MIN; highest = INT8_MAX; break;
        case WQ_DATATYPE_UFIXED_POINT_8: lowest = 0; highest = UINT8_MAX; break;
        case WQ_DATATYPE_UFIXED_POINT_16: lowest = 0; highest = UINT16_MAX; break;
        default: lowest = INT32_MIN; highest = INT32_MAX; break;
    }
    const double q = fmin(fmax(nearbyint(v), lowest), highest);
    switch (data_type)
    {
        case WQ_DATATYPE_SFIXED_POINT_8: ((int8_t *)buffer)[i] = (int8_t)q; break;
        case WQ_DATATYPE_UFIXED_POINT_8: ((uint8_t *)buffer)[i] = (uint8_t)q; break;
        case WQ_DATATYPE_UFIXED_POINT_16: ((uint16_t *)buffer)[i] = (uint16_t)q; break;
        default: ((int32_t *)buffer)[i] = (int32_t)q; break;
    }
}

static void *data_of(const wq_tensor *t)
{
    return WQ_TENSORMEMTYPE_MEMHANDLE == t->v1.mem_type ? ((const shared_buffer *)t->v1.mem_handle)->data :
        t->v1.client_buf.data;
}

static wq_error graph_execute(wq_handle handle, const wq_tensor *inputs, const uint32_t input_count,
    wq_tensor *outputs, const uint32_t output_count, wq_handle profile, wq_handle signal)
{
    const uint64_t call = ++state.execute_calls;
    double_graph *graph = handle;
    if (!graph || MAGIC_CONTEXT + 1 != graph->magic)
    {
        record("graphExecute");
        return refuse("graphExecute", "not a live graph handle (freed with its context?)");
    }
    record("graphExecute %s", graph->name);
    double_context *context = graph->context;
    if (context->lost)
    {
        record("graphExecute %s: context lost in a subsystem restart", graph->name);
        return WQ_COMMON_ERROR_SYSTEM_COMMUNICATION;
    }
    if (fires(&state.execute_error, call))
    {
        record("graphExecute %s injected error %u", graph->name, state.execute_error.code);
        if (WQ_COMMON_ERROR_SYSTEM_COMMUNICATION == state.execute_error.code)
        {
            context->lost = 1;
        }
        return state.execute_error.code;
    }
    if (profile || signal || input_count != graph->input_count || output_count != graph->output_count || !inputs ||
        !outputs)
    {
        return refuse("graphExecute", "profile or signal given, or tensor counts differ from the graph's");
    }
    char why[512];
    for (uint32_t i = 0; i < input_count; i++)
    {
        if (check_tensor(&inputs[i], &graph->inputs[i], WQ_TENSOR_TYPE_APP_WRITE, context, why, sizeof(why)))
        {
            return refuse("graphExecute", why);
        }
    }
    for (uint32_t j = 0; j < output_count; j++)
    {
        if (check_tensor(&outputs[j], &graph->outputs[j], WQ_TENSOR_TYPE_APP_READ, context, why, sizeof(why)))
        {
            return refuse("graphExecute", why);
        }
    }
    for (uint32_t j = 0; j < output_count; j++)
    {
        const uint32_t k = j % input_count;
        const double_tensor *in = &graph->inputs[k];
        const double_tensor *out = &graph->outputs[j];
        for (uint32_t i = 0; i < out->elements; i++)
        {
            const double x = load(data_of(&inputs[k]), in->data_type, i % in->elements);
            store(data_of(&outputs[j]), out->data_type, i, graph->a * x + graph->b);
        }
    }
    return WQ_SUCCESS;
}

/* ---------------------------------------------------------------------------------------------------------- */

static wq_interface provider;
static const wq_interface *providers[1];

EXPORT wq_error QnnInterface_getProviders(const wq_interface ***list, uint32_t *count)
{
    configure();
    record("QnnInterface_getProviders");
    if (!list || !count)
    {
        return WQ_COMMON_ERROR_INVALID_ARGUMENT;
    }
    memset(&provider, 0, sizeof(provider));
    provider.backend_id = 6;
    provider.provider_name = "WMRT_QNN_TEST_DOUBLE";
    provider.api_version.core = state.core;
    provider.api_version.backend = state.backend;
    provider.api.backend_create = backend_create;
    provider.api.backend_get_api_version = backend_get_api_version;
    provider.api.backend_get_build_id = backend_get_build_id;
    provider.api.backend_free = backend_free;
    provider.api.context_create_from_binary = context_create_from_binary;
    provider.api.context_free = context_free;
    provider.api.graph_retrieve = graph_retrieve;
    provider.api.graph_execute = graph_execute;
    provider.api.mem_register = mem_register;
    provider.api.mem_deregister = mem_deregister;
    provider.api.log_create = log_create;
    provider.api.log_free = log_free;
    provider.api.device_get_infrastructure = device_get_infrastructure;
    provider.api.device_create = device_create;
    provider.api.device_free = device_free;
    providers[0] = &provider;
    *list = providers;
    *count = 1;
    return WQ_SUCCESS;
}
