/*
 * krt_host_api.h - the kernel runtime's door: everything the simulator side (the driver host and the WSK
 * provider in wsk-ns3/) may use of the runtime. A driver instance and a kernel thread are opaque here;
 * their layout is private to capi/runtime (krt_internal.h, which the build does not let anything else
 * include). krt_host.h is the other direction: what the runtime asks of the host.
 */
#ifndef WSKNS3_KRT_HOST_API_H
#define WSKNS3_KRT_HOST_API_H

#include <ntddk.h>

#include "krt_host.h"
#include "krt_irp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct KRT_INSTANCE KRT_INSTANCE;
typedef struct _KTHREAD KTHREAD;

/* The execution context: which instance and thread run, at which IRQL. Saved and restored around every
 * entry into driver code. */
typedef struct KRT_CONTEXT {
    KRT_INSTANCE *Instance;
    KTHREAD *Thread; /* NULL on the simulator's own stack (DPCs, completions, callbacks) */
    KIRQL Irql;
} KRT_CONTEXT;

/* ---- entering driver code: the only way the host and the provider call into a driver ---- */
void KrtEnter(KRT_INSTANCE *inst, KTHREAD *thread, KIRQL irql, KRT_CONTEXT *saved);
void KrtLeave(const KRT_CONTEXT *saved);
KRT_INSTANCE *KrtCurrentInstance(void);
KTHREAD *KrtCurrentThread(void); /* NULL outside a simulated kernel thread */

/* ---- driver instances ---- */
KRT_INSTANCE *KrtInstanceCreate(ULONG nodeId, const char *driverName, void *host);
void KrtInstanceDestroy(KRT_INSTANCE *inst);
/* Writes the leak report of an unloading instance through KhLog; returns the number of leaked items. */
ULONG KrtInstanceReportLeaks(KRT_INSTANCE *inst);
ULONG KrtInstanceNodeId(const KRT_INSTANCE *inst);
const char *KrtInstanceDriverName(const KRT_INSTANCE *inst);
void *KrtInstanceHost(const KRT_INSTANCE *inst);
/* The WSK provider's per-instance slot (its node's provider object). */
void *KrtInstanceProvider(const KRT_INSTANCE *inst);
void KrtInstanceSetProvider(KRT_INSTANCE *inst, void *provider);
ULONG KrtInstanceErrorCount(const KRT_INSTANCE *inst);
ULONG KrtInstanceWarningCount(const KRT_INSTANCE *inst);
PDRIVER_OBJECT KrtInstanceDriverObject(KRT_INSTANCE *inst);
PUNICODE_STRING KrtInstanceRegistryPath(KRT_INSTANCE *inst);
/* DriverUnload is about to run / has returned. */
void KrtInstanceMarkUnloading(KRT_INSTANCE *inst);
void KrtInstanceMarkUnloaded(KRT_INSTANCE *inst);
/* The driver's writable data (.data/.bss at base, `bytes` long) is shared by every instance of one driver
 * file; *owner names the instance whose contents are in place. The instance gets its own copy, starting
 * from `pristine`. FALSE if the copy cannot be allocated. */
BOOLEAN KrtInstanceAttachData(KRT_INSTANCE *inst, char *base, size_t bytes, KRT_INSTANCE **owner, const void *pristine);
/* Copies driver data across AddressSanitizer's redzones between a driver's globals. */
void KrtRawCopy(void *dst, const void *src, size_t n);

/* ---- registry: values under <RegistryPath>\Parameters, set by the host before DriverEntry ---- */
NTSTATUS KrtRegistrySetValue(KRT_INSTANCE *inst, const char *name, ULONG type, const void *data, ULONG length);
NTSTATUS KrtRegistrySetString(KRT_INSTANCE *inst, const char *name, const char *value);

/* ---- kernel threads, as the host's coroutines see them ---- */
NTSTATUS KrtCreateThread(KRT_INSTANCE *inst, PKSTART_ROUTINE start, PVOID ctx, const char *name, KTHREAD **out);
/* The same, but the thread runs at once (the host's DriverEntry/DriverUnload threads): most finish without
 * blocking, so their stack is reused by the next one instead of 100,000 stacks existing at once. */
NTSTATUS KrtCreateThreadRunNow(KRT_INSTANCE *inst, PKSTART_ROUTINE start, PVOID ctx, const char *name);
/* The host's coroutine of a thread finished: the thread object drops its running reference. */
void KrtThreadExited(KTHREAD *t);
KRT_INSTANCE *KrtThreadInstance(const KTHREAD *t);
const char *KrtThreadName(const KTHREAD *t);
KIRQL KrtThreadIrql(const KTHREAD *t);
void *KrtThreadCoroutine(const KTHREAD *t);
void KrtThreadSetCoroutine(KTHREAD *t, void *co);

/* ---- diagnostics naming node, driver and call ---- */
/* severity 1 = warning, 2 = misuse (counted as a driver error). */
void KrtReport(int severity, const char *call, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void KrtReportFor(KRT_INSTANCE *inst, int severity, const char *call, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A finding: misuse that Windows answers with an error status, which the driver sees (`status`). It is logged
 * and counted apart from driver errors (a run fails on findings only when strict). `sock` may be NULL. */
void KrtFinding(KRT_INSTANCE *inst, const void *sock, const char *call, NTSTATUS status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* "STATUS_INVALID_PARAMETER" for 0xC000000D; NULL for a value ntstatus.h does not define. */
const char *KrtStatusName(NTSTATUS status);

#ifdef __cplusplus
}
#endif

#endif /* WSKNS3_KRT_HOST_API_H */
