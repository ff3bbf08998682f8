// Dispatcher objects, waits, locks and IRQL (capi/runtime/dispatcher.c, context.c) against wsk-api.md §7.4/§7.6:
// notification vs synchronization events, KeSetEvent's previous state, timeouts at exact simulated times, zero
// timeouts, WaitAny/WaitAll, semaphores, mutexes, fast mutexes, rundown protection, spin locks and IRQL rules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

// After the standard headers: the WDK headers define SAL macros such as __out and __reserved.
#include "kernel-fixture.h"

using wsktest::KernelRun;

namespace {

constexpr uint64_t kMs = 1000000ull;
constexpr uint64_t kSec = 1000000000ull;

std::string
Dump(const std::vector<std::string>& lines)
{
    std::string s;
    for (auto& l : lines)
        s += "  " + l + "\n";
    return s;
}

LARGE_INTEGER
Relative100ns(LONGLONG units)
{
    LARGE_INTEGER li;
    li.QuadPart = -units;
    return li;
}

LARGE_INTEGER
RelativeSeconds(double seconds)
{
    return Relative100ns((LONGLONG)(seconds * 1e7 + 0.5));
}

NTSTATUS
Wait(PVOID object, LARGE_INTEGER* timeout = nullptr)
{
    return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, timeout);
}

void
Sleep(double seconds)
{
    LARGE_INTEGER d = RelativeSeconds(seconds);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
}

struct Wake
{
    NTSTATUS status = -1;
    uint64_t atNs = 0;
};

} // namespace

// A notification event releases every waiter and stays signalled; KeSetEvent returns the previous state.
TEST(KernelSync, NotificationEventReleasesAllWaitersAndStaysSignalled)
{
    KernelRun run;
    KEVENT ev;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    Wake w[3];
    LONG prev1 = -1, prev2 = -1, stateAfterSet = -1, reset1 = -1, reset2 = -1;
    for (int i = 0; i < 3; i++)
        run.Thread([&, i] {
            w[i].status = Wait(&ev);
            w[i].atNs = KhNowNs();
        });
    run.Thread(
        [&] {
            prev1 = KeSetEvent(&ev, IO_NO_INCREMENT, FALSE);
            prev2 = KeSetEvent(&ev, IO_NO_INCREMENT, FALSE);
            stateAfterSet = KeReadStateEvent(&ev);
        },
        1.5);
    run.Thread(
        [&] {
            EXPECT_EQ(Wait(&ev), STATUS_SUCCESS); /* still signalled: no wait */
            EXPECT_EQ(KhNowNs(), 2 * kSec);
            reset1 = KeResetEvent(&ev);
            reset2 = KeResetEvent(&ev);
        },
        2.0);
    run.Run();
    for (auto& x : w) {
        EXPECT_EQ(x.status, STATUS_SUCCESS);
        EXPECT_EQ(x.atNs, 1500 * kMs);
    }
    EXPECT_EQ(prev1, 0);
    EXPECT_EQ(prev2, 1);
    EXPECT_EQ(stateAfterSet, 1);
    EXPECT_EQ(reset1, 1);
    EXPECT_EQ(reset2, 0);
    EXPECT_EQ(KeReadStateEvent(&ev), 0);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// A synchronization event releases one waiter per KeSetEvent (FIFO) and resets itself when a wait is satisfied.
TEST(KernelSync, SynchronizationEventReleasesOneWaiterPerSetAndAutoResets)
{
    KernelRun run;
    KEVENT ev;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    Wake a, b, c;
    LONG prevAt1 = -1, stateAt1 = -1, prevAt2 = -1, prevAt3 = -1, stateAt3 = -1, stateAfterC = -1;
    run.Thread([&] {
        a.status = Wait(&ev);
        a.atNs = KhNowNs();
    });
    run.Thread([&] {
        b.status = Wait(&ev);
        b.atNs = KhNowNs();
    });
    run.Thread(
        [&] {
            prevAt1 = KeSetEvent(&ev, IO_NO_INCREMENT, FALSE);
            stateAt1 = KeReadStateEvent(&ev); /* consumed by the first waiter */
            Sleep(1.0);
            prevAt2 = KeSetEvent(&ev, IO_NO_INCREMENT, FALSE);
            Sleep(1.0);
            prevAt3 = KeSetEvent(&ev, IO_NO_INCREMENT, FALSE); /* nobody waits: stays set */
            stateAt3 = KeReadStateEvent(&ev);
        },
        1.0);
    run.Thread(
        [&] {
            c.status = Wait(&ev);
            c.atNs = KhNowNs();
            stateAfterC = KeReadStateEvent(&ev);
        },
        3.5);
    run.Run();
    EXPECT_EQ(a.status, STATUS_SUCCESS);
    EXPECT_EQ(a.atNs, 1 * kSec);
    EXPECT_EQ(b.status, STATUS_SUCCESS);
    EXPECT_EQ(b.atNs, 2 * kSec);
    EXPECT_EQ(c.status, STATUS_SUCCESS);
    EXPECT_EQ(c.atNs, 3500 * kMs);
    EXPECT_EQ(prevAt1, 0);
    EXPECT_EQ(stateAt1, 0);
    EXPECT_EQ(prevAt2, 0);
    EXPECT_EQ(prevAt3, 0);
    EXPECT_EQ(stateAt3, 1);
    EXPECT_EQ(stateAfterC, 0);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Relative (negative, 100 ns units) and absolute (positive system time) timeouts return STATUS_TIMEOUT at exactly
// the requested simulated time.
TEST(KernelSync, WaitTimeoutsReturnStatusTimeoutAtTheExactSimulatedTime)
{
    KernelRun run;
    KEVENT ev;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    std::vector<Wake> r;
    run.Thread(
        [&] {
            LARGE_INTEGER t = RelativeSeconds(2.0);
            r.push_back({Wait(&ev, &t), KhNowNs()}); /* 0.5 + 2 */
            t = Relative100ns(1);
            r.push_back({Wait(&ev, &t), KhNowNs()}); /* + 100 ns */
            LARGE_INTEGER now;
            KeQuerySystemTime(&now);
            t.QuadPart = now.QuadPart + 32500000; /* absolute: now + 3.25 s */
            r.push_back({Wait(&ev, &t), KhNowNs()});
            t.QuadPart = now.QuadPart; /* absolute, already past */
            r.push_back({Wait(&ev, &t), KhNowNs()});
        },
        0.5);
    run.Run();
    ASSERT_EQ(r.size(), 4u);
    for (auto& x : r)
        EXPECT_EQ(x.status, STATUS_TIMEOUT);
    EXPECT_EQ(r[0].atNs, 2500 * kMs);
    EXPECT_EQ(r[1].atNs, 2500 * kMs + 100);
    EXPECT_EQ(r[2].atNs, 2500 * kMs + 100 + 3250 * kMs);
    EXPECT_EQ(r[3].atNs, r[2].atNs);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// A wait satisfied before its timeout returns STATUS_SUCCESS at the signal time; the abandoned timeout must not
// disturb a later wait of the same thread.
TEST(KernelSync, SignalBeforeTimeoutWinsAndTheOldTimeoutIsCancelled)
{
    KernelRun run;
    KEVENT first, second;
    KeInitializeEvent(&first, SynchronizationEvent, FALSE);
    KeInitializeEvent(&second, SynchronizationEvent, FALSE);
    Wake a, b;
    run.Thread([&] {
        LARGE_INTEGER t = RelativeSeconds(5.0);
        a.status = Wait(&first, &t);
        a.atNs = KhNowNs();
        b.status = Wait(&second); /* must not end at 5 s */
        b.atNs = KhNowNs();
    });
    run.Dispatch([&] { KeSetEvent(&first, IO_NO_INCREMENT, FALSE); }, 1.0);
    run.Dispatch([&] { KeSetEvent(&second, IO_NO_INCREMENT, FALSE); }, 6.0);
    run.Run();
    EXPECT_EQ(a.status, STATUS_SUCCESS);
    EXPECT_EQ(a.atNs, 1 * kSec);
    EXPECT_EQ(b.status, STATUS_SUCCESS);
    EXPECT_EQ(b.atNs, 6 * kSec);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// A zero timeout polls: no time passes, STATUS_TIMEOUT when not signalled, STATUS_SUCCESS (consuming a
// synchronization event) when signalled; it is allowed at DISPATCH_LEVEL.
TEST(KernelSync, ZeroTimeoutPollsWithoutBlocking)
{
    KernelRun run;
    KEVENT ev;
    KeInitializeEvent(&ev, SynchronizationEvent, FALSE);
    NTSTATUS unset = -1, set = -1, again = -1, atDispatch = -1, atDispatchSet = -1;
    uint64_t before = 1, after = 0;
    LONG stateAfterPoll = -1;
    run.Thread(
        [&] {
            LARGE_INTEGER zero;
            zero.QuadPart = 0;
            before = KhNowNs();
            unset = Wait(&ev, &zero);
            KeSetEvent(&ev, IO_NO_INCREMENT, FALSE);
            set = Wait(&ev, &zero);
            stateAfterPoll = KeReadStateEvent(&ev);
            again = Wait(&ev, &zero);
            after = KhNowNs();
        },
        0.25);
    run.Dispatch(
        [&] {
            LARGE_INTEGER zero;
            zero.QuadPart = 0;
            atDispatch = Wait(&ev, &zero);
            KeSetEvent(&ev, IO_NO_INCREMENT, FALSE);
            atDispatchSet = Wait(&ev, &zero);
        },
        1.0);
    run.Run();
    EXPECT_EQ(unset, STATUS_TIMEOUT);
    EXPECT_EQ(set, STATUS_SUCCESS);
    EXPECT_EQ(stateAfterPoll, 0);
    EXPECT_EQ(again, STATUS_TIMEOUT);
    EXPECT_EQ(before, 250 * kMs);
    EXPECT_EQ(after, before);
    EXPECT_EQ(atDispatch, STATUS_TIMEOUT);
    EXPECT_EQ(atDispatchSet, STATUS_SUCCESS);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// WaitAny returns STATUS_WAIT_0 + the index of the object that satisfied it (the lowest signalled index when
// several are), consuming only that one; it times out like a single wait.
TEST(KernelSync, WaitForMultipleObjectsWaitAnyReturnsTheIndex)
{
    KernelRun run;
    KEVENT ev[3];
    for (auto& e : ev)
        KeInitializeEvent(&e, SynchronizationEvent, FALSE);
    PVOID objs[3] = {&ev[0], &ev[1], &ev[2]};
    Wake blocked, immediate, timedOut;
    LONG state1 = -1, state2 = -1;
    run.Thread([&] {
        blocked.status = KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, nullptr, nullptr);
        blocked.atNs = KhNowNs();
        KeSetEvent(&ev[2], IO_NO_INCREMENT, FALSE);
        KeSetEvent(&ev[1], IO_NO_INCREMENT, FALSE);
        immediate.status = KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, nullptr, nullptr);
        immediate.atNs = KhNowNs();
        state1 = KeReadStateEvent(&ev[1]);
        state2 = KeReadStateEvent(&ev[2]);
        KeClearEvent(&ev[2]);
        LARGE_INTEGER t = RelativeSeconds(0.5);
        timedOut.status = KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, &t, nullptr);
        timedOut.atNs = KhNowNs();
    });
    run.Dispatch([&] { KeSetEvent(&ev[2], IO_NO_INCREMENT, FALSE); }, 0.75);
    run.Run();
    EXPECT_EQ(blocked.status, STATUS_WAIT_0 + 2);
    EXPECT_EQ(blocked.atNs, 750 * kMs);
    EXPECT_EQ(immediate.status, STATUS_WAIT_0 + 1);
    EXPECT_EQ(immediate.atNs, 750 * kMs);
    EXPECT_EQ(state1, 0);
    EXPECT_EQ(state2, 1);
    EXPECT_EQ(timedOut.status, STATUS_TIMEOUT);
    EXPECT_EQ(timedOut.atNs, 1250 * kMs);
    for (auto& e : ev)
        EXPECT_EQ(KeReadStateEvent(&e), 0);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// WaitAll is satisfied only when every object is signalled at once, then consumes all of them (a notification
// event stays set); a timed-out WaitAll consumes nothing. More objects than THREAD_WAIT_OBJECTS need a caller
// wait-block array.
TEST(KernelSync, WaitForMultipleObjectsWaitAll)
{
    KernelRun run;
    KEVENT ev[3];
    KeInitializeEvent(&ev[0], NotificationEvent, FALSE);
    KeInitializeEvent(&ev[1], SynchronizationEvent, FALSE);
    KeInitializeEvent(&ev[2], SynchronizationEvent, FALSE);
    PVOID objs[3] = {&ev[0], &ev[1], &ev[2]};
    Wake all, partial;
    LONG states[3] = {-1, -1, -1}, partialStates[2] = {-1, -1};
    run.Thread([&] {
        all.status = KeWaitForMultipleObjects(3, objs, WaitAll, Executive, KernelMode, FALSE, nullptr, nullptr);
        all.atNs = KhNowNs();
        for (int i = 0; i < 3; i++)
            states[i] = KeReadStateEvent(&ev[i]);
        KeSetEvent(&ev[1], IO_NO_INCREMENT, FALSE); /* ev[0] still set, ev[2] not */
        LARGE_INTEGER t = RelativeSeconds(0.5);
        partial.status = KeWaitForMultipleObjects(3, objs, WaitAll, Executive, KernelMode, FALSE, &t, nullptr);
        partial.atNs = KhNowNs();
        partialStates[0] = KeReadStateEvent(&ev[0]);
        partialStates[1] = KeReadStateEvent(&ev[1]);
    });
    run.Dispatch([&] { KeSetEvent(&ev[0], IO_NO_INCREMENT, FALSE); }, 1.0);
    run.Dispatch([&] { KeSetEvent(&ev[2], IO_NO_INCREMENT, FALSE); }, 2.0);
    run.Dispatch([&] { KeSetEvent(&ev[1], IO_NO_INCREMENT, FALSE); }, 3.0);
    run.Run();
    EXPECT_EQ(all.status, STATUS_WAIT_0);
    EXPECT_EQ(all.atNs, 3 * kSec);
    EXPECT_EQ(states[0], 1);
    EXPECT_EQ(states[1], 0);
    EXPECT_EQ(states[2], 0);
    EXPECT_EQ(partial.status, STATUS_TIMEOUT);
    EXPECT_EQ(partial.atNs, 3500 * kMs);
    EXPECT_EQ(partialStates[0], 1);
    EXPECT_EQ(partialStates[1], 1);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

TEST(KernelSync, WaitForMoreThanThreeObjectsUsesTheCallerWaitBlocks)
{
    KernelRun run;
    KEVENT ev[5];
    for (auto& e : ev)
        KeInitializeEvent(&e, NotificationEvent, FALSE);
    PVOID objs[5] = {&ev[0], &ev[1], &ev[2], &ev[3], &ev[4]};
    KWAIT_BLOCK blocks[5];
    Wake withBlocks, withoutBlocks;
    run.Thread([&] {
        withBlocks.status = KeWaitForMultipleObjects(5, objs, WaitAny, Executive, KernelMode, FALSE, nullptr, blocks);
        withBlocks.atNs = KhNowNs();
        KeClearEvent(&ev[3]);
        withoutBlocks.status =
            KeWaitForMultipleObjects(5, objs, WaitAll, Executive, KernelMode, FALSE, nullptr, nullptr);
        withoutBlocks.atNs = KhNowNs();
    });
    run.Dispatch([&] { KeSetEvent(&ev[3], IO_NO_INCREMENT, FALSE); }, 1.0);
    run.Dispatch(
        [&] {
            for (auto& e : ev)
                KeSetEvent(&e, IO_NO_INCREMENT, FALSE);
        },
        2.0);
    run.Run();
    EXPECT_EQ(withBlocks.status, STATUS_WAIT_0 + 3);
    EXPECT_EQ(withBlocks.atNs, 1 * kSec);
    EXPECT_EQ(withoutBlocks.status, STATUS_WAIT_0);
    EXPECT_EQ(withoutBlocks.atNs, 2 * kSec);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("need a caller-supplied WaitBlockArray")) << Dump(run.host.errors);
    EXPECT_EQ(run.inst->PoolLiveBytes, 0u); /* the runtime's own wait blocks were returned */
}

// Semaphores: each satisfied wait takes one count, a release by n wakes up to n waiters and returns the previous
// count, and a release past the limit is diagnosed and changes nothing.
TEST(KernelSync, SemaphoreCountsWaitersAndEnforcesItsLimit)
{
    KernelRun run;
    KSEMAPHORE sem;
    KeInitializeSemaphore(&sem, 0, 2);
    Wake w[3];
    LONG prevRelease = -1, stateAfterWake = -1, prevFill = -1, prevOver = -1, stateAfterOver = -1;
    for (int i = 0; i < 3; i++)
        run.Thread([&, i] {
            w[i].status = Wait(&sem);
            w[i].atNs = KhNowNs();
        });
    run.Dispatch(
        [&] {
            prevRelease = KeReleaseSemaphore(&sem, SEMAPHORE_INCREMENT, 2, FALSE);
            stateAfterWake = KeReadStateSemaphore(&sem);
        },
        1.0);
    run.Dispatch(
        [&] {
            prevFill = KeReleaseSemaphore(&sem, SEMAPHORE_INCREMENT, 1, FALSE); /* wakes the third waiter */
            prevFill = KeReleaseSemaphore(&sem, SEMAPHORE_INCREMENT, 2, FALSE);
            prevOver = KeReleaseSemaphore(&sem, SEMAPHORE_INCREMENT, 1, FALSE); /* 2 + 1 > limit 2 */
            stateAfterOver = KeReadStateSemaphore(&sem);
        },
        2.0);
    KSEMAPHORE badInit;
    run.Dispatch([&] { KeInitializeSemaphore(&badInit, 3, 2); }, 3.0);
    run.Run();
    EXPECT_EQ(prevRelease, 0);
    EXPECT_EQ(stateAfterWake, 0);
    EXPECT_EQ(w[0].atNs, 1 * kSec);
    EXPECT_EQ(w[1].atNs, 1 * kSec);
    EXPECT_EQ(w[2].atNs, 2 * kSec);
    for (auto& x : w)
        EXPECT_EQ(x.status, STATUS_SUCCESS);
    EXPECT_EQ(prevFill, 0);
    EXPECT_EQ(prevOver, 2);
    EXPECT_EQ(stateAfterOver, 2);
    ASSERT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("STATUS_SEMAPHORE_LIMIT_EXCEEDED")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("count 3 / limit 2 out of range")) << Dump(run.host.errors);
}

// Mutexes: the owner may acquire recursively (state goes 1, 0, -1), must release as many times, and only then
// does a waiter get it; a release by a thread that does not own it is THREAD_NOT_MUTEX_OWNER.
TEST(KernelSync, MutexRecursionOwnershipAndHandOff)
{
    KernelRun run;
    KMUTEX mutex;
    KeInitializeMutex(&mutex, 0);
    std::vector<LONG> states;
    LONG rel1 = 99, rel2 = 99, foreignRelease = 99, freeRelease = 99;
    Wake a1, a2, b;
    PKTHREAD ownerWhileA = nullptr, ownerWhileB = nullptr, threadA = nullptr, threadB = nullptr;
    LONG stateAfterForeign = 99;
    run.Thread([&] {
        threadA = KeGetCurrentThread();
        states.push_back(KeReadStateMutex(&mutex));
        a1.status = KeWaitForMutexObject(&mutex, Executive, KernelMode, FALSE, nullptr);
        states.push_back(KeReadStateMutex(&mutex));
        a2.status = Wait(&mutex); /* recursive: no block */
        a2.atNs = KhNowNs();
        states.push_back(KeReadStateMutex(&mutex));
        ownerWhileA = mutex.OwnerThread;
        Sleep(1.0);
        rel1 = KeReleaseMutex(&mutex, FALSE);
        states.push_back(KeReadStateMutex(&mutex));
        Sleep(1.0);
        rel2 = KeReleaseMutex(&mutex, FALSE);
        states.push_back(KeReadStateMutex(&mutex)); /* b owns it already (its wait was satisfied) */
    });
    run.Thread(
        [&] {
            threadB = KeGetCurrentThread();
            b.status = Wait(&mutex);
            b.atNs = KhNowNs();
            ownerWhileB = mutex.OwnerThread;
            KeReleaseMutex(&mutex, FALSE);
        },
        0.5);
    run.Thread(
        [&] {
            foreignRelease = KeReleaseMutex(&mutex, FALSE); /* owned by a */
            stateAfterForeign = KeReadStateMutex(&mutex);
        },
        1.5);
    run.Thread([&] { freeRelease = KeReleaseMutex(&mutex, FALSE); }, 5.0); /* owned by nobody */
    run.Run();
    ASSERT_EQ(states.size(), 5u);
    EXPECT_EQ(states[0], 1);
    EXPECT_EQ(states[1], 0);
    EXPECT_EQ(states[2], -1);
    EXPECT_EQ(states[3], 0);
    EXPECT_EQ(states[4], 0);
    EXPECT_EQ(a1.status, STATUS_SUCCESS);
    EXPECT_EQ(a2.status, STATUS_SUCCESS);
    EXPECT_EQ(a2.atNs, 0u);
    EXPECT_EQ(ownerWhileA, threadA);
    EXPECT_EQ(rel1, -1);
    EXPECT_EQ(rel2, 0);
    EXPECT_EQ(b.status, STATUS_SUCCESS);
    EXPECT_EQ(b.atNs, 2 * kSec);
    EXPECT_EQ(ownerWhileB, threadB);
    EXPECT_EQ(foreignRelease, 0);
    EXPECT_EQ(stateAfterForeign, 0);
    EXPECT_EQ(freeRelease, 1);
    EXPECT_EQ(KeReadStateMutex(&mutex), 1);
    EXPECT_EQ(mutex.OwnerThread, nullptr);
    ASSERT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    for (auto& e : run.host.errors)
        EXPECT_NE(e.find("THREAD_NOT_MUTEX_OWNER"), std::string::npos) << e;
}

// Fast mutexes: two contending threads; the second blocks until the first releases and gets it at that exact
// time; the holder runs at APC_LEVEL; ExTryToAcquireFastMutex fails while it is held.
TEST(KernelSync, FastMutexWithTwoContendingThreads)
{
    KernelRun run;
    FAST_MUTEX fm;
    ExInitializeFastMutex(&fm);
    uint64_t aAcquired = 1, aReleased = 0, bAcquired = 0;
    KIRQL aHolding = 0xFF, aAfterSleep = 0xFF, aAfterRelease = 0xFF, bHolding = 0xFF, bAfter = 0xFF;
    BOOLEAN tryWhileHeld = TRUE, tryWhenFree = FALSE;
    ULONG contention = 99;
    std::vector<char> order;
    run.Thread([&] {
        ExAcquireFastMutex(&fm);
        order.push_back('A');
        aAcquired = KhNowNs();
        aHolding = KeGetCurrentIrql();
        Sleep(1.0);
        aAfterSleep = KeGetCurrentIrql();
        order.push_back('a');
        aReleased = KhNowNs();
        ExReleaseFastMutex(&fm);
        aAfterRelease = KeGetCurrentIrql();
    });
    run.Thread(
        [&] {
            ExAcquireFastMutex(&fm);
            order.push_back('B');
            bAcquired = KhNowNs();
            bHolding = KeGetCurrentIrql();
            Sleep(0.25);
            order.push_back('b');
            ExReleaseFastMutex(&fm);
            bAfter = KeGetCurrentIrql();
        },
        0.5);
    run.Thread([&] { tryWhileHeld = ExTryToAcquireFastMutex(&fm); }, 0.75);
    run.Thread(
        [&] {
            tryWhenFree = ExTryToAcquireFastMutex(&fm);
            contention = fm.Contention;
            ExReleaseFastMutex(&fm);
        },
        3.0);
    run.Run();
    EXPECT_EQ(aAcquired, 0u);
    EXPECT_EQ(aReleased, 1 * kSec);
    EXPECT_EQ(bAcquired, 1 * kSec);
    EXPECT_EQ(std::string(order.begin(), order.end()), "AaBb");
    EXPECT_EQ(aHolding, APC_LEVEL);
    EXPECT_EQ(aAfterSleep, APC_LEVEL); /* IRQL survives the thread switch */
    EXPECT_EQ(aAfterRelease, PASSIVE_LEVEL);
    EXPECT_EQ(bHolding, APC_LEVEL);
    EXPECT_EQ(bAfter, PASSIVE_LEVEL);
    EXPECT_FALSE(tryWhileHeld);
    EXPECT_TRUE(tryWhenFree);
    EXPECT_EQ(contention, 1u);
    EXPECT_EQ((LONG)fm.Count, 1);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Acquiring a fast mutex the thread already holds is diagnosed (a deadlock on Windows); the single release then
// still restores the IRQL the thread had before the first acquire. Releasing a free fast mutex is diagnosed too.
TEST(KernelSync, FastMutexRecursionAndReleaseOfAFreeMutexAreDiagnosed)
{
    KernelRun run;
    FAST_MUTEX fm;
    ExInitializeFastMutex(&fm);
    KIRQL afterRelease = 0xFF;
    run.Thread([&] {
        ExAcquireFastMutex(&fm);
        ExAcquireFastMutex(&fm); /* recursive */
        ExReleaseFastMutex(&fm);
        afterRelease = KeGetCurrentIrql();
        ExReleaseFastMutexUnsafe(&fm); /* not held */
    });
    run.Run();
    EXPECT_EQ(afterRelease, PASSIVE_LEVEL);
    ASSERT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("acquired recursively")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("is not held")) << Dump(run.host.errors);
}

// Rundown protection: acquisitions succeed until the wait starts; the wait returns once the last reference is
// released (the runtime polls every simulated millisecond); afterwards acquisitions fail until re-initialised.
TEST(KernelSync, RundownProtectionWaitsForTheLastRelease)
{
    KernelRun run;
    EX_RUNDOWN_REF ref;
    ExInitializeRundownProtection(&ref);
    BOOLEAN first = FALSE, second = FALSE, duringWait = TRUE, afterWait = TRUE, afterReinit = FALSE;
    uint64_t waitDone = 0;
    run.Thread([&] {
        first = ExAcquireRundownProtection(&ref);
        second = ExAcquireRundownProtection(&ref);
    });
    run.Thread(
        [&] {
            ExWaitForRundownProtectionRelease(&ref);
            waitDone = KhNowNs();
            afterWait = ExAcquireRundownProtection(&ref);
            ExReInitializeRundownProtection(&ref);
            afterReinit = ExAcquireRundownProtection(&ref);
            ExReleaseRundownProtection(&ref);
            ExReleaseRundownProtection(&ref); /* one too many */
        },
        1.0);
    run.Dispatch([&] { duringWait = ExAcquireRundownProtection(&ref); }, 1.2);
    run.Dispatch([&] { ExReleaseRundownProtection(&ref); }, 1.5);
    run.Dispatch([&] { ExReleaseRundownProtection(&ref); }, 2.5);
    run.Run();
    EXPECT_TRUE(first);
    EXPECT_TRUE(second);
    EXPECT_FALSE(duringWait);
    EXPECT_GE(waitDone, 2500 * kMs);
    EXPECT_LE(waitDone, 2500 * kMs + 1 * kMs);
    EXPECT_FALSE(afterWait);
    EXPECT_TRUE(afterReinit);
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("no protection is held")) << Dump(run.host.errors);
}

// A blocking wait at DISPATCH_LEVEL (raised IRQL on a thread, or on the simulator's stack) is diagnosed and returns
// STATUS_TIMEOUT at once; so is a delay.
TEST(KernelSync, WaitAtDispatchLevelIsDiagnosedAndReturnsStatusTimeout)
{
    KernelRun run;
    KEVENT ev;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    NTSTATUS raised = -1, onDispatch = -1, delayed = -1;
    uint64_t before = 0, after = 1;
    run.Thread(
        [&] {
            KIRQL old;
            KeRaiseIrql(DISPATCH_LEVEL, &old);
            before = KhNowNs();
            LARGE_INTEGER t = RelativeSeconds(1.0);
            raised = Wait(&ev, &t);
            after = KhNowNs();
            KeLowerIrql(old);
        },
        0.5);
    run.Dispatch(
        [&] {
            onDispatch = Wait(&ev);
            LARGE_INTEGER d = RelativeSeconds(1.0);
            delayed = KeDelayExecutionThread(KernelMode, FALSE, &d);
        },
        2.0);
    run.Run();
    EXPECT_EQ(raised, STATUS_TIMEOUT);
    EXPECT_EQ(before, 500 * kMs);
    EXPECT_EQ(after, before);
    EXPECT_EQ(onDispatch, STATUS_TIMEOUT);
    EXPECT_EQ(delayed, STATUS_SUCCESS);
    ASSERT_EQ(run.host.errors.size(), 3u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("blocking wait at IRQL 2")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("KeWaitForSingleObject: blocking wait outside a thread")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("KeDelayExecutionThread")) << Dump(run.host.errors);
}

// Spin locks raise to DISPATCH_LEVEL and restore the caller's IRQL; the in-stack queued and at-DPC-level variants
// keep the IRQL bookkeeping too.
TEST(KernelSync, SpinLocksRaiseToDispatchAndRestoreTheIrql)
{
    KernelRun run;
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    std::vector<KIRQL> irql;
    KIRQL oldAtPassive = 0xFF, oldAtApc = 0xFF, oldAtDispatch = 0xFF;
    BOOLEAN testFree = FALSE, testHeld = TRUE, tryHeld = TRUE, tryFree = FALSE;
    run.Thread([&] {
        KeAcquireSpinLock(&lock, &oldAtPassive);
        irql.push_back(KeGetCurrentIrql());
        testHeld = KeTestSpinLock(&lock);
        tryHeld = KeTryToAcquireSpinLockAtDpcLevel(&lock);
        KeReleaseSpinLock(&lock, oldAtPassive);
        irql.push_back(KeGetCurrentIrql());
        testFree = KeTestSpinLock(&lock);

        KIRQL apcOld;
        KeRaiseIrql(APC_LEVEL, &apcOld);
        KeAcquireSpinLock(&lock, &oldAtApc);
        irql.push_back(KeGetCurrentIrql());
        KeReleaseSpinLock(&lock, oldAtApc);
        irql.push_back(KeGetCurrentIrql());
        KeLowerIrql(apcOld);

        KLOCK_QUEUE_HANDLE h;
        KeAcquireInStackQueuedSpinLock(&lock, &h);
        irql.push_back(KeGetCurrentIrql());
        KeReleaseInStackQueuedSpinLock(&h);
        irql.push_back(KeGetCurrentIrql());

        KIRQL r = KeAcquireSpinLockRaiseToDpc(&lock);
        irql.push_back(KeGetCurrentIrql());
        KeReleaseSpinLock(&lock, r);
        irql.push_back(KeGetCurrentIrql());
    });
    run.Dispatch(
        [&] {
            KeAcquireSpinLock(&lock, &oldAtDispatch);
            irql.push_back(KeGetCurrentIrql());
            KeReleaseSpinLock(&lock, oldAtDispatch);
            irql.push_back(KeGetCurrentIrql());
            KeAcquireSpinLockAtDpcLevel(&lock);
            KeReleaseSpinLockFromDpcLevel(&lock);
            tryFree = KeTryToAcquireSpinLockAtDpcLevel(&lock);
            KeReleaseSpinLockFromDpcLevel(&lock);
            KLOCK_QUEUE_HANDLE h;
            KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &h);
            KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
            irql.push_back(KeGetCurrentIrql());
        },
        1.0);
    run.Run();
    const std::vector<KIRQL> expected = {DISPATCH_LEVEL, PASSIVE_LEVEL, DISPATCH_LEVEL, APC_LEVEL, DISPATCH_LEVEL,
                                         PASSIVE_LEVEL,  DISPATCH_LEVEL, PASSIVE_LEVEL, DISPATCH_LEVEL, DISPATCH_LEVEL,
                                         DISPATCH_LEVEL};
    EXPECT_EQ(irql, expected);
    EXPECT_EQ(oldAtPassive, PASSIVE_LEVEL);
    EXPECT_EQ(oldAtApc, APC_LEVEL);
    EXPECT_EQ(oldAtDispatch, DISPATCH_LEVEL);
    EXPECT_FALSE(testHeld);
    EXPECT_TRUE(testFree);
    EXPECT_FALSE(tryHeld);
    EXPECT_TRUE(tryFree);
    EXPECT_EQ(lock, 0u);
    EXPECT_TRUE(run.host.errors.empty()) << Dump(run.host.errors);
}

// Acquiring a spin lock that is already held (a deadlock on Windows), releasing one that is not held, and taking
// one "at DPC level" from PASSIVE_LEVEL are diagnosed.
TEST(KernelSync, SpinLockMisuseIsDiagnosed)
{
    KernelRun run;
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    size_t afterDouble = 99, afterNotHeld = 99;
    run.Dispatch([&] {
        KeAcquireSpinLockAtDpcLevel(&lock);
        KeAcquireSpinLockAtDpcLevel(&lock); /* already held */
        afterDouble = run.host.errors.size();
        KeReleaseSpinLockFromDpcLevel(&lock);
        KeReleaseSpinLockFromDpcLevel(&lock); /* not held any more */
        afterNotHeld = run.host.errors.size();
    });
    run.Thread(
        [&] {
            KeAcquireSpinLockAtDpcLevel(&lock); /* at PASSIVE_LEVEL */
            KeReleaseSpinLockFromDpcLevel(&lock);
        },
        1.0);
    run.Run();
    EXPECT_EQ(afterDouble, 1u);
    EXPECT_EQ(afterNotHeld, 2u);
    ASSERT_EQ(run.host.errors.size(), 3u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("SPIN_LOCK_ALREADY_OWNED")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("SPIN_LOCK_NOT_OWNED")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("KeAcquireSpinLockAtDpcLevel: called at IRQL 0")) << Dump(run.host.errors);
}

// KeRaiseIrql/KeLowerIrql return and set the IRQL; raising to a lower or lowering to a higher IRQL is diagnosed.
// Each thread has its own IRQL across switches.
TEST(KernelSync, RaiseAndLowerIrql)
{
    KernelRun run;
    std::vector<KIRQL> seen;
    KIRQL old1 = 0xFF, old2 = 0xFF, old3 = 0xFF, toDpc = 0xFF, otherThread = 0xFF, afterSwitch = 0xFF;
    size_t errorsBeforeMisuse = 99;
    run.Thread([&] {
        seen.push_back(KeGetCurrentIrql());
        KeRaiseIrql(APC_LEVEL, &old1);
        seen.push_back(KeGetCurrentIrql());
        Sleep(1.0); /* another thread runs meanwhile at PASSIVE_LEVEL */
        afterSwitch = KeGetCurrentIrql();
        KeRaiseIrql(DISPATCH_LEVEL, &old2);
        seen.push_back(KeGetCurrentIrql());
        KeLowerIrql(old2);
        seen.push_back(KeGetCurrentIrql());
        KeLowerIrql(old1);
        seen.push_back(KeGetCurrentIrql());
        toDpc = KeRaiseIrqlToDpcLevel();
        seen.push_back(KeGetCurrentIrql());
        KeLowerIrql(toDpc);
        errorsBeforeMisuse = run.host.errors.size();

        KeRaiseIrql(DISPATCH_LEVEL, &old3);
        KIRQL bogus;
        KeRaiseIrql(APC_LEVEL, &bogus); /* lower than current */
        KeLowerIrql(PASSIVE_LEVEL);
        KeLowerIrql(DISPATCH_LEVEL); /* higher than current */
        KeLowerIrql(PASSIVE_LEVEL);
    });
    run.Thread([&] { otherThread = KeGetCurrentIrql(); }, 0.5);
    run.Run();
    const std::vector<KIRQL> expected = {PASSIVE_LEVEL, APC_LEVEL, DISPATCH_LEVEL, APC_LEVEL, PASSIVE_LEVEL,
                                         DISPATCH_LEVEL};
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(old1, PASSIVE_LEVEL);
    EXPECT_EQ(old2, APC_LEVEL);
    EXPECT_EQ(toDpc, PASSIVE_LEVEL);
    EXPECT_EQ(old3, PASSIVE_LEVEL);
    EXPECT_EQ(afterSwitch, APC_LEVEL);
    EXPECT_EQ(otherThread, PASSIVE_LEVEL);
    EXPECT_EQ(errorsBeforeMisuse, 0u);
    ASSERT_EQ(run.host.errors.size(), 2u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("IRQL_NOT_GREATER_OR_EQUAL")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("KeLowerIrql")) << Dump(run.host.errors);
}

// PAGED_CODE() checks IRQL <= APC_LEVEL: silent at PASSIVE and APC, diagnosed at DISPATCH with file and line.
TEST(KernelSync, PagedCodeAtDispatchLevelIsDiagnosed)
{
    KernelRun run;
    int line = 0;
    run.Thread([&] {
        PAGED_CODE();
        KIRQL old;
        KeRaiseIrql(APC_LEVEL, &old);
        PAGED_CODE();
        KeLowerIrql(old);
    });
    run.Dispatch(
        [&] {
            line = __LINE__ + 1;
            PAGED_CODE();
        },
        1.0);
    run.Run();
    ASSERT_EQ(run.host.errors.size(), 1u) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("PAGED_CODE")) << Dump(run.host.errors);
    EXPECT_TRUE(run.host.ErrorContains("test_kernel_sync.cc:" + std::to_string(line) + " runs at IRQL 2"))
        << Dump(run.host.errors);
}

// The 64-bit bit operations beside the 32-bit ones: bit 63 of the first LONG64 and bit 1 of the second.
TEST(KernelSync, BitTest64FamilyAddressesBitsAcrossLong64Words)
{
    LONG64 bits[2] = {0, 0};
    EXPECT_FALSE(InterlockedBitTestAndSet64(bits, 63));
    EXPECT_TRUE(InterlockedBitTestAndSet64(bits, 63));
    EXPECT_EQ((ULONG64)bits[0], 0x8000000000000000ull);
    EXPECT_FALSE(InterlockedBitTestAndSet64(bits, 65));
    EXPECT_EQ(bits[1], 2);
    EXPECT_TRUE(BitTest64(bits, 65));
    EXPECT_FALSE(BitTest64(bits, 64));
    EXPECT_TRUE(InterlockedBitTestAndReset64(bits, 63));
    EXPECT_FALSE(InterlockedBitTestAndReset64(bits, 63));
    EXPECT_EQ(bits[0], 0);
    LONG bits32[2] = {0, 0};
    EXPECT_FALSE(InterlockedBitTestAndSet(bits32, 33));
    EXPECT_EQ(bits32[1], 2);
}
