/* wsk-provider-object.cc - the per-node WSK provider object and its completion policy. */
#include "wsk-provider-object.h"

#include "ns3/abort.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/uinteger.h"

#include "wsk-node-state.h"
#include "wsk-provider.h"

namespace ns3 {

NS_LOG_COMPONENT_DEFINE("WskProvider");
NS_OBJECT_ENSURE_REGISTERED(WskProvider);

TypeId
WskProvider::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::WskProvider")
            .SetParent<Object>()
            .SetGroupName("WskNs3")
            .AddConstructor<WskProvider>()
            .AddAttribute("CompletionMode",
                          "How a request whose result is known at once finishes: windows (STATUS_PENDING, "
                          "completion from a simulator event, as Windows), inline (completed inside the "
                          "call), random (each IRP by a seeded coin flip)",
                          EnumValue(COMPLETION_WINDOWS),
                          MakeEnumAccessor(&WskProvider::m_mode),
                          MakeEnumChecker(COMPLETION_WINDOWS, "windows", COMPLETION_INLINE, "inline",
                                          COMPLETION_RANDOM, "random"))
            .AddAttribute("CompletionSeed",
                          "Seed of the random completion mode's coin; 0 takes the run's seed and run number "
                          "(RngSeedManager)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&WskProvider::m_seed),
                          MakeUintegerChecker<uint64_t>());
    return tid;
}

WskProvider::WskProvider()
    : m_mode(COMPLETION_WINDOWS),
      m_seed(0),
      m_rng(0),
      m_rngSeeded(false),
      m_pended(0),
      m_inline(0),
      m_nodeId(0),
      m_state(std::make_unique<wsk::NodeState>())
{
}

WskProvider::~WskProvider() = default;

void
WskProvider::DoDispose()
{
    m_state = std::make_unique<wsk::NodeState>(); /* frees what the node's drivers left */
    Object::DoDispose();
}

size_t
WskProvider::ReportLeaks(KRT_INSTANCE* inst)
{
    return wsk::ReportNameLeaks(*m_state, inst);
}

void
WskProvider::ReleaseInstance(KRT_INSTANCE* inst)
{
    m_state->ReleaseInstance(inst);
    if (KrtInstanceProvider(inst) == this) {
        KrtInstanceSetProvider(inst, nullptr);
    }
}

void
WskProvider::NotifyNewAggregate()
{
    Ptr<Node> node = GetObject<Node>();
    if (node) {
        m_nodeId = node->GetId();
    }
    Object::NotifyNewAggregate();
}

uint64_t
WskProvider::NextRandom()
{
    if (!m_rngSeeded) {
        uint64_t seed = m_seed != 0 ? m_seed
                                    : ((uint64_t)RngSeedManager::GetSeed() << 32) ^ RngSeedManager::GetRun();
        m_rng = seed ^ (0x9E3779B97F4A7C15ull * (m_nodeId + 1));
        m_rngSeeded = true;
    }
    /* splitmix64 */
    uint64_t z = (m_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

bool
WskProvider::ShouldPend(bool validationFailure)
{
    bool pend;
    switch (m_mode) {
    case COMPLETION_INLINE:
        pend = false;
        break;
    case COMPLETION_RANDOM:
        pend = (NextRandom() >> 63) != 0;
        break;
    case COMPLETION_WINDOWS:
    default:
        pend = !validationFailure;
        break;
    }
    (pend ? m_pended : m_inline)++;
    return pend;
}

Ptr<WskProvider>
WskProvider::Install(Ptr<Node> node)
{
    Ptr<WskProvider> p = node->GetObject<WskProvider>();
    if (!p) {
        p = CreateObject<WskProvider>();
        node->AggregateObject(p);
        NS_LOG_INFO("node " << node->GetId() << ": WSK provider installed, completion "
                            << CompletionModeName(p->m_mode));
    }
    return p;
}

WskProvider*
WskProvider::Of(KRT_INSTANCE* inst)
{
    if (inst == nullptr) {
        return nullptr;
    }
    if (KrtInstanceProvider(inst) == nullptr) {
        Ptr<Node> node = wsk::NodeOf(inst);
        if (!node) {
            return nullptr;
        }
        KrtInstanceSetProvider(inst, PeekPointer(Install(node))); /* the node's aggregate keeps it alive */
    }
    return static_cast<WskProvider*>(KrtInstanceProvider(inst));
}

namespace wsk {
NodeState&
StateOf(KRT_INSTANCE* inst)
{
    WskProvider* p = WskProvider::Of(inst);
    NS_ABORT_MSG_IF(p == nullptr, "WSK provider used by a driver instance that is on no node");
    return p->State();
}
} // namespace wsk

bool
WskProvider::ParseCompletionMode(const std::string& name, CompletionMode& out)
{
    if (name == "windows") {
        out = COMPLETION_WINDOWS;
    } else if (name == "inline") {
        out = COMPLETION_INLINE;
    } else if (name == "random") {
        out = COMPLETION_RANDOM;
    } else {
        return false;
    }
    return true;
}

const char*
WskProvider::CompletionModeName(CompletionMode mode)
{
    switch (mode) {
    case COMPLETION_INLINE:
        return "inline";
    case COMPLETION_RANDOM:
        return "random";
    case COMPLETION_WINDOWS:
    default:
        return "windows";
    }
}

} // namespace ns3
