/* timer.c - kernel timers and DPCs over simulator events. */
#include "krt_internal.h"

/* KTIMER.TimerListEntry and KDPC.DpcListEntry/ProcessorHistory hold this runtime's bookkeeping. */
#define TIMER_EVENT(t) ((KH_EVENT *)&(t)->TimerListEntry.Flink)
#define TIMER_INSTANCE(t) (*(KRT_INSTANCE **)&(t)->TimerListEntry.Blink)
#define DPC_EVENT(d) ((KH_EVENT *)&(d)->DpcListEntry.Next)
#define DPC_INSTANCE(d) (*(KRT_INSTANCE **)&(d)->ProcessorHistory)

static void KrtTimerExpired(void *arg);

VOID NTAPI KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    memset(Dpc, 0, sizeof *Dpc);
    Dpc->Type = 19; /* DpcObject */
    Dpc->Importance = MediumImportance;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
    DPC_INSTANCE(Dpc) = g_KrtCur.Instance;
}

VOID NTAPI KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    KeInitializeDpc(Dpc, DeferredRoutine, DeferredContext);
    Dpc->Type = 24; /* ThreadedDpcObject */
}

static void KrtRunDpc(void *arg)
{
    PKDPC dpc = (PKDPC)arg;
    dpc->DpcData = NULL;
    KIRQL saved = g_KrtCur.Irql;
    g_KrtCur.Irql = DISPATCH_LEVEL;
    dpc->DeferredRoutine(dpc, dpc->DeferredContext, dpc->SystemArgument1, dpc->SystemArgument2);
    if (g_KrtCur.Irql != DISPATCH_LEVEL)
        KrtReport(2, "KDEFERRED_ROUTINE", "DPC routine %p returned at IRQL %u (must keep DISPATCH_LEVEL)",
                  (void *)(ULONG_PTR)dpc->DeferredRoutine, g_KrtCur.Irql);
    g_KrtCur.Irql = saved;
}

BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    if (Dpc->DpcData != NULL)
        return FALSE;
    KRT_INSTANCE *inst = g_KrtCur.Instance ? g_KrtCur.Instance : DPC_INSTANCE(Dpc);
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    Dpc->DpcData = (PVOID)Dpc;
    KhEventSchedule(DPC_EVENT(Dpc), inst, 0, KrtRunDpc, Dpc);
    return TRUE;
}

BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc)
{
    if (Dpc->DpcData == NULL)
        return FALSE;
    KhEventCancel(DPC_EVENT(Dpc));
    Dpc->DpcData = NULL;
    return TRUE;
}

VOID NTAPI KeFlushQueuedDpcs(VOID) {}
VOID NTAPI KeSetImportanceDpc(PRKDPC Dpc, int Importance) { Dpc->Importance = (UCHAR)Importance; }
VOID NTAPI KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number) { Dpc->Number = (USHORT)Number; }

VOID NTAPI KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    memset(Timer, 0, sizeof *Timer);
    KrtDispatcherInit(&Timer->Header, (UCHAR)(Type == SynchronizationTimer ? TimerSynchronizationObject
                                                                           : TimerNotificationObject),
                      (UCHAR)(sizeof(KTIMER) / sizeof(LONG)), 0);
    TIMER_EVENT(Timer)->impl = NULL;
    TIMER_INSTANCE(Timer) = g_KrtCur.Instance;
}

VOID NTAPI KeInitializeTimer(PKTIMER Timer) { KeInitializeTimerEx(Timer, NotificationTimer); }

static BOOLEAN KrtTimerValid(PKTIMER Timer, const char *call)
{
    if (Timer == NULL || (Timer->Header.Type != TimerNotificationObject &&
                          Timer->Header.Type != TimerSynchronizationObject) ||
        Timer->Header.WaitListHead.Flink == NULL) {
        KrtReport(2, call, "%p is not an initialised KTIMER", (void *)Timer);
        return FALSE;
    }
    return TRUE;
}

static void KrtTimerArm(PKTIMER Timer, uint64_t delayNs)
{
    KRT_INSTANCE *inst = g_KrtCur.Instance ? g_KrtCur.Instance : TIMER_INSTANCE(Timer);
    TIMER_INSTANCE(Timer) = inst;
    Timer->DueTime.QuadPart = KeQueryInterruptTime() + delayNs / 100;
    KhEventSchedule(TIMER_EVENT(Timer), inst, delayNs, KrtTimerExpired, Timer);
}

static void KrtTimerExpired(void *arg)
{
    PKTIMER timer = (PKTIMER)arg;
    PKDPC dpc = timer->Dpc;
    if (timer->Period != 0)
        KrtTimerArm(timer, (uint64_t)timer->Period * 1000000ull);
    timer->Header.SignalState = 1;
    KrtSignalObject(&timer->Header);
    if (dpc == NULL || dpc->DpcData != NULL)
        return; /* none, or already queued by KeInsertQueueDpc: it runs once */
    if (dpc->Type != 19) { /* a threaded DPC stays queued */
        KeInsertQueueDpc(dpc, (PVOID)(ULONG_PTR)KeQueryInterruptTime(), NULL);
        return;
    }
    /* This expiry event already runs at DISPATCH_LEVEL in the timer's instance, so an ordinary DPC is called
     * from here, as Windows' timer expiration calls the DPCs of expired timers that target its own
     * processor, rather than queued as one more zero-delay simulator event per expiry. */
    dpc->SystemArgument1 = (PVOID)(ULONG_PTR)KeQueryInterruptTime();
    dpc->SystemArgument2 = NULL;
    KrtRunDpc(dpc);
}

BOOLEAN NTAPI KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    if (!KrtTimerValid(Timer, "KeSetTimerEx"))
        return FALSE;
    if (Period < 0) {
        KrtReport(2, "KeSetTimerEx", "negative period %d", Period);
        Period = 0;
    }
    BOOLEAN wasSet = (BOOLEAN)(TIMER_EVENT(Timer)->impl != NULL);
    KhEventCancel(TIMER_EVENT(Timer));
    Timer->Header.SignalState = 0;
    Timer->Dpc = Dpc;
    Timer->Period = (ULONG)Period;
    KrtTimerArm(Timer, KrtTimeoutToDelayNs(&DueTime));
    return wasSet;
}

BOOLEAN NTAPI KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc) { return KeSetTimerEx(Timer, DueTime, 0, Dpc); }

BOOLEAN NTAPI KeSetCoalescableTimer(PKTIMER Timer, LARGE_INTEGER DueTime, ULONG Period, ULONG TolerableDelay, PKDPC Dpc)
{
    (void)TolerableDelay;
    return KeSetTimerEx(Timer, DueTime, (LONG)Period, Dpc);
}

BOOLEAN NTAPI KeCancelTimer(PKTIMER Timer)
{
    if (!KrtTimerValid(Timer, "KeCancelTimer"))
        return FALSE;
    BOOLEAN wasSet = (BOOLEAN)(TIMER_EVENT(Timer)->impl != NULL);
    KhEventCancel(TIMER_EVENT(Timer));
    return wasSet;
}

BOOLEAN NTAPI KeReadStateTimer(PKTIMER Timer) { return (BOOLEAN)(Timer->Header.SignalState != 0); }
