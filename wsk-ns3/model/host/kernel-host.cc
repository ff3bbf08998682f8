/*
 * kernel-host.cc - the simulator side of krt_host.h: simulated time, events with a node's context,
 * coroutine scheduling for simulated kernel threads, logging and bug checks.
 */
#include "simulation-context.h"
#include "coroutine.h"
#include "instance-host.h"
#include "../latency/latency-recorder.h"

#include "ns3/simulator.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iostream>

extern "C" {
#include "krt_host_api.h"
}

namespace ns3 {
namespace wsk {

static bool g_echo = std::getenv("WSK_NS3_ECHO") != nullptr;

void
SetEchoDriverOutput(bool echo)
{
    g_echo = echo;
}

bool
EchoDriverOutput()
{
    return g_echo;
}

std::string
LogPrefix(const KRT_INSTANCE* inst)
{
    char buf[160];
    uint64_t ns = Simulator::Now().GetNanoSeconds();
    if (inst != nullptr) {
        std::snprintf(buf, sizeof buf, "[%4" PRIu64 ".%09" PRIu64 " s] node %u %s: ", ns / 1000000000u,
                      ns % 1000000000u, KrtInstanceNodeId(inst), KrtInstanceDriverName(inst));
    } else {
        std::snprintf(buf, sizeof buf, "[%4" PRIu64 ".%09" PRIu64 " s] kernel: ", ns / 1000000000u, ns % 1000000000u);
    }
    return buf;
}

static uint32_t
ContextOf(const KRT_INSTANCE* inst)
{
    return inst ? KrtInstanceNodeId(inst) : Simulator::NO_CONTEXT;
}

/* ScheduleWithContext returns no EventId, so cancellation marks the pending record instead. */
struct KhPending
{
    KH_EVENT* ev;
    KRT_INSTANCE* inst;
    KH_EVENT_FN fn;
    void* arg;
    bool cancelled;
    KhPending* prev;
    KhPending* next;
};

/* Records still in the simulator's queue, per simulation: those a destroyed simulation never ran are freed
 * with its context. */
struct PendingEvents
{
    KhPending* head = nullptr;
    ~PendingEvents()
    {
        while (head != nullptr) {
            KhPending* p = head;
            head = p->next;
            delete p; /* their owners went with the simulation: their KH_EVENTs are not touched */
        }
    }
};

/* KhDefer: the work due at the current time, queued on the instance's host object and drained by one
 * event or by a thread's wait, whichever comes first. */
static size_t
RunDeferredOf(KRT_INSTANCE* inst)
{
    auto* host = static_cast<InstanceHost*>(KrtInstanceHost(inst));
    if (host == nullptr) {
        return 0;
    }
    size_t n = 0;
    while (host->deferredHead < host->deferred.size()) {
        InstanceHost::Deferred item = host->deferred[host->deferredHead++];
        item.fn(item.arg); /* may defer more work: the loop takes it too */
        n++;
    }
    host->deferred.clear();
    host->deferredHead = 0;
    return n;
}

static void
DrainEvent(KRT_INSTANCE* inst)
{
    RunDeferredOf(inst);
}

static KhPending*&
PendingHead()
{
    return SimulationContext::Get<PendingEvents>().head;
}

static void
Unlink(KhPending* p)
{
    if (p->prev) {
        p->prev->next = p->next;
    } else {
        PendingHead() = p->next;
    }
    if (p->next) {
        p->next->prev = p->prev;
    }
}

static void
FireEvent(KhPending* p)
{
    Unlink(p);
    if (!p->cancelled) {
        KRT_CONTEXT saved;
        /* enter first: the KH_EVENT usually lives in the driver's globals, which hold this instance's
         * values only while it is entered */
        KrtEnter(p->inst, nullptr, DISPATCH_LEVEL, &saved);
        p->ev->impl = nullptr;
        p->fn(p->arg);
        KrtLeave(&saved);
    }
    delete p;
}

/* Names the driver, node and thread that faulted (runs in the SIGSEGV handler: snprintf only). */
static int
DescribeFault(char* buf, size_t size, const void* address)
{
    const KRT_INSTANCE* inst = KrtCurrentInstance();
    if (inst == nullptr) {
        return 0; /* not in driver code: let the default action report it */
    }
    return std::snprintf(buf, size,
                         "wsk-ns3: access violation at address %p in driver %s on node %u (%s, IRQL %u) at simulated "
                         "t=%.9f s: the simulated machine stops here, as Windows would bug-check\n",
                         address, KrtInstanceDriverName(inst), KrtInstanceNodeId(inst),
                         KrtCurrentThread() ? KrtThreadName(KrtCurrentThread()) : "dispatch context", KeGetCurrentIrql(),
                         Simulator::Now().GetSeconds());
}

static void
ResumeThread(KTHREAD* t)
{
    KCO* co = static_cast<KCO*>(KrtThreadCoroutine(t));
    KRT_CONTEXT saved;
    KrtEnter(KrtThreadInstance(t), t, KrtThreadIrql(t), &saved);
    KcoResume(co);
    KrtLeave(&saved);
    if (KcoFinished(co)) {
        KcoDestroy(co);
        KrtThreadSetCoroutine(t, nullptr);
        KrtThreadExited(t);
    }
}

} // namespace wsk
} // namespace ns3

using namespace ns3;
using namespace ns3::wsk;

extern "C" uint64_t
KhNowNs(void)
{
    return (uint64_t)Simulator::Now().GetNanoSeconds();
}

extern "C" void
KhEventCancel(KH_EVENT* ev)
{
    if (ev->impl != nullptr) {
        static_cast<KhPending*>(ev->impl)->cancelled = true;
        ev->impl = nullptr;
    }
}

extern "C" void
KhEventSchedule(KH_EVENT* ev, KRT_INSTANCE* inst, uint64_t delayNs, KH_EVENT_FN fn, void* arg)
{
    KhEventCancel(ev);
    KhPending*& head = PendingHead();
    auto* p = new KhPending{ev, inst, fn, arg, false, nullptr, head};
    if (head) {
        head->prev = p;
    }
    head = p;
    ev->impl = p;
    Simulator::ScheduleWithContext(ContextOf(inst), NanoSeconds(delayNs), &FireEvent, p);
}

extern "C" void
KhDefer(KRT_INSTANCE* inst, KH_EVENT_FN fn, KH_EVENT_FN drop, void* arg)
{
    auto* host = static_cast<InstanceHost*>(KrtInstanceHost(inst));
    if (host == nullptr) {
        (void)drop;
        Simulator::ScheduleWithContext(ContextOf(inst), Seconds(0), fn, arg);
        return;
    }
    if (host->deferredHead == host->deferred.size()) {
        Simulator::ScheduleWithContext(ContextOf(inst), Seconds(0), &DrainEvent, inst);
    }
    host->deferred.push_back({fn, drop, arg});
}

extern "C" size_t
KhRunDeferred(KRT_INSTANCE* inst)
{
    return inst ? RunDeferredOf(inst) : 0;
}

extern "C" int
KhThreadCreate(KTHREAD* thread, size_t stackBytes)
{
    if (stackBytes == 0) {
        KRT_INSTANCE* owner = KrtThreadInstance(thread);
        auto* host = owner ? static_cast<InstanceHost*>(KrtInstanceHost(owner)) : nullptr;
        stackBytes = host ? host->ThreadStackBytes() : 256 * 1024;
    }
    std::string desc = KrtThreadName(thread);
    if (KrtThreadInstance(thread)) {
        desc += " of driver ";
        desc += KrtInstanceDriverName(KrtThreadInstance(thread));
        desc += " on node " + std::to_string(KrtInstanceNodeId(KrtThreadInstance(thread)));
    }
    static bool describer = (KcoSetFaultDescriber(&DescribeFault), true);
    (void)describer;
    KCO* co = KcoCreate(stackBytes, (KCO_ENTRY)&KrtThreadMain, thread, desc.c_str());
    KrtThreadSetCoroutine(thread, co);
    return co ? 0 : -1;
}

extern "C" void
KhThreadReady(KTHREAD* thread)
{
    /* host latency model (doc/latency.md): a readied thread runs after the thread wake-up delay; off: at once */
    Time delay = LatencyModel::Enabled(LatencySource::ThreadWakeup) ? LatencyModel::Sample(LatencySource::ThreadWakeup)
                                                                     : Time(0);
    Simulator::ScheduleWithContext(ContextOf(KrtThreadInstance(thread)), delay, &ResumeThread, thread);
}

extern "C" void
KhThreadRunNow(KTHREAD* thread)
{
    ResumeThread(thread);
}

extern "C" void
KhThreadSuspend(void)
{
    KcoYield();
}

extern "C" void
KhThreadExit(void)
{
    KcoExit();
}

extern "C" void
KhThreadRelease(KTHREAD* thread)
{
    if (KrtThreadCoroutine(thread)) {
        KcoDestroy(static_cast<KCO*>(KrtThreadCoroutine(thread)));
        KrtThreadSetCoroutine(thread, nullptr);
    }
}

extern "C" void
KhLog(KRT_INSTANCE* inst, int severity, const char* text)
{
    auto* host = inst ? static_cast<InstanceHost*>(KrtInstanceHost(inst)) : nullptr;
    if (host != nullptr) {
        host->OnLog(severity, text);
        return;
    }
    std::cerr << LogPrefix(inst) << text << std::endl;
}

extern "C" void
KhFinding(KRT_INSTANCE* inst, const char* call, int32_t status, const char* text)
{
    auto* host = inst ? static_cast<InstanceHost*>(KrtInstanceHost(inst)) : nullptr;
    if (host != nullptr) {
        host->OnFinding(call, status, text);
        return;
    }
    std::cerr << LogPrefix(inst) << text << std::endl;
}

extern "C" void
KhBugCheck(KRT_INSTANCE* inst, ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4)
{
    auto* host = inst ? static_cast<InstanceHost*>(KrtInstanceHost(inst)) : nullptr;
    char buf[200];
    std::snprintf(buf, sizeof buf, "*** BUGCHECK 0x%08X (0x%lX, 0x%lX, 0x%lX, 0x%lX): the simulated kernel stopped",
                  code, (unsigned long)p1, (unsigned long)p2, (unsigned long)p3, (unsigned long)p4);
    std::cerr << LogPrefix(inst) << buf << (host ? " [" + host->Describe() + "]" : std::string()) << std::endl;
    std::fflush(nullptr);
    std::_Exit(3);
}
