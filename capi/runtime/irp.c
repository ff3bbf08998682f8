/*
 * irp.c - I/O request packets: allocation, completion (stack walk, InvokeOn filtering,
 * STATUS_MORE_PROCESSING_REQUIRED, pending propagation), cancellation, and ownership checks.
 */
#include "krt_internal.h"
#include "krt_irp.h"

#define KRT_IRP_TAG 0x20707249u /* 'Irp ' */

/* While a provider holds an IRP (between accepting it and completing it), DriverContext[3] carries this
 * mark and DriverContext[2] the name of the call that took it: freeing or reusing it then is misuse. */
#define KRT_IRP_OWNED ((PVOID)(ULONG_PTR)0x4B52544F574E4544ull)

void KrtIrpMarkOwned(PIRP Irp, const char *call)
{
    Irp->Tail.Overlay.DriverContext[2] = (PVOID)call;
    Irp->Tail.Overlay.DriverContext[3] = KRT_IRP_OWNED;
}

void KrtIrpClearOwned(PIRP Irp)
{
    if (Irp->Tail.Overlay.DriverContext[3] == KRT_IRP_OWNED) {
        Irp->Tail.Overlay.DriverContext[2] = NULL;
        Irp->Tail.Overlay.DriverContext[3] = NULL;
    }
}

const char *KrtIrpOwner(PIRP Irp)
{
    return Irp->Tail.Overlay.DriverContext[3] == KRT_IRP_OWNED ? (const char *)Irp->Tail.Overlay.DriverContext[2]
                                                               : NULL;
}

VOID NTAPI IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    memset(Irp, 0, PacketSize);
    Irp->Type = IO_TYPE_IRP;
    Irp->Size = PacketSize;
    Irp->StackCount = StackSize;
    Irp->CurrentLocation = (CHAR)(StackSize + 1);
    Irp->ApcEnvironment = 0;
    InitializeListHead(&Irp->ThreadListEntry);
    Irp->Tail.Overlay.CurrentStackLocation =
        (PIO_STACK_LOCATION)((PCHAR)Irp + sizeof(IRP) + (size_t)StackSize * sizeof(IO_STACK_LOCATION));
}

PIRP NTAPI IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    if (StackSize < 1) {
        KrtReport(2, "IoAllocateIrp", "stack size %d (WSK needs at least one stack location)", StackSize);
        return NULL;
    }
    USHORT size = IoSizeOfIrp(StackSize);
    PIRP irp = ExAllocatePoolWithTag(NonPagedPoolNx, size, KRT_IRP_TAG);
    if (irp == NULL)
        return NULL;
    IoInitializeIrp(irp, size, StackSize);
    irp->AllocationFlags = (UCHAR)(ChargeQuota ? IRP_QUOTA_CHARGED : 0);
    return irp;
}

PIRP NTAPI IoAllocateIrpEx(PDEVICE_OBJECT DeviceObject, CCHAR StackSize, BOOLEAN ChargeQuota)
{
    (void)DeviceObject;
    return IoAllocateIrp(StackSize, ChargeQuota);
}

static BOOLEAN KrtIrpCheck(PIRP Irp, const char *call)
{
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        KrtReport(2, call, "%p is not an IRP (freed already?)", (void *)Irp);
        return FALSE;
    }
    const char *owner = KrtIrpOwner(Irp);
    if (owner != NULL) {
        KrtReport(2, call, "IRP %p is still pending in %s (it must complete before it is freed or reused)",
                  (void *)Irp, owner);
        return FALSE;
    }
    return TRUE;
}

VOID NTAPI IoFreeIrp(PIRP Irp)
{
    if (!KrtIrpCheck(Irp, "IoFreeIrp"))
        return;
    Irp->Type = 0;
    ExFreePoolWithTag(Irp, KRT_IRP_TAG);
}

VOID NTAPI IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    if (!KrtIrpCheck(Irp, "IoReuseIrp"))
        return;
    UCHAR flags = Irp->AllocationFlags;
    IoInitializeIrp(Irp, Irp->Size, Irp->StackCount);
    Irp->AllocationFlags = flags;
    Irp->IoStatus.Status = Iostatus;
}

NTSTATUS NTAPI IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine,
                                        PVOID Context, BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError,
                                        BOOLEAN InvokeOnCancel)
{
    (void)DeviceObject;
    IoSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess, InvokeOnError, InvokeOnCancel);
    return STATUS_SUCCESS;
}

static void KrtClearStackLocation(PIO_STACK_LOCATION s)
{
    s->MinorFunction = 0;
    s->Flags = 0;
    s->Control = 0;
    s->Parameters.Others.Argument1 = NULL;
    s->Parameters.Others.Argument2 = NULL;
    s->Parameters.Others.Argument3 = NULL;
    s->Parameters.Others.Argument4 = NULL;
    s->FileObject = NULL;
    s->CompletionRoutine = NULL;
    s->Context = NULL;
}

VOID FASTCALL IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    (void)PriorityBoost;
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        KrtReport(2, "IoCompleteRequest", "%p is not an IRP", (void *)Irp);
        return;
    }
    /* Completion walks up to CurrentLocation == StackCount + 1; an IRP that is already there has no stack
     * location left to complete (its completion already ran, or no driver ever took a location). */
    if (Irp->CurrentLocation > Irp->StackCount) {
        KrtReport(2, "IoCompleteRequest", "IRP %p completed twice (MULTIPLE_IRP_COMPLETE_REQUESTS)", (void *)Irp);
        return;
    }
    if (Irp->IoStatus.Status == STATUS_PENDING)
        KrtReport(2, "IoCompleteRequest", "IRP %p completed with STATUS_PENDING", (void *)Irp);
    if (Irp->CancelRoutine != NULL) {
        KrtReport(1, "IoCompleteRequest", "IRP %p completed with a cancel routine still set", (void *)Irp);
        Irp->CancelRoutine = NULL;
    }
    KrtIrpClearOwned(Irp);
    NTSTATUS status = Irp->IoStatus.Status;
    while (Irp->CurrentLocation <= Irp->StackCount) {
        PIO_STACK_LOCATION s = Irp->Tail.Overlay.CurrentStackLocation;
        Irp->PendingReturned = (BOOLEAN)((s->Control & SL_PENDING_RETURNED) != 0);
        Irp->CurrentLocation++;
        Irp->Tail.Overlay.CurrentStackLocation++;
        BOOLEAN invoke = (BOOLEAN)((NT_SUCCESS(status) && (s->Control & SL_INVOKE_ON_SUCCESS)) ||
                                   (!NT_SUCCESS(status) && (s->Control & SL_INVOKE_ON_ERROR)) ||
                                   (Irp->Cancel && (s->Control & SL_INVOKE_ON_CANCEL)));
        if (s->CompletionRoutine != NULL && invoke) {
            PIO_COMPLETION_ROUTINE routine = s->CompletionRoutine;
            PVOID context = s->Context;
            KrtClearStackLocation(s);
            PDEVICE_OBJECT dev = (Irp->CurrentLocation == Irp->StackCount + 1)
                                     ? NULL
                                     : Irp->Tail.Overlay.CurrentStackLocation->DeviceObject;
            if (routine(dev, Irp, context) == STATUS_MORE_PROCESSING_REQUIRED)
                return; /* the IRP may already be freed: touch nothing */
            status = Irp->IoStatus.Status;
        } else {
            if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount)
                IoMarkIrpPending(Irp);
            KrtClearStackLocation(s);
        }
    }
    /* Completion reached the top of the stack: the I/O manager's final step. */
    if (Irp->UserIosb != NULL)
        *Irp->UserIosb = Irp->IoStatus;
    if (Irp->UserEvent != NULL)
        KeSetEvent(Irp->UserEvent, 0, FALSE);
    if (Irp->UserIosb == NULL && Irp->UserEvent == NULL)
        KrtReport(2, "IoCompleteRequest",
                  "IRP %p was completed to the top of its stack: an IRP from IoAllocateIrp needs a completion "
                  "routine that returns STATUS_MORE_PROCESSING_REQUIRED (set with IoSetCompletionRoutine)",
                  (void *)Irp);
}

NTSTATUS FASTCALL IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    if (Irp->CurrentLocation <= 1) {
        KrtReport(2, "IoCallDriver", "IRP %p has no stack location left (NO_MORE_IRP_STACK_LOCATIONS)", (void *)Irp);
        return STATUS_INVALID_PARAMETER;
    }
    IoSetNextIrpStackLocation(Irp);
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
    s->DeviceObject = DeviceObject;
    PDRIVER_DISPATCH d = DeviceObject->DriverObject->MajorFunction[s->MajorFunction];
    if (d == NULL) {
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    return d(DeviceObject, Irp);
}

BOOLEAN NTAPI IoCancelIrp(PIRP Irp)
{
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        KrtReport(2, "IoCancelIrp", "%p is not an IRP", (void *)Irp);
        return FALSE;
    }
    KIRQL irql;
    IoAcquireCancelSpinLock(&irql);
    Irp->Cancel = TRUE;
    PDRIVER_CANCEL routine = IoSetCancelRoutine(Irp, NULL);
    if (routine == NULL) {
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    Irp->CancelIrql = irql;
    PDEVICE_OBJECT dev = Irp->CurrentLocation <= Irp->StackCount ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject : NULL;
    routine(dev, Irp); /* releases the cancel spin lock */
    return TRUE;
}
