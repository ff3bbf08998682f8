#include "kernel-fixture.h"

namespace wsktest {

void
TestHost::OnLog(int severity, const std::string& line)
{
    lines.push_back(line);
    if (severity == 2)
        errors.push_back(line);
    if (severity == 1)
        warnings.push_back(line);
}

bool
TestHost::Logged(const std::string& needle) const
{
    for (auto& l : lines)
        if (l.find(needle) != std::string::npos)
            return true;
    return false;
}

bool
TestHost::ErrorContains(const std::string& needle) const
{
    for (auto& l : errors)
        if (l.find(needle) != std::string::npos)
            return true;
    return false;
}

KernelRun::KernelRun(uint32_t nodeId)
{
    inst = KrtInstanceCreate(nodeId, "testdrv", static_cast<ns3::wsk::InstanceHost*>(&host));
}

KernelRun::~KernelRun()
{
    ns3::Simulator::Destroy();
    KrtInstanceDestroy(inst);
    for (auto* b : m_bodies)
        delete b;
}

static VOID
RunBody(PVOID p)
{
    (*static_cast<std::function<void()>*>(p))();
}

void
KernelRun::Thread(std::function<void()> body, double atSeconds)
{
    auto* b = new std::function<void()>(std::move(body));
    m_bodies.push_back(b);
    KRT_INSTANCE* i = inst;
    ns3::Simulator::ScheduleWithContext(inst->NodeId, ns3::Seconds(atSeconds), [i, b]() {
        KRT_CONTEXT saved;
        KrtEnter(i, nullptr, PASSIVE_LEVEL, &saved);
        KrtCreateThread(i, &RunBody, b, "test thread", nullptr);
        KrtLeave(&saved);
    });
}

void
KernelRun::Dispatch(std::function<void()> body, double atSeconds)
{
    auto* b = new std::function<void()>(std::move(body));
    m_bodies.push_back(b);
    KRT_INSTANCE* i = inst;
    ns3::Simulator::ScheduleWithContext(inst->NodeId, ns3::Seconds(atSeconds), [i, b]() {
        KRT_CONTEXT saved;
        KrtEnter(i, nullptr, DISPATCH_LEVEL, &saved);
        (*b)();
        KrtLeave(&saved);
    });
}

void
KernelRun::Run(double stopSeconds)
{
    if (stopSeconds >= 0)
        ns3::Simulator::Stop(ns3::Seconds(stopSeconds));
    ns3::Simulator::Run();
}

} // namespace wsktest
