// Kernel timers, DPCs and clocks (capi/runtime/timer.c, time.c) against wsk-api.md §7.4/§7.5: one-shot and periodic
// timers at exact simulated times, DPCs at DISPATCH_LEVEL, KeCancelTimer/KeSetTimer/KeInsertQueueDpc return values,
// and every clock following simulated time from the epoch 2025-01-01 00:00:00 UTC.
#include <gtest/gtest.h>

#include <string>
#include <vector>

// After the standard headers: the WDK headers define SAL macros such as __out and __reserved.
#include "kernel-fixture.h"

using wsktest::KernelRun;

namespace {

constexpr uint64_t kMs = 1000000ull;
constexpr uint64_t kSec = 1000000000ull;
constexpr LONGLONG kEpoch = 133801632000000000LL; // 2025-01-01 00:00:00 UTC in 100 ns units since 1601

std::string
Dump(const std::vector<std::string>& lines)
{
    std::string s;
    for (auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

LARGE_INTEGER
RelativeSeconds(double seconds)
{
    LARGE_INTEGER li;
    li.QuadPart = -(LONGLONG)(seconds * 1e7 + 0.5);
    return li;
}

void
Sleep(double seconds)
{
    LARGE_INTEGER d = RelativeSeconds(seconds);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
}

struct DpcRecord
{
    std::vector<uint64_t> atNs;
    std::vector<KIRQL> irql;
    std::vector<PVOID> arg1, arg2;
    std::vector<bool> onThread;
    PKDPC dpc = nullptr;
    PVOID context = nullptr;
    PKTIMER cancelAfter = nullptr; /* cancel this timer from the DPC once `cancelCount` runs happened */
    size_t cancelCount = 0;
    BOOLEAN cancelResult = 2;
    bool requeueOnce = false;
    BOOLEAN requeueResult = 2;
};

VOID
RecordDpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    DpcRecord* r = static_cast<DpcRecord*>(context);
    r->atNs.push_back(KhNowNs());
    r->irql.push_back(KeGetCurrentIrql());
    r->arg1.push_back(arg1);
    r->arg2.push_back(arg2);
    r->onThread.push_back(g_KrtCur.Thread != nullptr);
    r->dpc = dpc;
    r->context = context;
    if (r->cancelAfter != nullptr && r->atNs.size() == r->cancelCount)
        r->cancelResult = KeCancelTimer(r->cancelAfter);
    if (r->requeueOnce) {
        r->requeueOnce = false;
        r->requeueResult = KeInsertQueueDpc(dpc, (PVOID)0x77, nullptr); /* not queued while it runs */
    }
}

} // namespace

// KeSetTimer (one-shot, relative due time) with a DPC: the timer is signalled and the DPC runs at DISPATCH_LEVEL at
// exactly the due time; a notification timer stays signalled; cancelling an expired timer returns FALSE.
TEST(KernelTimers, OneShotTimerSignalsAndRunsItsDpcAtTheDueTime)
{
    KernelRun run;
    static KTIMER timer;
    static KDPC dpc;
    DpcRecord rec;
    BOOLEAN setResult = 2, stateBefore = 2, stateAfter = 2, cancelAfterExpiry = 2;
    NTSTATUS waited = -1, waitedAgain = -1;
    uint64_t wokeNs = 0;
    ULONGLONG due = 0;
    run.Thread(
        [&] {
            KeInitializeTimer(&timer);
            KeInitializeDpc(&dpc, RecordDpc, &rec);
            setResult = KeSetTimer(&timer, RelativeSeconds(1.0), &dpc);
            due = timer.DueTime.QuadPart;
            stateBefore = KeReadStateTimer(&timer);
            waited = KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, nullptr);
            wokeNs = KhNowNs();
            stateAfter = KeReadStateTimer(&timer);
            LARGE_INTEGER zero;
            zero.QuadPart = 0;
            waitedAgain = KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, &zero);
            Sleep(0.1);
            cancelAfterExpiry = KeCancelTimer(&timer);
        },
        0.5);
    run.Run();
    EXPECT_FALSE(setResult); /* was not set before */
    EXPECT_EQ(due, 15000000u); /* interrupt time of the expiry */
    EXPECT_FALSE(stateBefore);
    EXPECT_EQ(waited, STATUS_SUCCESS);
    EXPECT_EQ(wokeNs, 1500 * kMs);
    EXPECT_TRUE(stateAfter);
    EXPECT_EQ(waitedAgain, STATUS_SUCCESS);
    EXPECT_FALSE(cancelAfterExpiry);
    ASSERT_EQ(rec.atNs.size(), 1u);
    EXPECT_EQ(rec.atNs[0], 1500 * kMs);
    EXPECT_EQ(rec.irql[0], DISPATCH_LEVEL);
    EXPECT_FALSE(rec.onThread[0]);
    EXPECT_EQ(rec.dpc, &dpc);
    EXPECT_EQ(rec.context, static_cast<PVOID>(&rec));
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// KeSetTimerEx with a period: expiries at exactly due, due + period, due + 2 period, ...; KeCancelTimer on the
// running periodic timer (from its own DPC) returns TRUE and stops it.
TEST(KernelTimers, PeriodicTimerExpiresAtExactMultiplesOfThePeriod)
{
    KernelRun run;
    static KTIMER timer;
    static KDPC dpc;
    DpcRecord rec;
    rec.cancelAfter = &timer;
    rec.cancelCount = 4;
    BOOLEAN setResult = 2;
    run.Dispatch(
        [&] {
            KeInitializeTimerEx(&timer, NotificationTimer);
            KeInitializeDpc(&dpc, RecordDpc, &rec);
            setResult = KeSetTimerEx(&timer, RelativeSeconds(1.0), 250, &dpc);
        },
        0.0);
    run.Run(20.0);
    EXPECT_FALSE(setResult);
    const std::vector<uint64_t> expected = {1000 * kMs, 1250 * kMs, 1500 * kMs, 1750 * kMs};
    EXPECT_EQ(rec.atNs, expected);
    for (KIRQL i : rec.irql)
        EXPECT_EQ(i, DISPATCH_LEVEL);
    EXPECT_TRUE(rec.cancelResult);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// A periodic synchronization timer releases one wait per expiry (it resets when a wait is satisfied); a periodic
// notification timer stays signalled, so later waits do not block.
TEST(KernelTimers, PeriodicTimerWaitsForSynchronizationAndNotificationTimers)
{
    KernelRun run;
    static KTIMER sync, notif;
    std::vector<uint64_t> syncWakes, notifWakes;
    BOOLEAN syncCancel = 2, notifCancel = 2;
    run.Thread(
        [&] {
            KeInitializeTimerEx(&sync, SynchronizationTimer);
            KeSetTimerEx(&sync, RelativeSeconds(0.5), 100, nullptr);
            for (int i = 0; i < 3; i++) {
                EXPECT_EQ(KeWaitForSingleObject(&sync, Executive, KernelMode, FALSE, nullptr), STATUS_SUCCESS);
                syncWakes.push_back(KhNowNs());
            }
            syncCancel = KeCancelTimer(&sync);
        },
        1.0);
    run.Thread(
        [&] {
            KeInitializeTimerEx(&notif, NotificationTimer);
            KeSetTimerEx(&notif, RelativeSeconds(0.5), 100, nullptr);
            for (int i = 0; i < 3; i++) {
                EXPECT_EQ(KeWaitForSingleObject(&notif, Executive, KernelMode, FALSE, nullptr), STATUS_SUCCESS);
                notifWakes.push_back(KhNowNs());
            }
            notifCancel = KeCancelTimer(&notif);
        },
        5.0);
    run.Run(30.0);
    const std::vector<uint64_t> syncExpected = {1500 * kMs, 1600 * kMs, 1700 * kMs};
    const std::vector<uint64_t> notifExpected = {5500 * kMs, 5500 * kMs, 5500 * kMs};
    EXPECT_EQ(syncWakes, syncExpected);
    EXPECT_EQ(notifWakes, notifExpected);
    EXPECT_TRUE(syncCancel);
    EXPECT_TRUE(notifCancel);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// KeCancelTimer returns TRUE only for a timer that was set and had not expired; a cancelled timer never signals or
// queues its DPC. KeSetTimer on a set timer returns TRUE and replaces the due time.
TEST(KernelTimers, KeCancelTimerAndKeSetTimerReturnValues)
{
    KernelRun run;
    static KTIMER timer, reset;
    static KDPC dpc, resetDpc;
    DpcRecord rec, resetRec;
    BOOLEAN cancelUnset = 2, cancelSet = 2, cancelAgain = 2, firstSet = 2, secondSet = 2;
    NTSTATUS waitCancelled = -1;
    uint64_t waitEnded = 0;
    run.Thread([&] {
        KeInitializeTimer(&timer);
        KeInitializeDpc(&dpc, RecordDpc, &rec);
        cancelUnset = KeCancelTimer(&timer);
        KeSetTimer(&timer, RelativeSeconds(1.0), &dpc);
        Sleep(0.5);
        cancelSet = KeCancelTimer(&timer);
        cancelAgain = KeCancelTimer(&timer);
        LARGE_INTEGER t = RelativeSeconds(3.0);
        waitCancelled = KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, &t);
        waitEnded = KhNowNs();

        KeInitializeTimer(&reset);
        KeInitializeDpc(&resetDpc, RecordDpc, &resetRec);
        firstSet = KeSetTimer(&reset, RelativeSeconds(1.0), &resetDpc);
        secondSet = KeSetTimer(&reset, RelativeSeconds(2.0), &resetDpc);
    });
    run.Run();
    EXPECT_FALSE(cancelUnset);
    EXPECT_TRUE(cancelSet);
    EXPECT_FALSE(cancelAgain);
    EXPECT_EQ(waitCancelled, STATUS_TIMEOUT);
    EXPECT_EQ(waitEnded, 3500 * kMs);
    EXPECT_TRUE(rec.atNs.empty());
    EXPECT_FALSE(firstSet);
    EXPECT_TRUE(secondSet);
    ASSERT_EQ(resetRec.atNs.size(), 1u);
    EXPECT_EQ(resetRec.atNs[0], 5500 * kMs);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// KeInsertQueueDpc returns FALSE while the DPC is already queued (keeping the first arguments); the DPC runs once
// at DISPATCH_LEVEL with SystemArgument1/2; once it runs it may be queued again (even from itself).
// KeRemoveQueueDpc dequeues it.
TEST(KernelTimers, KeInsertQueueDpcReturnsFalseWhenAlreadyQueued)
{
    KernelRun run;
    static KDPC dpc, removed;
    DpcRecord rec, removedRec;
    rec.requeueOnce = true;
    BOOLEAN first = 2, second = 2, removeQueued = 2, removeAgain = 2, fromThread = 2;
    run.Dispatch(
        [&] {
            KeInitializeDpc(&dpc, RecordDpc, &rec);
            first = KeInsertQueueDpc(&dpc, (PVOID)0x11, (PVOID)0x22);
            second = KeInsertQueueDpc(&dpc, (PVOID)0x33, (PVOID)0x44);
            KeInitializeDpc(&removed, RecordDpc, &removedRec);
            KeInsertQueueDpc(&removed, nullptr, nullptr);
            removeQueued = KeRemoveQueueDpc(&removed);
            removeAgain = KeRemoveQueueDpc(&removed);
        },
        1.0);
    run.Thread([&] { fromThread = KeInsertQueueDpc(&dpc, (PVOID)0x55, (PVOID)0x66); }, 2.0);
    run.Run();
    EXPECT_TRUE(first);
    EXPECT_FALSE(second);
    EXPECT_TRUE(removeQueued);
    EXPECT_FALSE(removeAgain);
    EXPECT_TRUE(removedRec.atNs.empty());
    EXPECT_TRUE(rec.requeueResult);
    EXPECT_TRUE(fromThread);
    ASSERT_EQ(rec.atNs.size(), 3u);
    EXPECT_EQ(rec.atNs[0], 1 * kSec);
    EXPECT_EQ(rec.arg1[0], (PVOID)0x11);
    EXPECT_EQ(rec.arg2[0], (PVOID)0x22);
    EXPECT_EQ(rec.atNs[1], 1 * kSec); /* requeued from itself */
    EXPECT_EQ(rec.arg1[1], (PVOID)0x77);
    EXPECT_EQ(rec.atNs[2], 2 * kSec); /* queued from a thread at PASSIVE_LEVEL */
    EXPECT_EQ(rec.arg1[2], (PVOID)0x55);
    EXPECT_EQ(rec.arg2[2], (PVOID)0x66);
    for (size_t i = 0; i < rec.irql.size(); i++) {
        EXPECT_EQ(rec.irql[i], DISPATCH_LEVEL) << i;
        EXPECT_FALSE(rec.onThread[i]) << i; /* DPCs run on the simulator's stack, not on the queuing thread */
    }
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// KeQuerySystemTime, KeQueryPerformanceCounter (10 MHz), KeQueryInterruptTime and KeQueryTickCount follow simulated
// time exactly.
TEST(KernelTimers, ClocksFollowSimulatedTime)
{
    KernelRun run;
    struct Sample
    {
        uint64_t ns;
        LONGLONG system, precise;
        ULONGLONG interrupt, unbiased;
        LONGLONG qpc, freq;
        LONGLONG ticks;
    };
    std::vector<Sample> s;
    ULONG increment = 0;
    auto sample = [&] {
        Sample x;
        x.ns = KhNowNs();
        LARGE_INTEGER li;
        KeQuerySystemTime(&li);
        x.system = li.QuadPart;
        KeQuerySystemTimePrecise(&li);
        x.precise = li.QuadPart;
        x.interrupt = KeQueryInterruptTime();
        x.unbiased = KeQueryUnbiasedInterruptTime();
        LARGE_INTEGER f;
        f.QuadPart = 0;
        x.qpc = KeQueryPerformanceCounter(&f).QuadPart;
        x.freq = f.QuadPart;
        LARGE_INTEGER ticks;
        KeQueryTickCount(&ticks);
        x.ticks = ticks.QuadPart;
        s.push_back(x);
    };
    run.Thread([&] {
        sample();
        increment = KeQueryTimeIncrement();
        Sleep(1.5);
        sample();
        Sleep(0.1);
        sample();
    });
    run.Dispatch(sample, 3600.0); /* an hour in */
    run.Run();
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(increment, 156250u); /* 15.625 ms */
    const uint64_t ns[] = {0, 1500 * kMs, 1600 * kMs, 3600 * kSec};
    const LONGLONG ticks[] = {0, 96, 102, 230400};
    for (size_t i = 0; i < s.size(); i++) {
        SCOPED_TRACE(i);
        const LONGLONG units = (LONGLONG)(ns[i] / 100);
        EXPECT_EQ(s[i].ns, ns[i]);
        EXPECT_EQ(s[i].system, kEpoch + units);
        EXPECT_EQ(s[i].precise, kEpoch + units);
        EXPECT_EQ(s[i].interrupt, (ULONGLONG)units);
        EXPECT_EQ(s[i].unbiased, (ULONGLONG)units);
        EXPECT_EQ(s[i].freq, 10000000);
        EXPECT_EQ(s[i].qpc, units); /* 10 MHz: one count per 100 ns */
        EXPECT_EQ(s[i].ticks, ticks[i]);
    }
}

// The simulated epoch is 2025-01-01 00:00:00.000 UTC, a Wednesday; RtlTimeToTimeFields and RtlTimeFieldsToTime
// agree with it and with later simulated times.
TEST(KernelTimers, RtlTimeToTimeFieldsOfTheSimulatedEpoch)
{
    KernelRun run;
    TIME_FIELDS atStart{}, later{};
    LARGE_INTEGER startTime, laterTime, roundTrip;
    startTime.QuadPart = laterTime.QuadPart = roundTrip.QuadPart = 0;
    BOOLEAN converted = FALSE, invalid = TRUE;
    run.Thread([&] {
        KeQuerySystemTime(&startTime);
        RtlTimeToTimeFields(&startTime, &atStart);
    });
    run.Thread(
        [&] {
            KeQuerySystemTime(&laterTime);
            RtlTimeToTimeFields(&laterTime, &later);
            converted = RtlTimeFieldsToTime(&later, &roundTrip);
            TIME_FIELDS bad = later;
            bad.Month = 13;
            LARGE_INTEGER unused;
            invalid = RtlTimeFieldsToTime(&bad, &unused);
        },
        90061.25); /* 1 day, 1 h, 1 min, 1.25 s */
    run.Run();
    EXPECT_EQ(startTime.QuadPart, kEpoch);
    EXPECT_EQ(atStart.Year, 2025);
    EXPECT_EQ(atStart.Month, 1);
    EXPECT_EQ(atStart.Day, 1);
    EXPECT_EQ(atStart.Hour, 0);
    EXPECT_EQ(atStart.Minute, 0);
    EXPECT_EQ(atStart.Second, 0);
    EXPECT_EQ(atStart.Milliseconds, 0);
    EXPECT_EQ(atStart.Weekday, 3); /* Sunday = 0 */

    EXPECT_EQ(later.Year, 2025);
    EXPECT_EQ(later.Month, 1);
    EXPECT_EQ(later.Day, 2);
    EXPECT_EQ(later.Hour, 1);
    EXPECT_EQ(later.Minute, 1);
    EXPECT_EQ(later.Second, 1);
    EXPECT_EQ(later.Milliseconds, 250);
    EXPECT_EQ(later.Weekday, 4);
    EXPECT_TRUE(converted);
    EXPECT_EQ(roundTrip.QuadPart, laterTime.QuadPart);
    EXPECT_FALSE(invalid);

    TIME_FIELDS epoch{};
    epoch.Year = 2025;
    epoch.Month = 1;
    epoch.Day = 1;
    LARGE_INTEGER t;
    ASSERT_TRUE(RtlTimeFieldsToTime(&epoch, &t));
    EXPECT_EQ(t.QuadPart, kEpoch);
    TIME_FIELDS leap{};
    leap.Year = 2024;
    leap.Month = 2;
    leap.Day = 29;
    leap.Hour = 23;
    leap.Minute = 59;
    leap.Second = 59;
    leap.Milliseconds = 999;
    ASSERT_TRUE(RtlTimeFieldsToTime(&leap, &t));
    EXPECT_EQ(t.QuadPart, kEpoch - (LONGLONG)(306 * 86400 + 1) * 10000000 + 9990000);
}
