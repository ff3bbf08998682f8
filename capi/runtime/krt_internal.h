/*
 * krt_internal.h - private state of the kernel runtime: the per-node driver instance, thread objects and
 * the current execution context. Not visible to drivers.
 */
#ifndef WSKNS3_KRT_INTERNAL_H
#define WSKNS3_KRT_INTERNAL_H

#include <ntddk.h>
#include "krt_host_api.h"

#define KRT_INSTANCE_MAGIC 0x4B525449u /* 'KRTI' */
#define KRT_THREAD_MAGIC 0x4B525454u   /* 'KRTT' */
#define KRT_MAX_TAGS 128

typedef struct KRT_POOL_TAG {
    ULONG Tag;
    ULONG LiveCount;
    SIZE_T LiveBytes;
    ULONGLONG TotalAllocations;
    SIZE_T PeakBytes;
} KRT_POOL_TAG;

/* One value under <RegistryPath>\Parameters (registry.c). Name and Data are separate malloc blocks. */
typedef struct KRT_REG_VALUE {
    WCHAR *Name;          /* NUL-terminated */
    USHORT NameLength;    /* bytes, without the NUL */
    ULONG Type;           /* REG_DWORD, REG_SZ, ... */
    ULONG DataLength;     /* bytes; a REG_SZ counts its NUL */
    UCHAR *Data;
} KRT_REG_VALUE;

/* One loaded driver on one node: everything the kernel keeps per driver, plus accounting. */
struct KRT_INSTANCE {
    ULONG Magic;
    ULONG NodeId;
    char DriverName[64];
    void *Host;            /* the host's object for this instance */
    void *Provider;        /* the WSK provider's per-instance state */
    /* The driver's writable data (.data/.bss) is shared by every instance of one driver file and swapped
     * in on entry: DataBase/DataBytes locate it, DataCopy holds this instance's contents while another
     * instance is active, *DataOwner names the instance whose contents are in place. */
    char *DataBase;
    size_t DataBytes;
    char *DataCopy;
    struct KRT_INSTANCE **DataOwner;
    LIST_ENTRY PoolAllocations;
    KRT_POOL_TAG *Tags;    /* grown on demand (most drivers use a handful of tags) up to KRT_MAX_TAGS */
    ULONG TagCount;
    ULONG TagCapacity;
    SIZE_T PoolLiveBytes;
    SIZE_T PoolPeakBytes;
    ULONGLONG PoolAllocations_;
    LIST_ENTRY Threads;
    LIST_ENTRY SymbolicLinks;
    LIST_ENTRY WorkItems;  /* IO_WORKITEMs still allocated */
    ULONG NextThreadId;
    ULONG ErrorCount;
    ULONG WarningCount;
    ULONG FindingCount;    /* misuse answered with an error status (KrtFinding), not counted as errors */
    BOOLEAN Unloading;
    BOOLEAN Unloaded;
    DRIVER_OBJECT DriverObject;
    DRIVER_EXTENSION DriverExtension;
    UNICODE_STRING RegistryPath;
    WCHAR NameBuffer[96];
    WCHAR RegistryBuffer[160];
    /* This node's registry: the Parameters values (malloc'ed array, set by the host before DriverEntry) and
     * the key handles the driver has open. */
    KRT_REG_VALUE *Parameters;
    ULONG ParameterCount;
    LIST_ENTRY RegistryKeys;
};

typedef struct _KTHREAD {
    DISPATCHER_HEADER Header;  /* signalled when the thread has terminated */
    ULONG Magic;
    ULONG Id;
    KRT_INSTANCE *Instance;
    LIST_ENTRY InstanceLink;
    LONG RefCount;             /* handles + references + 1 while running */
    PKSTART_ROUTINE StartRoutine;
    PVOID StartContext;
    NTSTATUS ExitStatus;
    KIRQL Irql;                /* saved while suspended */
    BOOLEAN Started;
    BOOLEAN Terminated;
    BOOLEAN Waiting;
    UCHAR WaitType;
    ULONG WaitCount;
    PKWAIT_BLOCK WaitBlocks;
    NTSTATUS WaitStatus;
    KH_EVENT WaitTimeout;
    KWAIT_BLOCK InlineWaitBlocks[THREAD_WAIT_OBJECTS];
    ULONG SpinLocksHeld;
    LONG CriticalRegion;
    KPRIORITY Priority;
    void *Co;                  /* host coroutine */
    char Name[48];
} KTHREAD;

/* The execution context the simulator is in right now (KRT_CONTEXT: krt_host_api.h). */
extern KRT_CONTEXT g_KrtCur;

#ifdef __cplusplus
extern "C" {
#endif


/* Makes inst's copy of its driver's globals the one in memory. */
static inline void KrtActivateData(KRT_INSTANCE *inst)
{
    if (inst != NULL && inst->DataBytes != 0 && *inst->DataOwner != inst) {
        KRT_INSTANCE *prev = *inst->DataOwner;
        if (prev != NULL)
            KrtRawCopy(prev->DataCopy, inst->DataBase, inst->DataBytes);
        KrtRawCopy(inst->DataBase, inst->DataCopy, inst->DataBytes);
        *inst->DataOwner = inst;
    }
}



/* Threads */
void KrtThreadDereference(KTHREAD *t);
void KrtCancelWaits(KRT_INSTANCE *inst);

/* Dispatcher internals shared by events, timers and threads */
void KrtSignalObject(DISPATCHER_HEADER *h);
void KrtDispatcherInit(DISPATCHER_HEADER *h, UCHAR type, UCHAR sizeInLongs, LONG state);


/* Registry (registry.c). The setters add a value under <RegistryPath>\Parameters; a name already present
 * (compared case-insensitively) gives STATUS_OBJECT_NAME_COLLISION. Names and strings are UTF-8. */
/* ZwClose's part for key handles: closes and returns TRUE if Handle is an open key of the current instance. */
BOOLEAN KrtRegistryCloseKey(HANDLE Handle);
/* Reports key handles still open at unload (warnings); returns their number. */
ULONG KrtRegistryReportLeaks(KRT_INSTANCE *inst);
/* Frees the values and any key still open (instance destruction). */
void KrtRegistryRelease(KRT_INSTANCE *inst);

/* Time conversions */
uint64_t KrtTimeoutToDelayNs(const LARGE_INTEGER *timeout); /* relative (negative) or absolute system time */
LONGLONG KrtSystemTimeNow(void);                              /* 100 ns since 1601 */

/* 16-bit wide-string helpers that never touch glibc's 32-bit wcs* functions */
size_t KrtWcsLen(const WCHAR *s);

#ifdef __cplusplus
}
#endif

#endif /* WSKNS3_KRT_INTERNAL_H */
