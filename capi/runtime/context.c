/* context.c - the current execution context (instance, thread, IRQL) and diagnostics. */
#include "krt_internal.h"

#include <stdio.h>

KRT_CONTEXT g_KrtCur = {NULL, NULL, PASSIVE_LEVEL};

__attribute__((no_sanitize_address, no_sanitize("undefined"))) void KrtRawCopy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = (volatile unsigned char *)dst;
    const volatile unsigned char *s = (const volatile unsigned char *)src;
    size_t words = n / sizeof(unsigned long);
    volatile unsigned long *dw = (volatile unsigned long *)dst;
    const volatile unsigned long *sw = (const volatile unsigned long *)src;
    for (size_t i = 0; i < words; i++)
        dw[i] = sw[i];
    for (size_t i = words * sizeof(unsigned long); i < n; i++)
        d[i] = s[i];
}

void KrtEnter(KRT_INSTANCE *inst, KTHREAD *thread, KIRQL irql, KRT_CONTEXT *saved)
{
    *saved = g_KrtCur;
    g_KrtCur.Instance = inst;
    g_KrtCur.Thread = thread;
    g_KrtCur.Irql = irql;
    KrtActivateData(inst);
}

void KrtLeave(const KRT_CONTEXT *saved)
{
    g_KrtCur = *saved;
    KrtActivateData(saved->Instance);
}

static void KrtVReport(KRT_INSTANCE *inst, int severity, const char *call, const char *fmt, va_list ap)
{
    char msg[768];
    int n = snprintf(msg, sizeof msg, "%s%s: ", severity >= 2 ? "driver error in " : "warning in ", call);
    if (n < 0 || (size_t)n >= sizeof msg)
        n = 0;
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    if (inst != NULL) {
        if (severity >= 2)
            inst->ErrorCount++;
        else
            inst->WarningCount++;
    }
    KhLog(inst, severity, msg);
}

void KrtReport(int severity, const char *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    KrtVReport(g_KrtCur.Instance, severity, call, fmt, ap);
    va_end(ap);
}

void KrtReportFor(KRT_INSTANCE *inst, int severity, const char *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    KrtVReport(inst, severity, call, fmt, ap);
    va_end(ap);
}

void KrtFinding(KRT_INSTANCE *inst, const void *sock, const char *call, NTSTATUS status, const char *fmt, ...)
{
    char msg[768];
    const char *name = KrtStatusName(status);
    char hex[16];
    snprintf(hex, sizeof hex, "0x%08X", (unsigned)status);
    int n = sock != NULL ? snprintf(msg, sizeof msg, "finding in %s: socket %p: ", call, sock)
                         : snprintf(msg, sizeof msg, "finding in %s: ", call);
    if (n < 0 || (size_t)n >= sizeof msg)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    if (m > 0 && (size_t)(n + m) < sizeof msg)
        snprintf(msg + n + m, sizeof msg - (size_t)(n + m), " -> %s", name ? name : hex);
    if (inst != NULL)
        inst->FindingCount++;
    KhFinding(inst, call, status, msg);
}

/* ---- IRQL ---- */
KIRQL NTAPI KeGetCurrentIrql(VOID) { return g_KrtCur.Irql; }

KIRQL NTAPI KfRaiseIrql(KIRQL NewIrql)
{
    KIRQL old = g_KrtCur.Irql;
    if (NewIrql < old)
        KrtReport(2, "KeRaiseIrql", "new IRQL %u is below the current IRQL %u (IRQL_NOT_GREATER_OR_EQUAL)",
                  NewIrql, old);
    g_KrtCur.Irql = NewIrql;
    return old;
}

VOID NTAPI KeLowerIrql(KIRQL NewIrql)
{
    if (NewIrql > g_KrtCur.Irql)
        KrtReport(2, "KeLowerIrql", "new IRQL %u is above the current IRQL %u (IRQL_NOT_LESS_OR_EQUAL)", NewIrql,
                  g_KrtCur.Irql);
    g_KrtCur.Irql = NewIrql;
}

KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID) { return KfRaiseIrql(DISPATCH_LEVEL); }

VOID NTAPI KrtPagedCodeCheck(PCSTR File, ULONG Line)
{
    if (g_KrtCur.Irql > APC_LEVEL)
        KrtReport(2, "PAGED_CODE", "pageable code at %s:%u runs at IRQL %u (must be <= APC_LEVEL)", File, Line,
                  g_KrtCur.Irql);
}

/* ---- Spin locks: single OS thread, so a lock that is already held can never be released by anyone
 * else; acquiring it again is a deadlock on Windows and is reported here. ---- */
static void KrtSpinAcquire(PKSPIN_LOCK lock, const char *call)
{
    if (*lock != 0)
        KrtReport(2, call, "spin lock %p is already held (deadlock on Windows: SPIN_LOCK_ALREADY_OWNED)",
                  (void *)lock);
    *lock = 1;
    if (g_KrtCur.Thread)
        g_KrtCur.Thread->SpinLocksHeld++;
}

static void KrtSpinRelease(PKSPIN_LOCK lock, const char *call)
{
    if (*lock == 0)
        KrtReport(2, call, "spin lock %p is not held (SPIN_LOCK_NOT_OWNED)", (void *)lock);
    *lock = 0;
    if (g_KrtCur.Thread && g_KrtCur.Thread->SpinLocksHeld)
        g_KrtCur.Thread->SpinLocksHeld--;
}

VOID NTAPI KeInitializeSpinLock(PKSPIN_LOCK SpinLock) { *SpinLock = 0; }

KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    KIRQL old = g_KrtCur.Irql;
    if (old > DISPATCH_LEVEL)
        KrtReport(2, "KeAcquireSpinLock", "called at IRQL %u (must be <= DISPATCH_LEVEL)", old);
    g_KrtCur.Irql = DISPATCH_LEVEL;
    KrtSpinAcquire(SpinLock, "KeAcquireSpinLock");
    return old;
}

VOID NTAPI KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    KrtSpinRelease(SpinLock, "KeReleaseSpinLock");
    g_KrtCur.Irql = NewIrql;
}

VOID NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    if (g_KrtCur.Irql < DISPATCH_LEVEL)
        KrtReport(2, "KeAcquireSpinLockAtDpcLevel", "called at IRQL %u (must be DISPATCH_LEVEL)", g_KrtCur.Irql);
    KrtSpinAcquire(SpinLock, "KeAcquireSpinLockAtDpcLevel");
}

VOID NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    KrtSpinRelease(SpinLock, "KeReleaseSpinLockFromDpcLevel");
}

BOOLEAN NTAPI KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    if (*SpinLock != 0)
        return FALSE;
    KrtSpinAcquire(SpinLock, "KeTryToAcquireSpinLockAtDpcLevel");
    return TRUE;
}

BOOLEAN NTAPI KeTestSpinLock(PKSPIN_LOCK SpinLock) { return (BOOLEAN)(*SpinLock == 0); }

VOID NTAPI KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->LockQueue.Next = NULL;
    LockHandle->OldIrql = KeAcquireSpinLockRaiseToDpc(SpinLock);
}

VOID NTAPI KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KeReleaseSpinLock(LockHandle->LockQueue.Lock, LockHandle->OldIrql);
}

VOID NTAPI KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->LockQueue.Next = NULL;
    LockHandle->OldIrql = DISPATCH_LEVEL;
    KeAcquireSpinLockAtDpcLevel(SpinLock);
}

VOID NTAPI KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KeReleaseSpinLockFromDpcLevel(LockHandle->LockQueue.Lock);
}

/* Reader/writer spin locks: shared holders are counted in the value, 0x80000000 marks exclusive. */
#define KRT_EX_EXCLUSIVE ((LONG)0x80000000)

KIRQL NTAPI ExAcquireSpinLockShared(PEX_SPIN_LOCK SpinLock)
{
    KIRQL old = KfRaiseIrql(DISPATCH_LEVEL);
    ExAcquireSpinLockSharedAtDpcLevel(SpinLock);
    return old;
}

VOID NTAPI ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    if (*SpinLock & KRT_EX_EXCLUSIVE)
        KrtReport(2, "ExAcquireSpinLockShared", "lock %p is held exclusively (deadlock)", (void *)SpinLock);
    (*SpinLock)++;
}

VOID NTAPI ExReleaseSpinLockShared(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    ExReleaseSpinLockSharedFromDpcLevel(SpinLock);
    g_KrtCur.Irql = OldIrql;
}

VOID NTAPI ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    if ((*SpinLock & ~KRT_EX_EXCLUSIVE) == 0)
        KrtReport(2, "ExReleaseSpinLockShared", "lock %p is not held shared", (void *)SpinLock);
    else
        (*SpinLock)--;
}

KIRQL NTAPI ExAcquireSpinLockExclusive(PEX_SPIN_LOCK SpinLock)
{
    KIRQL old = KfRaiseIrql(DISPATCH_LEVEL);
    ExAcquireSpinLockExclusiveAtDpcLevel(SpinLock);
    return old;
}

VOID NTAPI ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    if (*SpinLock != 0)
        KrtReport(2, "ExAcquireSpinLockExclusive", "lock %p is already held (deadlock)", (void *)SpinLock);
    *SpinLock = KRT_EX_EXCLUSIVE;
}

VOID NTAPI ExReleaseSpinLockExclusive(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    ExReleaseSpinLockExclusiveFromDpcLevel(SpinLock);
    g_KrtCur.Irql = OldIrql;
}

VOID NTAPI ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    if (*SpinLock != KRT_EX_EXCLUSIVE)
        KrtReport(2, "ExReleaseSpinLockExclusive", "lock %p is not held exclusively", (void *)SpinLock);
    *SpinLock = 0;
}

/* The global cancel spin lock (one per simulation; IRQL bookkeeping only). */
static KSPIN_LOCK g_KrtCancelLock;

VOID NTAPI IoAcquireCancelSpinLock(PKIRQL Irql) { *Irql = KeAcquireSpinLockRaiseToDpc(&g_KrtCancelLock); }

VOID NTAPI IoReleaseCancelSpinLock(KIRQL Irql) { KeReleaseSpinLock(&g_KrtCancelLock, Irql); }

/* ---- Critical and guarded regions: APC delivery does not exist here; keep the nesting honest. ---- */
VOID NTAPI KeEnterCriticalRegion(VOID)
{
    if (g_KrtCur.Thread)
        g_KrtCur.Thread->CriticalRegion++;
}

VOID NTAPI KeLeaveCriticalRegion(VOID)
{
    if (g_KrtCur.Thread) {
        if (g_KrtCur.Thread->CriticalRegion <= 0)
            KrtReport(2, "KeLeaveCriticalRegion", "not inside a critical region");
        else
            g_KrtCur.Thread->CriticalRegion--;
    }
}

VOID NTAPI KeEnterGuardedRegion(VOID) { KeEnterCriticalRegion(); }
VOID NTAPI KeLeaveGuardedRegion(VOID) { KeLeaveCriticalRegion(); }
BOOLEAN NTAPI KeAreApcsDisabled(VOID)
{
    return (BOOLEAN)(g_KrtCur.Irql >= APC_LEVEL || (g_KrtCur.Thread && g_KrtCur.Thread->CriticalRegion > 0));
}
