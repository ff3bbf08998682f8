/* wsk-driver-app.cc - per-node driver host (see wsk-driver-app.h). */
#include "wsk-driver-app.h"

#include "driver-parameters.h"
#include "simulation-context.h"
#include "wsk-provider-object.h"

#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

extern "C" {
#include "krt_host_api.h"
}

namespace ns3 {

NS_LOG_COMPONENT_DEFINE("WskDriverApp");
NS_OBJECT_ENSURE_REGISTERED(WskDriverApp);

namespace {
struct AppRegistry
{
    std::vector<WskDriverApp*> apps;
};
} // namespace

static std::vector<WskDriverApp*>&
Registry()
{
    return wsk::SimulationContext::Get<AppRegistry>().apps; /* the driver applications of this simulation */
}

const std::vector<WskDriverApp*>&
WskDriverApp::All()
{
    return Registry();
}

TypeId
WskDriverApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::WskDriverApp")
            .SetParent<Application>()
            .SetGroupName("Wsk")
            .AddConstructor<WskDriverApp>()
            .AddAttribute("Driver",
                          "Path of the driver shared object (built with wsk_add_driver).",
                          StringValue(""),
                          MakeStringAccessor(&WskDriverApp::m_path),
                          MakeStringChecker())
            .AddAttribute("Name",
                          "Driver name (\\Driver\\<Name>); default: the file name without lib prefix and .so.",
                          StringValue(""),
                          MakeStringAccessor(&WskDriverApp::m_name),
                          MakeStringChecker())
            .AddAttribute("Parameters",
                          "Registry values under <RegistryPath>\\Parameters, as \"Name=Value;Name2=Value2\": "
                          "decimal or 0x-hex numbers that fit in 32 bits are REG_DWORD, other values REG_SZ.",
                          StringValue(""),
                          MakeStringAccessor(&WskDriverApp::m_parameters),
                          MakeStringChecker())
            .AddAttribute("StackSize",
                          "Bytes of stack for each simulated kernel thread of this driver.",
                          UintegerValue(256 * 1024),
                          MakeUintegerAccessor(&WskDriverApp::m_stackBytes),
                          MakeUintegerChecker<uint32_t>(16 * 1024))
            .AddAttribute("MaxLogLines",
                          "Driver log lines kept in memory (older ones are dropped; 0 keeps none).",
                          UintegerValue(100000),
                          MakeUintegerAccessor(&WskDriverApp::m_maxLogLines),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("Log",
                            "Every line the driver or the runtime logs, with its time and node prefix.",
                            MakeTraceSourceAccessor(&WskDriverApp::m_logTrace),
                            "ns3::WskDriverApp::LogCallback");
    return tid;
}

WskDriverApp::WskDriverApp()
    : m_stackBytes(256 * 1024),
      m_maxLogLines(100000),
      m_state(NOT_STARTED),
      m_entryStatus(0),
      m_hostErrors(0),
      m_image(nullptr),
      m_inst(nullptr)
{
    Registry().push_back(this);
}

WskDriverApp::~WskDriverApp()
{
    /* after Simulator::Destroy the simulation's context has ended: look, but start no new one */
    if (auto* apps = wsk::SimulationContext::Find<AppRegistry>()) {
        auto& r = apps->apps;
        r.erase(std::remove(r.begin(), r.end(), this), r.end());
    }
    DestroyInstance();
}

void
WskDriverApp::DestroyInstance()
{
    if (m_inst != nullptr) {
        m_errorsAtEnd = KrtInstanceErrorCount(m_inst);
        m_warningsAtEnd = KrtInstanceWarningCount(m_inst);
        KrtInstanceDestroy(m_inst);
        m_inst = nullptr;
    }
}

void
WskDriverApp::DoDispose()
{
    /* the node's WSK provider frees what this instance still holds (sockets, clients, look-ups) while the
     * node's stack still exists; the kernel instance itself goes with this object */
    Ptr<Node> node = GetNode();
    Ptr<WskProvider> provider = node ? node->GetObject<WskProvider>() : nullptr;
    if (provider && m_inst != nullptr) {
        provider->ReleaseInstance(m_inst);
    }
    /* the kernel instance goes now, inside Simulator::Destroy, while the simulation's queued kernel events
     * still exist (its threads' timed waits are cancelled against them); counts stay readable */
    DestroyInstance();
    Application::DoDispose();
}

const char*
WskDriverApp::StateName(State s)
{
    switch (s) {
    case NOT_STARTED:
        return "not started";
    case LOADING:
        return "loading (DriverEntry running)";
    case RUNNING:
        return "running";
    case LOAD_FAILED:
        return "load failed";
    case UNLOADING:
        return "unloading (DriverUnload running)";
    case UNLOADED:
        return "unloaded";
    case NOT_UNLOADABLE:
        return "left loaded (no DriverUnload)";
    }
    return "?";
}

std::string
WskDriverApp::GetDriverName() const
{
    if (!m_name.empty()) {
        return m_name;
    }
    std::string base = m_path.substr(m_path.find_last_of('/') + 1);
    if (base.rfind("lib", 0) == 0) {
        base = base.substr(3);
    }
    auto dot = base.find(".so");
    if (dot != std::string::npos) {
        base = base.substr(0, dot);
    }
    return base.empty() ? "driver" : base;
}

std::string
WskDriverApp::Describe() const
{
    uint32_t node = GetNode() ? GetNode()->GetId() : 0;
    return "node " + std::to_string(node) + ", driver " + GetDriverName() + " (" + m_path + ")";
}

uint32_t
WskDriverApp::GetErrorCount() const
{
    return m_hostErrors + (m_inst ? KrtInstanceErrorCount(m_inst) : m_errorsAtEnd);
}

uint32_t
WskDriverApp::GetWarningCount() const
{
    return m_inst ? KrtInstanceWarningCount(m_inst) : m_warningsAtEnd;
}

void
WskDriverApp::OnLog(int severity, const std::string& line)
{
    std::string prefix = wsk::LogPrefix(m_inst);
    if (m_inst == nullptr) {
        /* not loaded: name the node and driver all the same */
        prefix = prefix.substr(0, prefix.find("kernel: ")) + "node " +
                 std::to_string(GetNode() ? GetNode()->GetId() : 0) + " " + GetDriverName() + ": ";
    }
    std::string full = prefix + line;
    if (m_maxLogLines > 0) {
        if (m_log.size() >= m_maxLogLines) {
            m_log.erase(m_log.begin(), m_log.begin() + (m_log.size() / 2 + 1));
        }
        m_log.push_back(full);
    }
    m_logTrace(full);
    if (severity > 0 || wsk::EchoDriverOutput()) {
        (severity > 0 ? std::cerr : std::cout) << full << std::endl;
    }
}

void
WskDriverApp::OnFinding(const char* call, int32_t status, const std::string& line)
{
    const char* name = KrtStatusName(status);
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", (uint32_t)status);
    m_findings[std::string(call) + " " + (name ? name : hex)]++;
    OnLog(1, line);
}

uint32_t
WskDriverApp::GetFindingCount() const
{
    uint32_t n = 0;
    for (const auto& kv : m_findings) {
        n += kv.second;
    }
    return n;
}

void
WskDriverApp::Fail(const std::string& why)
{
    m_hostErrors++;
    m_loadError = why;
    m_state = LOAD_FAILED;
    OnLog(2, "driver error: " + why);
}

void
WskDriverApp::EntryThread(void* p)
{
    auto* self = static_cast<WskDriverApp*>(p);
    auto entry = reinterpret_cast<PDRIVER_INITIALIZE>(self->m_image->DriverEntry());
    NTSTATUS status = entry(KrtInstanceDriverObject(self->m_inst), KrtInstanceRegistryPath(self->m_inst));
    self->m_entryStatus = status;
    self->m_entryReturned = Simulator::Now();
    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        KrtReport(2, "DriverEntry", "returned at IRQL %u (must be PASSIVE_LEVEL)", KeGetCurrentIrql());
    }
    if (NT_SUCCESS(status)) {
        self->m_state = RUNNING;
        NS_LOG_INFO(self->Describe() << ": DriverEntry returned 0x" << std::hex << (uint32_t)status);
        return;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%08X", (uint32_t)status);
    self->Fail("DriverEntry of " + self->Describe() + " returned failure status " + buf +
               "; the driver is not loaded (DriverUnload will not be called)");
    self->ReportLeaks();
}

void
WskDriverApp::UnloadThread(void* p)
{
    auto* self = static_cast<WskDriverApp*>(p);
    KrtInstanceMarkUnloading(self->m_inst);
    PDRIVER_OBJECT driver = KrtInstanceDriverObject(self->m_inst);
    driver->DriverUnload(driver);
    self->m_state = UNLOADED;
    KrtInstanceMarkUnloaded(self->m_inst);
    self->ReportLeaks();
}

void
WskDriverApp::ReportLeaks()
{
    KrtInstanceReportLeaks(m_inst);
    Ptr<WskProvider> provider = GetNode() ? GetNode()->GetObject<WskProvider>() : nullptr;
    if (provider) {
        provider->ReportLeaks(m_inst);
    }
}

void
WskDriverApp::StartApplication()
{
    if (m_path.empty()) {
        Fail("no driver file given (set the Driver attribute) on node " + std::to_string(GetNode()->GetId()));
        return;
    }
    std::vector<wsk::DriverParameter> params;
    std::string error;
    if (!wsk::ParseDriverParameters(m_parameters, params, error)) {
        Fail("invalid Parameters attribute for " + Describe() + ": " + error + "; the driver is not loaded");
        return;
    }
    m_image = wsk::DriverImage::Load(m_path, error);
    if (m_image == nullptr) {
        Fail(error + " [node " + std::to_string(GetNode()->GetId()) + "]");
        return;
    }
    m_inst = KrtInstanceCreate(GetNode()->GetId(), GetDriverName().c_str(), static_cast<wsk::InstanceHost*>(this));
    if (m_inst == nullptr || !m_image->Attach(m_inst)) {
        Fail("out of memory creating the driver instance");
        return;
    }
    for (const auto& p : params) {
        NTSTATUS s = p.isDword ? KrtRegistrySetValue(m_inst, p.name.c_str(), REG_DWORD, &p.dword, sizeof p.dword)
                               : KrtRegistrySetString(m_inst, p.name.c_str(), p.text.c_str());
        if (!NT_SUCCESS(s)) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "0x%08X", static_cast<uint32_t>(s));
            Fail("cannot store parameter '" + p.name + "' for " + Describe() + " (status " + buf +
                 "); the driver is not loaded");
            return;
        }
    }
    KrtInstanceDriverObject(m_inst)->DriverInit = reinterpret_cast<PDRIVER_INITIALIZE>(m_image->DriverEntry());
    m_state = LOADING;
    NTSTATUS s = KrtCreateThreadRunNow(m_inst, &WskDriverApp::EntryThread, this, "DriverEntry");
    if (!NT_SUCCESS(s)) {
        Fail("cannot create the DriverEntry thread");
    }
}

void
WskDriverApp::StopApplication()
{
    if (m_state == LOADING) {
        OnLog(1, "warning: stop time reached while DriverEntry is still running; DriverUnload is not called");
        return;
    }
    if (m_state != RUNNING) {
        return;
    }
    if (KrtInstanceDriverObject(m_inst)->DriverUnload == nullptr) {
        m_state = NOT_UNLOADABLE;
        OnLog(0, "driver set no DriverUnload routine: it stays loaded");
        return;
    }
    m_state = UNLOADING;
    KrtCreateThreadRunNow(m_inst, &WskDriverApp::UnloadThread, this, "DriverUnload");
}

} // namespace ns3
