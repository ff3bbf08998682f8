/*
 * netioddk.h - Network Module Registrar (NMR) types and functions, and the NPI identifier types
 * that WSK registration is built on.
 *
 * WskRegister/WskDeregister is the usual way to reach the WSK provider; the NMR calls here are the
 * documented alternative (the provider's NpiSpecificCharacteristics is then a
 * WSK_PROVIDER_CHARACTERISTICS).
 */
#ifndef WSKNS3_NETIODDK_H
#define WSKNS3_NETIODDK_H

#include <ntdef.h>

/* Locally unique identifier; wdm.h uses the same guard, whichever header comes first defines it. */
#ifndef WSKNS3_LUID_DEFINED
#define WSKNS3_LUID_DEFINED
typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;
#endif

/* Identifies a programming interface (e.g. NPI_WSK_INTERFACE_ID). Pointer-to-const, so the
 * address of a const NPIID is assignable without a cast. Compare by value, never by address. */
typedef GUID NPIID;
typedef CONST NPIID *PNPIID;

/* Identifies a module (client or provider) implementing an NPI. */
typedef enum _NPI_MODULEID_TYPE {
    MIT_GUID = 1,
    MIT_IF_LUID = 2
} NPI_MODULEID_TYPE;

typedef struct _NPI_MODULEID {
    USHORT Length; /* sizeof(NPI_MODULEID) */
    NPI_MODULEID_TYPE Type;
    union {
        GUID Guid;   /* MIT_GUID */
        LUID IfLuid; /* MIT_IF_LUID */
    };
} NPI_MODULEID;
typedef CONST NPI_MODULEID *PNPI_MODULEID;

FORCEINLINE BOOLEAN NmrIsEqualNpiModuleId(PNPI_MODULEID ModuleId1, PNPI_MODULEID ModuleId2)
{
    int i;

    if (ModuleId1->Type != ModuleId2->Type) {
        return FALSE;
    }
    if (ModuleId1->Type == MIT_IF_LUID) {
        return (ModuleId1->IfLuid.LowPart == ModuleId2->IfLuid.LowPart &&
                ModuleId1->IfLuid.HighPart == ModuleId2->IfLuid.HighPart) ? TRUE : FALSE;
    }
    if (ModuleId1->Type != MIT_GUID || ModuleId1->Guid.Data1 != ModuleId2->Guid.Data1 ||
        ModuleId1->Guid.Data2 != ModuleId2->Guid.Data2 || ModuleId1->Guid.Data3 != ModuleId2->Guid.Data3) {
        return FALSE;
    }
    for (i = 0; i < 8; i++) {
        if (ModuleId1->Guid.Data4[i] != ModuleId2->Guid.Data4[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

/* What a module tells the NMR about itself when it registers. */
typedef struct _NPI_REGISTRATION_INSTANCE {
    USHORT Version;
    USHORT Size;
    PNPIID NpiId;
    PNPI_MODULEID ModuleId;
    ULONG Number;
    CONST VOID *NpiSpecificCharacteristics; /* optional; NPI-defined */
} NPI_REGISTRATION_INSTANCE;
typedef CONST NPI_REGISTRATION_INSTANCE *PNPI_REGISTRATION_INSTANCE;

/* A binding handle plus the dispatch table reached through it. */
typedef struct _NPI {
    HANDLE Handle;
    CONST VOID *Dispatch;
} NPI;

/* ---- Client-side callbacks ---- */
typedef NTSTATUS NTAPI NPI_CLIENT_ATTACH_PROVIDER_FN(HANDLE NmrBindingHandle, PVOID ClientContext,
                                                     PNPI_REGISTRATION_INSTANCE ProviderRegistrationInstance);
typedef NPI_CLIENT_ATTACH_PROVIDER_FN *PNPI_CLIENT_ATTACH_PROVIDER_FN;

typedef NTSTATUS NTAPI NPI_CLIENT_DETACH_PROVIDER_FN(PVOID ClientBindingContext);
typedef NPI_CLIENT_DETACH_PROVIDER_FN *PNPI_CLIENT_DETACH_PROVIDER_FN;

typedef VOID NTAPI NPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN(PVOID ClientBindingContext);
typedef NPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN *PNPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN;

typedef struct _NPI_CLIENT_CHARACTERISTICS {
    USHORT Version;
    USHORT Length; /* sizeof(NPI_CLIENT_CHARACTERISTICS) */
    PNPI_CLIENT_ATTACH_PROVIDER_FN ClientAttachProvider;
    PNPI_CLIENT_DETACH_PROVIDER_FN ClientDetachProvider;
    PNPI_CLIENT_CLEANUP_BINDING_CONTEXT_FN ClientCleanupBindingContext;
    NPI_REGISTRATION_INSTANCE ClientRegistrationInstance;
} NPI_CLIENT_CHARACTERISTICS;
typedef CONST NPI_CLIENT_CHARACTERISTICS *PNPI_CLIENT_CHARACTERISTICS;

/* ---- Provider-side callbacks ---- */
typedef NTSTATUS NTAPI NPI_PROVIDER_ATTACH_CLIENT_FN(HANDLE NmrBindingHandle, PVOID ProviderContext,
                                                     PNPI_REGISTRATION_INSTANCE ClientRegistrationInstance,
                                                     PVOID ClientBindingContext, CONST VOID *ClientDispatch,
                                                     PVOID *ProviderBindingContext, CONST VOID **ProviderDispatch);
typedef NPI_PROVIDER_ATTACH_CLIENT_FN *PNPI_PROVIDER_ATTACH_CLIENT_FN;

typedef NTSTATUS NTAPI NPI_PROVIDER_DETACH_CLIENT_FN(PVOID ProviderBindingContext);
typedef NPI_PROVIDER_DETACH_CLIENT_FN *PNPI_PROVIDER_DETACH_CLIENT_FN;

typedef VOID NTAPI NPI_PROVIDER_CLEANUP_BINDING_CONTEXT_FN(PVOID ProviderBindingContext);
typedef NPI_PROVIDER_CLEANUP_BINDING_CONTEXT_FN *PNPI_PROVIDER_CLEANUP_BINDING_CONTEXT_FN;

typedef struct _NPI_PROVIDER_CHARACTERISTICS {
    USHORT Version;
    USHORT Length;
    PNPI_PROVIDER_ATTACH_CLIENT_FN ProviderAttachClient;
    PNPI_PROVIDER_DETACH_CLIENT_FN ProviderDetachClient;
    PNPI_PROVIDER_CLEANUP_BINDING_CONTEXT_FN ProviderCleanupBindingContext;
    NPI_REGISTRATION_INSTANCE ProviderRegistrationInstance;
} NPI_PROVIDER_CHARACTERISTICS;
typedef CONST NPI_PROVIDER_CHARACTERISTICS *PNPI_PROVIDER_CHARACTERISTICS;

/* ---- Registrar functions (exported by netio; implemented by the runtime) ---- */
EXTERN_C_START

NTSTATUS NmrRegisterClient(PNPI_CLIENT_CHARACTERISTICS ClientCharacteristics, PVOID ClientContext,
                           PHANDLE NmrClientHandle);
/* Starts deregistration; STATUS_PENDING means "wait with NmrWaitForClientDeregisterComplete". */
NTSTATUS NmrDeregisterClient(HANDLE NmrClientHandle);
NTSTATUS NmrWaitForClientDeregisterComplete(HANDLE NmrClientHandle);
/* Called from the client's attach callback to complete the binding. */
NTSTATUS NmrClientAttachProvider(HANDLE NmrBindingHandle, PVOID ClientBindingContext, CONST VOID *ClientDispatch,
                                 PVOID *ProviderBindingContext, CONST VOID **ProviderDispatch);
/* Reports that a detach the client answered with STATUS_PENDING has finished. */
VOID NmrClientDetachProviderComplete(HANDLE NmrBindingHandle);

NTSTATUS NmrRegisterProvider(PNPI_PROVIDER_CHARACTERISTICS ProviderCharacteristics, PVOID ProviderContext,
                             PHANDLE NmrProviderHandle);
NTSTATUS NmrDeregisterProvider(HANDLE NmrProviderHandle);
NTSTATUS NmrWaitForProviderDeregisterComplete(HANDLE NmrProviderHandle);
VOID NmrProviderDetachClientComplete(HANDLE NmrBindingHandle);

EXTERN_C_END

#endif /* WSKNS3_NETIODDK_H */
