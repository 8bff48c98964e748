/*
 * Checks wmrt's own declaration of the QNN ABI (wmrt_qnn_abi.h) against Qualcomm's headers, at compile time.
 * Compiled by build-native.sh only where QNN_SDK_ROOT points at an installed QNN SDK (QAIRT); nothing is built
 * from it and no Qualcomm header is ever committed or needed for a normal build. Not run on the machine wmrt is
 * developed on (no SDK there): on a machine with the SDK, `QNN_SDK_ROOT=... jni/build-native.sh OUT` checks it.
 */
#include <stddef.h>

#include "QnnContext.h"
#include "QnnDevice.h"
#include "QnnInterface.h"
#include "QnnTypes.h"
#include "HTP/QnnHtpDevice.h"
#include "HTP/QnnHtpMem.h"
#include "HTP/QnnHtpPerfInfrastructure.h"

#include "wmrt_qnn_abi.h"

#define SAME_SIZE(ours, theirs) _Static_assert(sizeof(ours) == sizeof(theirs), "size of " #theirs)
#define SAME_OFFSET(ours, our_member, theirs, their_member) \
    _Static_assert(offsetof(ours, our_member) == offsetof(theirs, their_member), #theirs "." #their_member)
#define SAME_SLOT(our_member, their_member) \
    _Static_assert(offsetof(wq_interface, api.our_member) == \
        offsetof(QnnInterface_t, QNN_INTERFACE_VER_NAME.their_member), "slot " #their_member)

SAME_SIZE(wq_version, Qnn_Version_t);
SAME_SIZE(wq_api_version, Qnn_ApiVersion_t);
SAME_SIZE(wq_quantize_params, Qnn_QuantizeParams_t);
SAME_OFFSET(wq_quantize_params, scale_offset, Qnn_QuantizeParams_t, scaleOffsetEncoding);
SAME_SIZE(wq_client_buffer, Qnn_ClientBuffer_t);
SAME_SIZE(wq_tensor_v1, Qnn_TensorV1_t);
SAME_OFFSET(wq_tensor_v1, name, Qnn_TensorV1_t, name);
SAME_OFFSET(wq_tensor_v1, data_type, Qnn_TensorV1_t, dataType);
SAME_OFFSET(wq_tensor_v1, quantize_params, Qnn_TensorV1_t, quantizeParams);
SAME_OFFSET(wq_tensor_v1, rank, Qnn_TensorV1_t, rank);
SAME_OFFSET(wq_tensor_v1, dimensions, Qnn_TensorV1_t, dimensions);
SAME_OFFSET(wq_tensor_v1, mem_type, Qnn_TensorV1_t, memType);
SAME_OFFSET(wq_tensor_v1, client_buf, Qnn_TensorV1_t, clientBuf);
SAME_OFFSET(wq_tensor_v1, mem_handle, Qnn_TensorV1_t, memHandle);
SAME_SIZE(wq_tensor_v2, Qnn_TensorV2_t);
SAME_SIZE(wq_tensor, Qnn_Tensor_t);
SAME_OFFSET(wq_tensor, v1, Qnn_Tensor_t, v1);
SAME_OFFSET(wq_interface, api_version, QnnInterface_t, apiVersion);
SAME_SLOT(backend_create, backendCreate);
SAME_SLOT(backend_get_api_version, backendGetApiVersion);
SAME_SLOT(backend_get_build_id, backendGetBuildId);
SAME_SLOT(backend_free, backendFree);
SAME_SLOT(context_create_from_binary, contextCreateFromBinary);
SAME_SLOT(context_free, contextFree);
SAME_SLOT(graph_retrieve, graphRetrieve);
SAME_SLOT(graph_execute, graphExecute);
SAME_SLOT(log_create, logCreate);
SAME_SLOT(log_free, logFree);
SAME_SLOT(mem_register, memRegister);
SAME_SLOT(mem_deregister, memDeRegister);
SAME_SLOT(device_get_infrastructure, deviceGetInfrastructure);
SAME_SLOT(device_create, deviceCreate);
SAME_SLOT(device_free, deviceFree);
SAME_SIZE(wq_mem_descriptor, Qnn_MemDescriptor_t);
SAME_OFFSET(wq_mem_descriptor, custom_info, Qnn_MemDescriptor_t, customInfo);
SAME_SIZE(wq_htp_mem_descriptor, QnnMemHtp_Descriptor_t);
SAME_OFFSET(wq_htp_mem_descriptor, shared_buffer, QnnMemHtp_Descriptor_t, sharedBufferConfig);
SAME_SIZE(wq_htp_dcvs_v3, QnnHtpPerfInfrastructure_DcvsV3_t);
SAME_SIZE(wq_htp_power_config, QnnHtpPerfInfrastructure_PowerConfig_t);
SAME_OFFSET(wq_htp_device_infrastructure, perf, QnnHtpDevice_Infrastructure_t, perfInfra);
SAME_SIZE(wq_device_config, QnnDevice_Config_t);
SAME_OFFSET(wq_device_config, custom_config, QnnDevice_Config_t, customConfig);
SAME_SIZE(wq_htp_device_custom_config, QnnHtpDevice_CustomConfig_t);
SAME_OFFSET(wq_htp_device_custom_config, soc_model, QnnHtpDevice_CustomConfig_t, socModel);
SAME_OFFSET(wq_htp_device_custom_config, arch, QnnHtpDevice_CustomConfig_t, arch);
SAME_OFFSET(wq_htp_device_custom_config, arch.device_id, QnnHtpDevice_CustomConfig_t, arch.deviceId);
SAME_OFFSET(wq_htp_device_custom_config, arch.arch, QnnHtpDevice_CustomConfig_t, arch.arch);
SAME_SIZE(wq_context_config, QnnContext_Config_t);
SAME_OFFSET(wq_context_config, custom_config, QnnContext_Config_t, customConfig);
SAME_OFFSET(wq_context_config, priority, QnnContext_Config_t, priority);

_Static_assert(WQ_COMMON_ERROR_SYSTEM_COMMUNICATION == QNN_COMMON_ERROR_SYSTEM_COMMUNICATION, "error code");
_Static_assert(WQ_COMMON_ERROR_INVALID_ARGUMENT == QNN_COMMON_ERROR_INVALID_ARGUMENT, "error code");
_Static_assert(WQ_DATATYPE_SFIXED_POINT_8 == QNN_DATATYPE_SFIXED_POINT_8, "data type");
_Static_assert(WQ_DATATYPE_UFIXED_POINT_8 == QNN_DATATYPE_UFIXED_POINT_8, "data type");
_Static_assert(WQ_DATATYPE_UFIXED_POINT_16 == QNN_DATATYPE_UFIXED_POINT_16, "data type");
_Static_assert(WQ_DATATYPE_SFIXED_POINT_32 == QNN_DATATYPE_SFIXED_POINT_32, "data type");
_Static_assert(WQ_DATATYPE_FLOAT_32 == QNN_DATATYPE_FLOAT_32, "data type");
_Static_assert(WQ_MEM_TYPE_CUSTOM == QNN_MEM_TYPE_CUSTOM, "memory type");
_Static_assert(WQ_HTP_MEM_SHARED_BUFFER == QNN_HTP_MEM_SHARED_BUFFER, "HTP memory type");
_Static_assert(WQ_HTP_POWER_CONFIGOPTION_DCVS_V3 == QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_DCVS_V3, "option");
_Static_assert(WQ_HTP_POWERMODE_PERFORMANCE_MODE == QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_PERFORMANCE_MODE, "mode");
_Static_assert(WQ_DEVICE_CONFIG_OPTION_CUSTOM == QNN_DEVICE_CONFIG_OPTION_CUSTOM, "device config option");
_Static_assert(WQ_DEVICE_CONFIG_OPTION_PLATFORM_INFO == QNN_DEVICE_CONFIG_OPTION_PLATFORM_INFO, "device config option");
_Static_assert(WQ_HTP_DEVICE_CONFIG_OPTION_SOC == QNN_HTP_DEVICE_CONFIG_OPTION_SOC, "HTP device config option");
_Static_assert(WQ_HTP_DEVICE_CONFIG_OPTION_ARCH == QNN_HTP_DEVICE_CONFIG_OPTION_ARCH, "HTP device config option");
_Static_assert(WQ_HTP_DEVICE_ARCH_V68 == QNN_HTP_DEVICE_ARCH_V68, "HTP arch");
_Static_assert(WQ_HTP_DEVICE_ARCH_V69 == QNN_HTP_DEVICE_ARCH_V69, "HTP arch");
_Static_assert(WQ_HTP_DEVICE_ARCH_V73 == QNN_HTP_DEVICE_ARCH_V73, "HTP arch");
_Static_assert(WQ_HTP_DEVICE_ARCH_V75 == QNN_HTP_DEVICE_ARCH_V75, "HTP arch");
_Static_assert(WQ_HTP_DEVICE_ARCH_V79 == QNN_HTP_DEVICE_ARCH_V79, "HTP arch");
_Static_assert(WQ_HTP_DEVICE_ARCH_V81 == QNN_HTP_DEVICE_ARCH_V81, "HTP arch");
_Static_assert(WQ_HTP_DEVICE_ARCH_V85 == QNN_HTP_DEVICE_ARCH_V85, "HTP arch");
_Static_assert(WQ_CONTEXT_CONFIG_OPTION_CUSTOM == QNN_CONTEXT_CONFIG_OPTION_CUSTOM, "context config option");
_Static_assert(WQ_CONTEXT_CONFIG_OPTION_PRIORITY == QNN_CONTEXT_CONFIG_OPTION_PRIORITY, "context config option");
_Static_assert(WQ_PRIORITY_LOW == QNN_PRIORITY_LOW, "priority");
_Static_assert(WQ_PRIORITY_NORMAL == QNN_PRIORITY_NORMAL, "priority");
_Static_assert(WQ_PRIORITY_NORMAL_HIGH == QNN_PRIORITY_NORMAL_HIGH, "priority");
_Static_assert(WQ_PRIORITY_HIGH == QNN_PRIORITY_HIGH, "priority");
