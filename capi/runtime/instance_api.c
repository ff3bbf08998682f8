/* instance_api.c - the accessors of krt_host_api.h: what the host and the provider may read and set of a
 * driver instance and a kernel thread, without knowing their layout. */
#include "krt_internal.h"

#include <stdlib.h>

KRT_INSTANCE *KrtCurrentInstance(void) { return g_KrtCur.Instance; }
KTHREAD *KrtCurrentThread(void) { return g_KrtCur.Thread; }

ULONG KrtInstanceNodeId(const KRT_INSTANCE *inst) { return inst->NodeId; }
const char *KrtInstanceDriverName(const KRT_INSTANCE *inst) { return inst->DriverName; }
void *KrtInstanceHost(const KRT_INSTANCE *inst) { return inst->Host; }
void *KrtInstanceProvider(const KRT_INSTANCE *inst) { return inst->Provider; }
void KrtInstanceSetProvider(KRT_INSTANCE *inst, void *provider) { inst->Provider = provider; }
ULONG KrtInstanceErrorCount(const KRT_INSTANCE *inst) { return inst->ErrorCount; }
ULONG KrtInstanceWarningCount(const KRT_INSTANCE *inst) { return inst->WarningCount; }
PDRIVER_OBJECT KrtInstanceDriverObject(KRT_INSTANCE *inst) { return &inst->DriverObject; }
PUNICODE_STRING KrtInstanceRegistryPath(KRT_INSTANCE *inst) { return &inst->RegistryPath; }
void KrtInstanceMarkUnloading(KRT_INSTANCE *inst) { inst->Unloading = TRUE; }
void KrtInstanceMarkUnloaded(KRT_INSTANCE *inst) { inst->Unloaded = TRUE; }

BOOLEAN KrtInstanceAttachData(KRT_INSTANCE *inst, char *base, size_t bytes, KRT_INSTANCE **owner, const void *pristine)
{
    inst->DataBase = base;
    inst->DataBytes = bytes;
    inst->DataOwner = owner;
    if (bytes == 0)
        return TRUE;
    inst->DataCopy = (char *)malloc(bytes);
    if (inst->DataCopy == NULL)
        return FALSE;
    KrtRawCopy(inst->DataCopy, pristine, bytes);
    return TRUE;
}

KRT_INSTANCE *KrtThreadInstance(const KTHREAD *t) { return t->Instance; }
const char *KrtThreadName(const KTHREAD *t) { return t->Name; }
KIRQL KrtThreadIrql(const KTHREAD *t) { return t->Irql; }
void *KrtThreadCoroutine(const KTHREAD *t) { return t->Co; }
void KrtThreadSetCoroutine(KTHREAD *t, void *co) { t->Co = co; }
