/* wsk-irp.cc - the IRP contract of wsk-api.md §8.1 as the provider applies it to every IRP-taking call. */
#include "wsk-provider.h"
#include "wsk-provider-object.h"

#include "ns3/simulator.h"

#include <cstdarg>
#include <cstdio>

namespace ns3 {
namespace wsk {

/* The socket's handle as the diagnostics print it, and the instance they are counted against. */
static const void*
Shown(const WskSocketObj* s)
{
    return s ? (const void*)&s->handle.header : nullptr;
}

void
Finding(const WskSocketObj* s, const char* call, NTSTATUS status, const char* fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    KrtFinding(s ? s->inst : KrtCurrentInstance(), Shown(s), call, status, "%s", msg);
}

void
Misuse(const WskSocketObj* s, const char* call, const char* fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s != nullptr) {
        KrtReportFor(s->inst, 2, call, "socket %p: %s", Shown(s), msg);
    } else {
        KrtReportFor(KrtCurrentInstance(), 2, call, "%s", msg);
    }
}

bool
IrpAccept(KRT_INSTANCE* inst, PIRP irp, const char* call, const void* sock)
{
    if (irp->Type != IO_TYPE_IRP) {
        KrtReportFor(inst, 2, call, "socket %p: %p is not an IRP", sock, (void*)irp);
        return false;
    }
    const char* owner = KrtIrpOwner(irp);
    if (owner != nullptr) {
        KrtReportFor(inst, 2, call, "socket %p: IRP %p is still pending in %s (reused before it completed)", sock,
                     (void*)irp, owner);
        return false;
    }
    if (irp->CurrentLocation <= 1) {
        KrtReportFor(inst, 2, call, "socket %p: IRP %p has no free stack location (allocate it with "
                     "IoAllocateIrp(1, FALSE) or more)", sock, (void*)irp);
        return false;
    }
    IoSetNextIrpStackLocation(irp);
    irp->IoStatus.Status = STATUS_PENDING;
    irp->IoStatus.Information = 0;
    return true;
}

NTSTATUS
IrpCompleteNow(PIRP irp, NTSTATUS status, ULONG_PTR info)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NETWORK_INCREMENT);
    return status;
}

/* A request finished at once but pended (windows / random mode): completed at the same simulated time, by
 * the host's deferred work (a simulator event, or earlier if a thread of the instance is about to wait). */
struct DeferredCompletion
{
    KRT_INSTANCE* inst;
    PIRP irp;
    NTSTATUS status;
    ULONG_PTR info;
};

static void
CompleteDeferred(void* arg)
{
    auto* d = static_cast<DeferredCompletion*>(arg);
    IrpCompleteLater(d->inst, d->irp, d->status, d->info);
    delete d;
}

static void
DropDeferred(void* arg)
{
    delete static_cast<DeferredCompletion*>(arg); /* the simulation ended first: the IRP is the driver's memory */
}

static NTSTATUS
FinishAs(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status, ULONG_PTR info, bool validationFailure)
{
    WskProvider* provider = WskProvider::Of(inst);
    bool pend = provider ? provider->ShouldPend(validationFailure) : !validationFailure;
    if (!pend) {
        return IrpCompleteNow(irp, status, info);
    }
    IoMarkIrpPending(irp);
    KrtIrpMarkOwned(irp, "WSK provider");
    KhDefer(inst, &CompleteDeferred, &DropDeferred, new DeferredCompletion{inst, irp, status, info});
    return STATUS_PENDING;
}

NTSTATUS
IrpFinish(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status, ULONG_PTR info)
{
    return FinishAs(inst, irp, status, info, false);
}

NTSTATUS
IrpRefuse(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status)
{
    return FinishAs(inst, irp, status, 0, true);
}

/* Cancel routine for every pended provider IRP: DriverContext[0] = socket, [1] = queue. */
static void
WskCancelRoutine(PDEVICE_OBJECT, PIRP irp)
{
    IoReleaseCancelSpinLock(irp->CancelIrql);
    auto* s = static_cast<WskSocketObj*>(irp->Tail.Overlay.DriverContext[0]);
    int queue = (int)(ULONG_PTR)irp->Tail.Overlay.DriverContext[1];
    bool found = false;
    switch (queue) {
    case QueueReceive:
        for (auto it = s->receives.begin(); it != s->receives.end(); ++it) {
            if (it->irp == irp) {
                s->receives.erase(it);
                found = true;
                break;
            }
        }
        break;
    case QueueReceiveFrom:
        found = DatagramCancelReceive(s, irp);
        break;
    case QueueAccept:
        for (auto it = s->accepts.begin(); it != s->accepts.end(); ++it) {
            if (it->irp == irp) {
                s->accepts.erase(it);
                found = true;
                break;
            }
        }
        break;
    case QueueSend:
        for (auto it = s->sends.begin(); it != s->sends.end(); ++it) {
            if (it->irp == irp) {
                bool partlySent = it->handed > 0;
                s->sends.erase(it);
                found = true;
                if (partlySent && s->tcp) {
                    /* bytes already on the wire cannot be recalled: the stream is broken */
                    s->aborted = true;
                    s->failure = STATUS_CONNECTION_ABORTED;
                    s->tcp->Abort();
                }
                break;
            }
        }
        break;
    case QueueConnect:
        if (s->connectIrp == irp) {
            s->connectIrp = nullptr;
            s->connecting = false;
            if (s->tcp) {
                s->tcp->Abort();
            }
            found = true;
        }
        break;
    case QueueAddressChange:
        for (auto it = s->addressChangeIrps.begin(); it != s->addressChangeIrps.end(); ++it) {
            if (*it == irp) {
                s->addressChangeIrps.erase(it);
                found = true;
                break;
            }
        }
        break;
    case QueueDisconnect:
        if (s->disconnectIrp == irp) {
            s->disconnectIrp = nullptr;
            found = true;
        }
        break;
    default:
        break;
    }
    if (!found) {
        return; /* already being completed */
    }
    KrtIrpClearOwned(irp);
    IrpCompleteNow(irp, STATUS_CANCELLED, 0);
}

NTSTATUS
IrpPend(WskSocketObj* s, PIRP irp, const char* call, int queue)
{
    IoMarkIrpPending(irp);
    irp->Tail.Overlay.DriverContext[0] = s;
    irp->Tail.Overlay.DriverContext[1] = (PVOID)(ULONG_PTR)queue;
    KrtIrpMarkOwned(irp, call);
    IoSetCancelRoutine(irp, &WskCancelRoutine);
    if (irp->Cancel && IoSetCancelRoutine(irp, nullptr) != nullptr) {
        /* cancelled before it could be queued: complete it; the caller returns STATUS_PENDING */
        KrtIrpClearOwned(irp);
        IrpCompleteNow(irp, STATUS_CANCELLED, 0);
        return STATUS_CANCELLED;
    }
    return STATUS_PENDING;
}

void
IrpCompleteLater(KRT_INSTANCE* inst, PIRP irp, NTSTATUS status, ULONG_PTR info)
{
    IoSetCancelRoutine(irp, nullptr);
    KrtIrpClearOwned(irp);
    KRT_CONTEXT saved;
    KrtEnter(inst, nullptr, DISPATCH_LEVEL, &saved);
    IrpCompleteNow(irp, status, info);
    KrtLeave(&saved);
}

} // namespace wsk
} // namespace ns3
