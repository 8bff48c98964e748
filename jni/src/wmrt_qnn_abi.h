/*
 * wmrt's own declaration of the subset of the QNN (Qualcomm AI Engine Direct) C ABI that wmrt's QNN bridge calls
 * and that the CI test double implements. No Qualcomm header is included or copied: the names below are wmrt's;
 * the layouts, slot order and values are facts of the published ABI (QnnInterface.h, QnnCommon.h, QnnTypes.h,
 * QnnDevice.h, QnnContext.h, QnnHtpPerfInfrastructure.h, QnnHtpDevice.h of QNN 2.x), checked here with
 * _Static_assert for LP64 (x86-64 and aarch64 Linux).
 *
 * Every struct is append-only across QNN 2.x minor versions; the interface table below stops at deviceFree, the
 * last slot the bridge uses (the real table goes on with signal functions).
 */
#ifndef WMRT_QNN_ABI_H
#define WMRT_QNN_ABI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Every QNN call returns a 64-bit handle whose low 16 bits are the error code; 0 is success. */
typedef uint64_t wq_error;
#define WQ_CODE(e) ((uint32_t)((e) & 0xFFFFu))
#define WQ_SUCCESS 0u

/* Error codes (QnnCommon.h: QNN_MIN_ERROR_COMMON = 1000, each component has its own range of 1000). */
#define WQ_COMMON_ERROR_NOT_SUPPORTED 1000u
#define WQ_COMMON_ERROR_MEM_ALLOC 1002u
#define WQ_COMMON_ERROR_SYSTEM 1003u
#define WQ_COMMON_ERROR_INVALID_ARGUMENT 1004u
#define WQ_COMMON_ERROR_OPERATION_NOT_PERMITTED 1005u
#define WQ_COMMON_ERROR_PLATFORM_NOT_SUPPORTED 1006u
/* The DSP subsystem restarted under the call: the context must be re-created. */
#define WQ_COMMON_ERROR_SYSTEM_COMMUNICATION 1007u
#define WQ_COMMON_ERROR_INCOMPATIBLE_BINARIES 1008u
#define WQ_COMMON_ERROR_LOADING_BINARIES 1009u
#define WQ_COMMON_ERROR_RESOURCE_UNAVAILABLE 1010u
#define WQ_COMMON_ERROR_GENERAL 1100u
#define WQ_MIN_ERROR_BACKEND 4000u
#define WQ_MIN_ERROR_CONTEXT 5000u
#define WQ_MIN_ERROR_GRAPH 6000u
#define WQ_MIN_ERROR_TENSOR 7000u
#define WQ_MIN_ERROR_MEM 8000u
#define WQ_MIN_ERROR_PERF_INFRASTRUCTURE 13000u
#define WQ_MIN_ERROR_DEVICE 14000u

typedef void *wq_handle;

typedef struct
{
    uint32_t major;
    uint32_t minor;
    uint32_t patch;
} wq_version;

typedef struct
{
    wq_version core;
    wq_version backend;
} wq_api_version;

/* Qnn_DataType_t values used by wmrt. */
#define WQ_DATATYPE_INT_32 0x0032u
#define WQ_DATATYPE_FLOAT_32 0x0232u
#define WQ_DATATYPE_SFIXED_POINT_8 0x0308u
#define WQ_DATATYPE_SFIXED_POINT_32 0x0332u
#define WQ_DATATYPE_UFIXED_POINT_8 0x0408u
#define WQ_DATATYPE_UFIXED_POINT_16 0x0416u

#define WQ_TENSOR_TYPE_APP_WRITE 0u
#define WQ_TENSOR_TYPE_APP_READ 1u
#define WQ_TENSOR_DATA_FORMAT_DENSE 0u
#define WQ_TENSORMEMTYPE_RAW 0u
#define WQ_TENSORMEMTYPE_MEMHANDLE 1u
#define WQ_TENSOR_VERSION_1 1u
#define WQ_TENSOR_VERSION_2 2u
#define WQ_DEFINITION_DEFINED 1u
#define WQ_DEFINITION_UNDEFINED 0x7FFFFFFFu
#define WQ_QUANTIZATION_ENCODING_SCALE_OFFSET 0u
#define WQ_QUANTIZATION_ENCODING_UNDEFINED 0x7FFFFFFFu

typedef struct
{
    float scale;
    int32_t offset;
} wq_scale_offset;

/* Qnn_QuantizeParams_t: the union's largest member is the bit-width per-axis encoding (32 bytes). */
typedef struct
{
    uint32_t encoding_definition;
    uint32_t quantization_encoding;
    union
    {
        wq_scale_offset scale_offset;
        struct
        {
            uint32_t bitwidth;
            int32_t axis;
            uint32_t num_elements;
            float *scales;
            int32_t *offsets;
        } bw_axis_scale_offset;
    };
} wq_quantize_params;

typedef struct
{
    void *data;
    uint32_t data_size;
} wq_client_buffer;

/* Qnn_TensorV1_t */
typedef struct
{
    uint32_t id;
    const char *name;
    uint32_t type;
    uint32_t data_format;
    uint32_t data_type;
    wq_quantize_params quantize_params;
    uint32_t rank;
    uint32_t *dimensions;
    uint32_t mem_type;
    union
    {
        wq_client_buffer client_buf;
        wq_handle mem_handle;
    };
} wq_tensor_v1;

/* Qnn_TensorV2_t: V1's fields, then dynamic dimensions, sparse parameters and isProduced. */
typedef struct
{
    wq_tensor_v1 base;
    uint8_t *is_dynamic_dimensions;
    struct
    {
        uint32_t type;
        uint32_t num_specified_elements;
        uint32_t num_sparse_dimensions;
    } sparse_params;
    uint8_t is_produced;
} wq_tensor_v2;

/* Qnn_Tensor_t */
typedef struct
{
    uint32_t version;
    union
    {
        wq_tensor_v1 v1;
        wq_tensor_v2 v2;
    };
} wq_tensor;

/* QnnLog_Level_t */
#define WQ_LOG_LEVEL_ERROR 1
#define WQ_LOG_LEVEL_WARN 2
#define WQ_LOG_LEVEL_INFO 3
typedef void (*wq_log_callback)(const char *format, int level, uint64_t timestamp, va_list args);

typedef wq_error (*wq_backend_create_fn)(wq_handle log, const void **config, wq_handle *backend);
typedef wq_error (*wq_backend_get_api_version_fn)(wq_api_version *version);
typedef wq_error (*wq_backend_get_build_id_fn)(const char **id);
typedef wq_error (*wq_free_fn)(wq_handle handle);
typedef wq_error (*wq_context_create_from_binary_fn)(wq_handle backend, wq_handle device, const void **config,
    const void *binary, uint64_t size, wq_handle *context, wq_handle profile);
typedef wq_error (*wq_context_free_fn)(wq_handle context, wq_handle profile);
typedef wq_error (*wq_graph_retrieve_fn)(wq_handle context, const char *name, wq_handle *graph);
typedef wq_error (*wq_graph_execute_fn)(wq_handle graph, const wq_tensor *inputs, uint32_t input_count,
    wq_tensor *outputs, uint32_t output_count, wq_handle profile, wq_handle signal);
/* QnnMem: shared buffers registered to a context (QnnMem.h, HTP's custom descriptor from QnnHtpMem.h). */
#define WQ_MEM_TYPE_ION 1u
#define WQ_MEM_TYPE_CUSTOM 2u
#define WQ_HTP_MEM_SHARED_BUFFER 1u

typedef struct
{
    uint32_t num_dim;
    uint32_t *dim_size;
    const char *shape_config;
} wq_mem_shape;

typedef struct
{
    wq_mem_shape mem_shape;
    uint32_t data_type;
    uint32_t mem_type;
    union
    {
        int32_t ion_fd;
        void *custom_info;
    };
} wq_mem_descriptor;

/* QnnMemHtp_Descriptor_t with the shared-buffer member: an rpcmem buffer's fd and an offset into it. */
typedef struct
{
    uint32_t type;
    uint64_t size;
    struct
    {
        int32_t fd;
        uint64_t offset;
    } shared_buffer;
} wq_htp_mem_descriptor;

typedef wq_error (*wq_mem_register_fn)(wq_handle context, const wq_mem_descriptor *descriptors, uint32_t count,
    wq_handle *handles);
typedef wq_error (*wq_mem_deregister_fn)(const wq_handle *handles, uint32_t count);

/* rpcmem (Qualcomm's fastrpc, BSD-3-Clause): buffers the DSP maps without a copy. */
#define WQ_RPCMEM_HEAP_ID_SYSTEM 25
#define WQ_RPCMEM_DEFAULT_FLAGS 1u
typedef void *(*wq_rpcmem_alloc_fn)(int heap_id, uint32_t flags, int size);
typedef void (*wq_rpcmem_free_fn)(void *buffer);
typedef int (*wq_rpcmem_to_fd_fn)(void *buffer);

typedef wq_error (*wq_log_create_fn)(wq_log_callback callback, int max_level, wq_handle *log);
typedef wq_error (*wq_device_get_infrastructure_fn)(const void **infrastructure);
typedef wq_error (*wq_device_create_fn)(wq_handle log, const void **config, wq_handle *device);

/*
 * The interface table, slot by slot in the published order (QNN_INTERFACE_VER_TYPE). Slots the bridge never calls
 * are kept as untyped pointers so that the offsets of the ones it calls are right.
 */
typedef struct
{
    void *property_has_capability;
    wq_backend_create_fn backend_create;
    void *backend_set_config;
    wq_backend_get_api_version_fn backend_get_api_version;
    wq_backend_get_build_id_fn backend_get_build_id;
    void *backend_register_op_package;
    void *backend_get_supported_operations;
    void *backend_validate_op_config;
    wq_free_fn backend_free;
    void *context_create;
    void *context_set_config;
    void *context_get_binary_size;
    void *context_get_binary;
    wq_context_create_from_binary_fn context_create_from_binary;
    wq_context_free_fn context_free;
    void *graph_create;
    void *graph_create_subgraph;
    void *graph_set_config;
    void *graph_add_node;
    void *graph_finalize;
    wq_graph_retrieve_fn graph_retrieve;
    wq_graph_execute_fn graph_execute;
    void *graph_execute_async;
    void *tensor_create_context_tensor;
    void *tensor_create_graph_tensor;
    wq_log_create_fn log_create;
    void *log_set_log_level;
    wq_free_fn log_free;
    void *profile_create;
    void *profile_set_config;
    void *profile_get_events;
    void *profile_get_sub_events;
    void *profile_get_event_data;
    void *profile_get_extended_event_data;
    void *profile_free;
    wq_mem_register_fn mem_register;
    wq_mem_deregister_fn mem_deregister;
    void *device_get_platform_info;
    void *device_free_platform_info;
    wq_device_get_infrastructure_fn device_get_infrastructure;
    wq_device_create_fn device_create;
    void *device_set_config;
    void *device_get_info;
    wq_free_fn device_free;
} wq_interface_table;

/* QnnInterface_t: one provider of the backend library. */
typedef struct
{
    uint32_t backend_id;
    const char *provider_name;
    wq_api_version api_version;
    wq_interface_table api;
} wq_interface;

/* Exported by every QNN backend library. */
typedef wq_error (*wq_get_providers_fn)(const wq_interface ***providers, uint32_t *count);
#define WQ_GET_PROVIDERS_SYMBOL "QnnInterface_getProviders"

/* HTP performance infrastructure (QnnHtpPerfInfrastructure.h, QnnHtpDevice.h). */
#define WQ_HTP_INFRASTRUCTURE_TYPE_PERF 0u
#define WQ_HTP_POWER_CONFIGOPTION_DCVS_V3 1u
#define WQ_HTP_POWERMODE_POWER_SAVER_MODE 0x4u
#define WQ_HTP_POWERMODE_PERFORMANCE_MODE 0x10u
#define WQ_DCVS_VOLTAGE_VCORNER_SVS 0x40u
#define WQ_DCVS_VOLTAGE_VCORNER_NOM 0x60u
#define WQ_DCVS_VOLTAGE_VCORNER_NOM_PLUS 0x70u
#define WQ_DCVS_VOLTAGE_VCORNER_TURBO 0x80u
#define WQ_DCVS_VOLTAGE_VCORNER_MAX_VOLTAGE_CORNER 0xA0u

typedef struct
{
    uint32_t context_id;
    uint32_t set_dcvs_enable;
    uint32_t dcvs_enable;
    uint32_t power_mode;
    uint32_t set_sleep_latency;
    uint32_t sleep_latency;
    uint32_t set_sleep_disable;
    uint32_t sleep_disable;
    uint32_t set_bus_params;
    uint32_t bus_voltage_corner_min;
    uint32_t bus_voltage_corner_target;
    uint32_t bus_voltage_corner_max;
    uint32_t set_core_params;
    uint32_t core_voltage_corner_min;
    uint32_t core_voltage_corner_target;
    uint32_t core_voltage_corner_max;
} wq_htp_dcvs_v3;

typedef struct
{
    uint32_t option;
    union
    {
        wq_htp_dcvs_v3 dcvs_v3;
        uint32_t rpc_control_latency;
        uint32_t rpc_polling_time;
        uint32_t hmx_timeout_interval_us;
    };
} wq_htp_power_config;

typedef struct
{
    wq_error (*create_power_config_id)(uint32_t device_id, uint32_t core_id, uint32_t *power_config_id);
    wq_error (*destroy_power_config_id)(uint32_t power_config_id);
    wq_error (*set_power_config)(uint32_t power_config_id, const wq_htp_power_config **config);
    void *set_memory_config;
} wq_htp_perf_infrastructure;

typedef struct
{
    uint32_t infra_type;
    union
    {
        wq_htp_perf_infrastructure perf;
    };
} wq_htp_device_infrastructure;

/*
 * Device config (QnnDevice.h): deviceCreate takes a null-terminated array of pointers to these. The bridge sends
 * only CUSTOM entries, each pointing at an HTP device custom config (QnnHtpDevice.h).
 */
#define WQ_DEVICE_CONFIG_OPTION_CUSTOM 0u
#define WQ_DEVICE_CONFIG_OPTION_PLATFORM_INFO 1u

typedef struct
{
    uint32_t option;
    union
    {
        void *custom_config;
        void *hardware_info;
    };
} wq_device_config;

/* QnnHtpDevice_ConfigOption_t values the bridge uses: the SoC model, and the (minimum) HTP architecture. */
#define WQ_HTP_DEVICE_CONFIG_OPTION_SOC 0u
#define WQ_HTP_DEVICE_CONFIG_OPTION_ARCH 1u

/* QnnHtpDevice_Arch_t: the value is the generation's number (v73 is 73); QnnDevice takes v68 or newer. */
#define WQ_HTP_DEVICE_ARCH_V68 68u
#define WQ_HTP_DEVICE_ARCH_V69 69u
#define WQ_HTP_DEVICE_ARCH_V73 73u
#define WQ_HTP_DEVICE_ARCH_V75 75u
#define WQ_HTP_DEVICE_ARCH_V79 79u
#define WQ_HTP_DEVICE_ARCH_V81 81u
#define WQ_HTP_DEVICE_ARCH_V85 85u

/* QnnHtpDevice_CustomConfig_t: the option, then a union whose largest members are {uint32 id; uint32 or bool}. */
typedef struct
{
    uint32_t option;
    union
    {
        uint32_t soc_model;
        struct
        {
            uint32_t device_id;
            uint32_t arch;
        } arch;
        struct
        {
            uint32_t device_id;
            uint8_t use_signed_process_domain;
        } signed_pd;
    };
} wq_htp_device_custom_config;

/* Context config (QnnContext.h): contextCreateFromBinary takes a null-terminated array of pointers to these. */
#define WQ_CONTEXT_CONFIG_OPTION_CUSTOM 0u
#define WQ_CONTEXT_CONFIG_OPTION_PRIORITY 1u

/* Qnn_Priority_t (QnnTypes.h). NORMAL_HIGH and HIGH may be restricted; QNN then treats them as NORMAL. */
#define WQ_PRIORITY_LOW 0u
#define WQ_PRIORITY_NORMAL 100u
#define WQ_PRIORITY_NORMAL_HIGH 150u
#define WQ_PRIORITY_HIGH 200u

/* QnnContext_Config_t: the option, then a union that holds pointers and a uint64 (so it starts at offset 8). */
typedef struct
{
    uint32_t option;
    union
    {
        void *custom_config;
        uint32_t priority;
        uint64_t memory_limit_hint;
    };
} wq_context_config;

/* Layouts for LP64, as the published headers define them. */
_Static_assert(sizeof(wq_version) == 12, "Qnn_Version_t");
_Static_assert(sizeof(wq_api_version) == 24, "Qnn_ApiVersion_t");
_Static_assert(sizeof(wq_quantize_params) == 40, "Qnn_QuantizeParams_t");
_Static_assert(offsetof(wq_quantize_params, scale_offset) == 8, "Qnn_QuantizeParams_t.scaleOffsetEncoding");
_Static_assert(sizeof(wq_client_buffer) == 16, "Qnn_ClientBuffer_t");
_Static_assert(offsetof(wq_tensor_v1, name) == 8, "Qnn_TensorV1_t.name");
_Static_assert(offsetof(wq_tensor_v1, data_type) == 24, "Qnn_TensorV1_t.dataType");
_Static_assert(offsetof(wq_tensor_v1, quantize_params) == 32, "Qnn_TensorV1_t.quantizeParams");
_Static_assert(offsetof(wq_tensor_v1, rank) == 72, "Qnn_TensorV1_t.rank");
_Static_assert(offsetof(wq_tensor_v1, dimensions) == 80, "Qnn_TensorV1_t.dimensions");
_Static_assert(offsetof(wq_tensor_v1, mem_type) == 88, "Qnn_TensorV1_t.memType");
_Static_assert(offsetof(wq_tensor_v1, client_buf) == 96, "Qnn_TensorV1_t.clientBuf");
_Static_assert(sizeof(wq_tensor_v1) == 112, "Qnn_TensorV1_t");
_Static_assert(offsetof(wq_tensor_v2, is_dynamic_dimensions) == 112, "Qnn_TensorV2_t.isDynamicDimensions");
_Static_assert(offsetof(wq_tensor_v2, sparse_params) == 120, "Qnn_TensorV2_t.sparseParams");
_Static_assert(offsetof(wq_tensor_v2, is_produced) == 132, "Qnn_TensorV2_t.isProduced");
_Static_assert(sizeof(wq_tensor_v2) == 136, "Qnn_TensorV2_t");
_Static_assert(offsetof(wq_tensor, v1) == 8, "Qnn_Tensor_t.v1");
_Static_assert(sizeof(wq_tensor) == 144, "Qnn_Tensor_t");
_Static_assert(offsetof(wq_interface_table, backend_create) == 8, "backendCreate slot");
_Static_assert(offsetof(wq_interface_table, backend_get_build_id) == 32, "backendGetBuildId slot");
_Static_assert(offsetof(wq_interface_table, backend_free) == 64, "backendFree slot");
_Static_assert(offsetof(wq_interface_table, context_create_from_binary) == 104, "contextCreateFromBinary slot");
_Static_assert(offsetof(wq_interface_table, context_free) == 112, "contextFree slot");
_Static_assert(offsetof(wq_interface_table, graph_retrieve) == 160, "graphRetrieve slot");
_Static_assert(offsetof(wq_interface_table, graph_execute) == 168, "graphExecute slot");
_Static_assert(offsetof(wq_interface_table, log_create) == 200, "logCreate slot");
_Static_assert(offsetof(wq_interface_table, log_free) == 216, "logFree slot");
_Static_assert(offsetof(wq_interface_table, mem_register) == 280, "memRegister slot");
_Static_assert(offsetof(wq_interface_table, device_get_infrastructure) == 312, "deviceGetInfrastructure slot");
_Static_assert(offsetof(wq_interface_table, device_create) == 320, "deviceCreate slot");
_Static_assert(offsetof(wq_interface_table, device_free) == 344, "deviceFree slot");
_Static_assert(offsetof(wq_interface, api_version) == 16, "QnnInterface_t.apiVersion");
_Static_assert(offsetof(wq_interface, api) == 40, "QnnInterface_t interface table");
_Static_assert(sizeof(wq_mem_shape) == 24, "Qnn_MemShape_t");
_Static_assert(offsetof(wq_mem_descriptor, data_type) == 24, "Qnn_MemDescriptor_t.dataType");
_Static_assert(offsetof(wq_mem_descriptor, custom_info) == 32, "Qnn_MemDescriptor_t.customInfo");
_Static_assert(sizeof(wq_mem_descriptor) == 40, "Qnn_MemDescriptor_t");
_Static_assert(offsetof(wq_htp_mem_descriptor, size) == 8, "QnnMemHtp_Descriptor_t.size");
_Static_assert(offsetof(wq_htp_mem_descriptor, shared_buffer) == 16, "QnnMemHtp_Descriptor_t.sharedBufferConfig");
_Static_assert(sizeof(wq_htp_mem_descriptor) == 32, "QnnMemHtp_Descriptor_t");
_Static_assert(sizeof(wq_htp_dcvs_v3) == 64, "QnnHtpPerfInfrastructure_DcvsV3_t");
_Static_assert(sizeof(wq_htp_power_config) == 68, "QnnHtpPerfInfrastructure_PowerConfig_t");
_Static_assert(offsetof(wq_htp_device_infrastructure, perf) == 8, "QnnHtpDevice_Infrastructure_t.perfInfra");

_Static_assert(sizeof(wq_device_config) == 16, "QnnDevice_Config_t");
_Static_assert(offsetof(wq_device_config, custom_config) == 8, "QnnDevice_Config_t.customConfig");
_Static_assert(sizeof(wq_htp_device_custom_config) == 12, "QnnHtpDevice_CustomConfig_t");
_Static_assert(offsetof(wq_htp_device_custom_config, soc_model) == 4, "QnnHtpDevice_CustomConfig_t.socModel");
_Static_assert(offsetof(wq_htp_device_custom_config, arch.device_id) == 4, "QnnHtpDevice_CustomConfig_t.arch.deviceId");
_Static_assert(offsetof(wq_htp_device_custom_config, arch.arch) == 8, "QnnHtpDevice_CustomConfig_t.arch.arch");
_Static_assert(sizeof(wq_context_config) == 16, "QnnContext_Config_t");
_Static_assert(offsetof(wq_context_config, priority) == 8, "QnnContext_Config_t.priority");
_Static_assert(offsetof(wq_context_config, custom_config) == 8, "QnnContext_Config_t.customConfig");

#endif
