/*
 * wsk-node-state.h - what the WSK provider keeps for one node (owned by that node's WskProvider object):
 * the node's bound sockets (address sharing at bind), each driver instance's open sockets and socket
 * serials, recently closed sockets (so a call on one is diagnosed), WSK clients, and name look-ups.
 * Nothing of this is shared between nodes or between simulations.
 */
#ifndef WSKNS3_WSK_NODE_STATE_H
#define WSKNS3_WSK_NODE_STATE_H

#include <cstdint>
#include <list>
#include <memory>
#include <set>
#include <unordered_map>

struct KRT_INSTANCE;

namespace ns3 {
namespace wsk {

struct WskSocketObj;
struct WskClientObj;
struct NameState; /* wsk-names.cc */
struct NameStateDeleter
{
    void operator()(NameState* n) const;
};

/* One driver instance's sockets: the head of its open-socket list (WskSocketObj::liveNext) and its numbering. */
struct InstanceSockets
{
    WskSocketObj* firstLive = nullptr;
    uint64_t serials = 0;
};

struct NodeState
{
    std::list<WskSocketObj*> bound;
    std::unordered_map<KRT_INSTANCE*, InstanceSockets> instances;
    std::list<WskSocketObj*> quarantine; /* closed sockets, still readable; at most kQuarantine (a list:
                                          * nothing is allocated for a node that closes no socket) */
    std::set<WskClientObj*> clients;
    std::unique_ptr<NameState, NameStateDeleter> names; /* created by the first look-up */

    static constexpr size_t kQuarantine = 256;

    NodeState() = default;
    NodeState(const NodeState&) = delete;
    NodeState& operator=(const NodeState&) = delete;
    /* Frees what is left: sockets of instances never released, closed sockets, clients, look-ups. */
    ~NodeState();
    /* A driver instance goes away: its sockets, closed sockets and clients are freed. */
    void ReleaseInstance(KRT_INSTANCE* inst);
};

/* Reports (as driver errors) what an unloading instance still holds that it had to free: ADDRINFOEXW
 * lists never given back to WskFreeAddressInfo. Returns how many. */
size_t ReportNameLeaks(NodeState& node, KRT_INSTANCE* inst);

/* The provider state of the node a driver instance runs on (its WskProvider is installed on first use). */
NodeState& StateOf(KRT_INSTANCE* inst);

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_WSK_NODE_STATE_H */
