/*
 * wsk-provider-object.h - the WSK provider of one node, as an ns3::Object aggregated to the Node: the
 * settings that shape how the provider answers its drivers, as TypeId Attributes.
 *
 * It owns the node's provider state (wsk-node-state.h: bound sockets, open and recently closed sockets per
 * driver instance, clients, name look-ups), freed by DoDispose with the node.
 *
 * CompletionMode decides how a request whose result is known when the driver calls finishes:
 *   windows (default): returns STATUS_PENDING and completes the IRP from a simulator event at the same
 *            simulated time, at DISPATCH_LEVEL, as Windows' transport does ("Using IRPs with Winsock Kernel
 *            Functions"); validation failures Windows detects in the call itself complete inline;
 *   inline:  completes inside the call and returns the final status (fewer events: faster);
 *   random:  each IRP pends or completes inline by a coin flip drawn from the run's seed and the node id,
 *            so that both paths of a driver run, and a run repeats exactly with the same seed.
 */
#ifndef WSKNS3_WSK_PROVIDER_OBJECT_H
#define WSKNS3_WSK_PROVIDER_OBJECT_H

#include "ns3/object.h"

#include <cstdint>
#include <memory>
#include <string>

struct KRT_INSTANCE;

namespace ns3 {

class Node;
namespace wsk {
struct NodeState;
}

class WskProvider : public Object
{
  public:
    enum CompletionMode {
        COMPLETION_WINDOWS,
        COMPLETION_INLINE,
        COMPLETION_RANDOM,
    };

    static TypeId GetTypeId();
    WskProvider();
    ~WskProvider() override;

    /* The node's provider state (wsk-node-state.h). */
    wsk::NodeState& State() { return *m_state; }
    /* A driver instance on this node goes away: what the provider still holds for it is freed. */
    void ReleaseInstance(KRT_INSTANCE* inst);
    /* An instance unloaded: what it still holds of the provider's that it had to give back is reported as
     * driver errors (ADDRINFOEXW lists not freed). Returns how many. */
    size_t ReportLeaks(KRT_INSTANCE* inst);

    CompletionMode GetCompletionMode() const { return m_mode; }
    /* True if a request whose result is known now should pend and complete later. `validationFailure`:
     * a failure Windows reports from the call itself (complete inline in windows mode). */
    bool ShouldPend(bool validationFailure);
    uint64_t PendedCount() const { return m_pended; }
    uint64_t InlineCount() const { return m_inline; }

    /* The provider of `node`, aggregated on first use with the Attribute defaults. */
    static Ptr<WskProvider> Install(Ptr<Node> node);
    /* The provider of a driver instance's node (cached in the instance). */
    static WskProvider* Of(KRT_INSTANCE* inst);

    /* "windows", "inline", "random" <-> the enum; false for an unknown name. */
    static bool ParseCompletionMode(const std::string& name, CompletionMode& out);
    static const char* CompletionModeName(CompletionMode mode);

  protected:
    void NotifyNewAggregate() override;
    void DoDispose() override;

  private:
    uint64_t NextRandom();

    CompletionMode m_mode;
    uint64_t m_seed;      //!< 0: derived from the run's RngSeedManager seed and run number
    uint64_t m_rng;       //!< splitmix64 state, seeded at the first draw
    bool m_rngSeeded;
    uint64_t m_pended;
    uint64_t m_inline;
    uint32_t m_nodeId;
    std::unique_ptr<wsk::NodeState> m_state;
};

} // namespace ns3

#endif /* WSKNS3_WSK_PROVIDER_OBJECT_H */
