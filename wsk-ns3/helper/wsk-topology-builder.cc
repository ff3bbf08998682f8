/* wsk-topology-builder.cc - see wsk-topology-builder.h */
#include "wsk-topology-builder.h"

#include "ns3/icmpv6-l4-protocol.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-nix-vector-helper.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-address-helper.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/queue-size.h"
#include "ns3/string.h"
#include "ns3/topology-reader-helper.h"

#include <fstream>
#include <sstream>

namespace ns3 {
namespace wsk {

const std::vector<std::string>&
TopologyTypes()
{
    static const std::vector<std::string> t = {"two_nodes", "dumbbell", "star", "tree", "fat_tree", "grid", "file"};
    return t;
}

std::vector<std::string>
TopologyRoles(const std::string& type)
{
    if (type == "two_nodes") {
        return {"all", "node0", "node1"};
    }
    if (type == "dumbbell") {
        return {"all", "left", "right", "left_router", "right_router", "routers"};
    }
    if (type == "star") {
        return {"all", "hub", "spokes"};
    }
    if (type == "tree") {
        return {"all", "root", "inner", "leaves"};
    }
    if (type == "fat_tree") {
        return {"all", "hosts", "edge", "aggregation", "core", "switches"};
    }
    return {"all"};
}

uint64_t
TopologyNodeCount(const TopologySpec& s)
{
    if (s.type == "two_nodes") {
        return 2;
    }
    if (s.type == "dumbbell") {
        return uint64_t(s.left) + s.right + 2;
    }
    if (s.type == "star") {
        return uint64_t(s.spokes) + 1;
    }
    if (s.type == "tree") {
        uint64_t n = 1, level = 1;
        for (uint32_t d = 0; d < s.depth; d++) {
            level *= s.fanout;
            n += level;
        }
        return n;
    }
    if (s.type == "fat_tree") {
        uint64_t k = s.k;
        return k * k * k / 4 + k * k + k * k / 4;
    }
    if (s.type == "grid") {
        return uint64_t(s.rows) * s.cols;
    }
    return 0;
}

std::string
AddressString(const Ipv4Address& a)
{
    std::ostringstream os;
    a.Print(os);
    return os.str();
}

namespace {

class Builder
{
  public:
    Builder(const TopologySpec& s, BuiltTopology* out)
        : m_spec(s),
          m_out(out)
    {
        if (s.type == "two_nodes") {
            m_addr.SetBase("10.1.1.0", "255.255.255.0");
        } else {
            m_addr.SetBase("10.0.0.0", "255.255.255.252");
        }
    }

    uint32_t Add(const std::string& role)
    {
        uint32_t i = m_out->nodes.GetN();
        m_out->nodes.Create(1);
        m_out->roles[role].push_back(i);
        m_out->roles["all"].push_back(i);
        return i;
    }

    void AlsoRole(const std::string& role, uint32_t i) { m_out->roles[role].push_back(i); }

    void Stack()
    {
        InternetStackHelper stack;
        /* every node has IPv6, as Windows does: its loopback (::1) works for TCP and UDP even when the
         * topology assigns only IPv4 addresses (`ipv6: true` adds global IPv6 addresses to the links) */
        stack.SetIpv6StackInstall(true);
        Ipv4NixVectorHelper nix;
        if (m_spec.routing == "nix") {
            stack.SetRoutingHelper(nix);
        }
        stack.Install(m_out->nodes);
        m_out->address.assign(m_out->nodes.GetN(), Ipv4Address());
        m_out->devicesOfNode.assign(m_out->nodes.GetN(), {});
    }

    void Link(uint32_t a, uint32_t b, const LinkSpec& l)
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(l.rate));
        p2p.SetChannelAttribute("Delay", StringValue(l.delay));
        if (!l.queue.empty()) {
            p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(l.queue)));
        }
        NetDeviceContainer d = p2p.Install(m_out->nodes.Get(a), m_out->nodes.Get(b));
        Ipv4InterfaceContainer ifs = m_addr.Assign(d);
        if (m_spec.type != "two_nodes") {
            m_addr.NewNetwork();
        } else if (m_spec.ipv6) {
            Ipv6AddressHelper v6;
            v6.SetBase(Ipv6Address("2001:db8::"), Ipv6Prefix(64));
            v6.Assign(d);
        }
        uint32_t base = m_out->devices.GetN();
        m_out->devices.Add(d);
        m_out->devicesOfNode[a].push_back(base);
        m_out->devicesOfNode[b].push_back(base + 1);
        if (m_out->address[a] == Ipv4Address()) {
            m_out->address[a] = ifs.GetAddress(0);
        }
        if (m_out->address[b] == Ipv4Address()) {
            m_out->address[b] = ifs.GetAddress(1);
        }
        m_out->links++;
    }

  private:
    const TopologySpec& m_spec;
    BuiltTopology* m_out;
    Ipv4AddressHelper m_addr;
};

} // namespace

bool
BuildTopology(const TopologySpec& s, BuiltTopology* out, std::string* why)
{
    *out = BuiltTopology();
    uint64_t n = TopologyNodeCount(s);
    if (s.routing != "nix" && s.routing != "global") {
        *why = "unknown routing '" + s.routing + "' (known: nix, global)";
        return false;
    }
    if (s.routing == "global" && n > kMaxGlobalRoutingNodes) {
        *why = "routing: global on " + std::to_string(n) + " nodes: ns-3's global routing needs minutes and GBs "
               "above ~" + std::to_string(kMaxGlobalRoutingNodes) + " nodes (ns3-notes §4); use routing: nix";
        return false;
    }
    if (s.ipv6) {
        Config::SetDefault("ns3::Icmpv6L4Protocol::DAD", BooleanValue(false));
    }
    Builder b(s, out);
    const LinkSpec& bottleneck = s.hasBottleneck ? s.bottleneck : s.link;
    const LinkSpec& core = s.hasCore ? s.core : s.link;
    if (s.type == "two_nodes") {
        b.Add("node0");
        b.Add("node1");
        b.Stack();
        b.Link(0, 1, s.link);
    } else if (s.type == "dumbbell") {
        std::vector<uint32_t> l, r;
        for (uint32_t i = 0; i < s.left; i++) {
            l.push_back(b.Add("left"));
        }
        for (uint32_t i = 0; i < s.right; i++) {
            r.push_back(b.Add("right"));
        }
        uint32_t lr = b.Add("left_router");
        uint32_t rr = b.Add("right_router");
        b.AlsoRole("routers", lr);
        b.AlsoRole("routers", rr);
        b.Stack();
        for (uint32_t i : l) {
            b.Link(i, lr, s.link);
        }
        for (uint32_t i : r) {
            b.Link(i, rr, s.link);
        }
        b.Link(lr, rr, bottleneck);
    } else if (s.type == "star") {
        uint32_t hub = b.Add("hub");
        std::vector<uint32_t> sp;
        for (uint32_t i = 0; i < s.spokes; i++) {
            sp.push_back(b.Add("spokes"));
        }
        b.Stack();
        for (uint32_t i : sp) {
            b.Link(i, hub, s.link); // spoke first: its address is the spoke end of its own link
        }
    } else if (s.type == "tree") {
        std::vector<std::pair<uint32_t, uint32_t>> edges; // child, parent
        std::vector<uint32_t> level = {b.Add("root")};
        for (uint32_t d = 1; d <= s.depth; d++) {
            std::vector<uint32_t> next;
            for (uint32_t p : level) {
                for (uint32_t f = 0; f < s.fanout; f++) {
                    uint32_t c = b.Add(d == s.depth ? "leaves" : "inner");
                    edges.emplace_back(c, p);
                    next.push_back(c);
                }
            }
            level = next;
        }
        b.Stack();
        for (auto& e : edges) {
            b.Link(e.first, e.second, e.second == 0 ? core : s.link);
        }
    } else if (s.type == "fat_tree") {
        uint32_t k = s.k, h = k / 2;
        std::vector<uint32_t> hosts, edge, agg, cores;
        for (uint32_t p = 0; p < k; p++) {
            for (uint32_t e = 0; e < h; e++) {
                for (uint32_t i = 0; i < h; i++) {
                    hosts.push_back(b.Add("hosts"));
                }
            }
        }
        for (uint32_t i = 0; i < k * h; i++) {
            edge.push_back(b.Add("edge"));
            b.AlsoRole("switches", edge.back());
        }
        for (uint32_t i = 0; i < k * h; i++) {
            agg.push_back(b.Add("aggregation"));
            b.AlsoRole("switches", agg.back());
        }
        for (uint32_t i = 0; i < h * h; i++) {
            cores.push_back(b.Add("core"));
            b.AlsoRole("switches", cores.back());
        }
        b.Stack();
        for (uint32_t p = 0; p < k; p++) {
            for (uint32_t e = 0; e < h; e++) {
                uint32_t ed = edge[p * h + e];
                for (uint32_t i = 0; i < h; i++) {
                    b.Link(hosts[(p * h + e) * h + i], ed, s.link);
                }
                for (uint32_t a = 0; a < h; a++) {
                    b.Link(ed, agg[p * h + a], s.link);
                }
            }
            for (uint32_t a = 0; a < h; a++) {
                for (uint32_t c = 0; c < h; c++) {
                    b.Link(agg[p * h + a], cores[a * h + c], core);
                }
            }
        }
    } else if (s.type == "grid") {
        for (uint32_t i = 0; i < s.rows * s.cols; i++) {
            b.Add("all_grid");
        }
        out->roles.erase("all_grid");
        b.Stack();
        for (uint32_t r = 0; r < s.rows; r++) {
            for (uint32_t c = 0; c < s.cols; c++) {
                uint32_t i = r * s.cols + c;
                if (c + 1 < s.cols) {
                    b.Link(i, i + 1, s.link);
                }
                if (r + 1 < s.rows) {
                    b.Link(i, i + s.cols, s.link);
                }
            }
        }
    } else if (s.type == "file") {
        std::ifstream probe(s.file);
        if (!probe) {
            *why = "cannot open topology file '" + s.file + "'";
            return false;
        }
        if (s.format != "Inet" && s.format != "Orbis" && s.format != "Rocketfuel") {
            *why = "unknown topology file format '" + s.format + "' (known: Inet, Orbis, Rocketfuel)";
            return false;
        }
        TopologyReaderHelper h;
        h.SetFileName(s.file);
        h.SetFileType(s.format);
        Ptr<TopologyReader> reader = h.GetTopologyReader();
        NodeContainer read = reader ? reader->Read() : NodeContainer();
        if (read.GetN() == 0) {
            *why = "topology file '" + s.file + "' (" + s.format + "): no nodes read";
            return false;
        }
        if (s.routing == "global" && read.GetN() > kMaxGlobalRoutingNodes) {
            *why = "routing: global on " + std::to_string(read.GetN()) + " nodes is refused; use routing: nix";
            return false;
        }
        std::map<uint32_t, uint32_t> index; // node id -> index
        for (uint32_t i = 0; i < read.GetN(); i++) {
            out->nodes.Add(read.Get(i));
            out->roles["all"].push_back(i);
            index[read.Get(i)->GetId()] = i;
        }
        b.Stack();
        for (auto it = reader->LinksBegin(); it != reader->LinksEnd(); ++it) {
            b.Link(index[it->GetFromNode()->GetId()], index[it->GetToNode()->GetId()], s.link);
        }
    } else {
        std::string list;
        for (auto& t : TopologyTypes()) {
            list += (list.empty() ? "" : ", ") + t;
        }
        *why = "unknown topology type '" + s.type + "' (known: " + list + ")";
        return false;
    }
    if (s.routing == "global") {
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    }
    return true;
}

bool
SelectNodes(const BuiltTopology& t, const std::string& selector, std::vector<uint32_t>* out, std::string* why)
{
    std::string role = selector;
    std::string range;
    size_t br = selector.find('[');
    if (br != std::string::npos) {
        if (selector.back() != ']') {
            *why = "selector '" + selector + "': missing ']'";
            return false;
        }
        role = selector.substr(0, br);
        range = selector.substr(br + 1, selector.size() - br - 2);
    }
    auto it = t.roles.find(role);
    if (it == t.roles.end()) {
        std::string list;
        for (auto& r : t.roles) {
            list += (list.empty() ? "" : ", ") + r.first;
        }
        *why = "unknown node role '" + role + "' (this topology has: " + list + ")";
        return false;
    }
    const std::vector<uint32_t>& v = it->second;
    long n = static_cast<long>(v.size());
    if (br == std::string::npos) {
        *out = v;
        return true;
    }
    auto num = [&](const std::string& s, long dflt, long* r) -> bool {
        if (s.empty()) {
            *r = dflt;
            return true;
        }
        char* end = nullptr;
        long x = std::strtol(s.c_str(), &end, 10);
        if (*end != 0) {
            *why = "selector '" + selector + "': '" + s + "' is not an integer";
            return false;
        }
        *r = x < 0 ? x + n : x;
        return true;
    };
    long a, e;
    size_t colon = range.find(':');
    if (colon == std::string::npos) {
        if (range.empty() || !num(range, 0, &a)) {
            if (range.empty()) {
                *why = "selector '" + selector + "': empty index";
            }
            return false;
        }
        if (a < 0 || a >= n) {
            *why = "selector '" + selector + "': index out of range (" + role + " has " + std::to_string(n) + " nodes)";
            return false;
        }
        *out = {v[a]};
        return true;
    }
    if (!num(range.substr(0, colon), 0, &a) || !num(range.substr(colon + 1), n, &e)) {
        return false;
    }
    a = std::max(0L, std::min(a, n));
    e = std::max(0L, std::min(e, n));
    if (a >= e) {
        *why = "selector '" + selector + "' selects no node (" + role + " has " + std::to_string(n) + " nodes)";
        return false;
    }
    out->assign(v.begin() + a, v.begin() + e);
    return true;
}

} // namespace wsk
} // namespace ns3
