/* wsk-scenario.cc - see wsk-scenario.h */
#include "wsk-scenario.h"

#include "wsk-driver-helper.h"
#include "../model/host/wsk-driver-app.h"
#include "../model/latency/latency-recorder.h"
#include "../model/provider/wsk-provider-object.h"

#include "ns3/core-module.h"
#include "ns3/data-rate.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-helper.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ns3 {
namespace wsk {

/* ================================================================================================== */
/* Loading                                                                                            */
/* ================================================================================================== */

namespace {

struct BadInput
{
    std::string msg;
};

size_t
EditDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> d(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) {
        d[j] = j;
    }
    for (size_t i = 1; i <= a.size(); i++) {
        size_t prev = d[0];
        d[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            size_t cur = d[j];
            d[j] = std::min({d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
            prev = cur;
        }
    }
    return d[b.size()];
}

std::string
Join(const std::vector<std::string>& v)
{
    std::string s;
    for (auto& x : v) {
        s += (s.empty() ? "" : ", ") + x;
    }
    return s;
}

bool
ParseSeconds(const std::string& text, double* s)
{
    const char* p = text.c_str();
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p || !std::isfinite(v) || v < 0) {
        return false;
    }
    std::string u(end);
    double mul = u == "" || u == "s" ? 1 : u == "ms" ? 1e-3 : u == "us" ? 1e-6 : u == "ns" ? 1e-9 : u == "min" ? 60 : -1;
    if (mul < 0) {
        return false;
    }
    *s = v * mul;
    return true;
}

class Loader
{
  public:
    Loader(const std::string& file, const std::set<std::string>& overridden, const std::string& driverDir)
        : m_file(file),
          m_over(overridden),
          m_driverDir(driverDir)
    {
    }

    /* where a node (at `path`) came from */
    std::string Where(const YAML::Node& n, const std::string& path) const
    {
        for (auto& o : m_over) {
            if (path == o || path.rfind(o + ".", 0) == 0) {
                return "--set " + o;
            }
        }
        YAML::Mark m = n.Mark();
        if (m.line < 0) {
            return m_file;
        }
        return m_file + ":" + std::to_string(m.line + 1);
    }

    [[noreturn]] void Fail(const YAML::Node& n, const std::string& path, const std::string& msg) const
    {
        throw BadInput{Where(n, path) + ": " + path + ": " + msg};
    }

    void CheckKeys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& known) const
    {
        if (!map.IsMap()) {
            Fail(map, path, "expected a mapping (key: value lines)");
        }
        for (auto it = map.begin(); it != map.end(); ++it) {
            std::string k = it->first.as<std::string>();
            if (std::find(known.begin(), known.end(), k) != known.end()) {
                continue;
            }
            std::string best;
            size_t bestD = 3;
            for (auto& c : known) {
                size_t d = EditDistance(k, c);
                if (d < bestD) {
                    bestD = d;
                    best = c;
                }
            }
            std::string p = path.empty() ? k : path + "." + k;
            throw BadInput{Where(it->first, p) + ": " + p + ": unknown field" +
                           (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; known fields" +
                           (path.empty() ? "" : " of " + path) + ": " + Join(known)};
        }
    }

    std::string Str(const YAML::Node& n, const std::string& path) const
    {
        if (!n.IsScalar()) {
            Fail(n, path, "expected a single value");
        }
        return n.Scalar();
    }

    uint32_t UInt(const YAML::Node& n, const std::string& path, uint32_t lo = 0, uint32_t hi = UINT32_MAX) const
    {
        std::string s = Str(n, path);
        char* end = nullptr;
        unsigned long long v = std::strtoull(s.c_str(), &end, 10);
        if (s.empty() || *end != 0 || s[0] == '-') {
            Fail(n, path, "'" + s + "' is not a non-negative integer");
        }
        if (v < lo || v > hi) {
            Fail(n, path, std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        }
        return static_cast<uint32_t>(v);
    }

    double Seconds(const YAML::Node& n, const std::string& path) const
    {
        std::string s = Str(n, path);
        double v;
        if (!ParseSeconds(s, &v)) {
            Fail(n, path, "'" + s + "' is not a time (e.g. 10, 10s, 500ms, 250us)");
        }
        return v;
    }

    bool Bool(const YAML::Node& n, const std::string& path) const
    {
        std::string s = Str(n, path);
        if (s == "true" || s == "yes" || s == "on") {
            return true;
        }
        if (s == "false" || s == "no" || s == "off") {
            return false;
        }
        Fail(n, path, "'" + s + "' is not true or false");
    }

    LinkSpec Link(const YAML::Node& n, const std::string& path) const
    {
        CheckKeys(n, path, {"rate", "delay", "queue"});
        LinkSpec l;
        if (n["rate"]) {
            l.rate = Str(n["rate"], path + ".rate");
            DataRateValue v;
            if (!v.DeserializeFromString(l.rate, MakeDataRateChecker())) {
                Fail(n["rate"], path + ".rate", "'" + l.rate + "' is not a data rate (e.g. 100Mbps, 1Gbps)");
            }
        }
        if (n["delay"]) {
            l.delay = Str(n["delay"], path + ".delay");
            double s;
            if (!ParseSeconds(l.delay, &s) || l.delay.find_first_not_of("0123456789.") == std::string::npos) {
                Fail(n["delay"], path + ".delay", "'" + l.delay + "' is not a delay with a unit (e.g. 1ms, 20us)");
            }
        }
        if (n["queue"]) {
            l.queue = Str(n["queue"], path + ".queue");
            if (l.queue.empty() || (l.queue.back() != 'p' && l.queue.back() != 'B') ||
                l.queue.find_first_not_of("0123456789") != l.queue.size() - 1) {
                Fail(n["queue"], path + ".queue", "'" + l.queue + "' is not a queue size (e.g. 100p or 64000B)");
            }
        }
        return l;
    }

    TopologySpec Topology(const YAML::Node& n) const
    {
        TopologySpec t;
        if (!n) {
            throw BadInput{m_file + ": topology: missing (known types: " + Join(TopologyTypes()) + ")"};
        }
        CheckKeys(n, "topology", {"type", "left", "right", "spokes", "depth", "fanout", "k", "rows", "cols", "file",
                                  "format", "link", "bottleneck", "core", "routing", "ipv6"});
        if (!n["type"]) {
            Fail(n, "topology.type", "missing (known: " + Join(TopologyTypes()) + ")");
        }
        t.type = Str(n["type"], "topology.type");
        const auto& types = TopologyTypes();
        if (std::find(types.begin(), types.end(), t.type) == types.end()) {
            Fail(n["type"], "topology.type", "unknown topology '" + t.type + "' (known: " + Join(types) + ")");
        }
        /* fields that apply to each type */
        std::map<std::string, std::vector<std::string>> applies = {
            {"two_nodes", {}},
            {"dumbbell", {"left", "right", "bottleneck"}},
            {"star", {"spokes"}},
            {"tree", {"depth", "fanout", "core"}},
            {"fat_tree", {"k", "core"}},
            {"grid", {"rows", "cols"}},
            {"file", {"file", "format"}},
        };
        for (const char* f : {"left", "right", "spokes", "depth", "fanout", "k", "rows", "cols", "file", "format",
                              "bottleneck", "core"}) {
            auto& ok = applies[t.type];
            if (n[f] && std::find(ok.begin(), ok.end(), f) == ok.end()) {
                Fail(n[f], std::string("topology.") + f,
                     "does not apply to " + t.type + (ok.empty() ? "" : " (it takes: " + Join(ok) + ")"));
            }
        }
        if (n["left"]) t.left = UInt(n["left"], "topology.left", 1, 100000);
        if (n["right"]) t.right = UInt(n["right"], "topology.right", 1, 100000);
        if (n["spokes"]) t.spokes = UInt(n["spokes"], "topology.spokes", 1, 200000);
        if (n["depth"]) t.depth = UInt(n["depth"], "topology.depth", 1, 20);
        if (n["fanout"]) t.fanout = UInt(n["fanout"], "topology.fanout", 1, 1000);
        if (n["k"]) {
            t.k = UInt(n["k"], "topology.k", 2, 64);
            if (t.k % 2) {
                Fail(n["k"], "topology.k", "a fat-tree needs an even k (4, 8, 16, ...)");
            }
        }
        if (n["rows"]) t.rows = UInt(n["rows"], "topology.rows", 1, 1000);
        if (n["cols"]) t.cols = UInt(n["cols"], "topology.cols", 1, 1000);
        if (t.type == "file") {
            if (!n["file"]) {
                Fail(n, "topology.file", "missing (a topology file in Inet, Orbis or Rocketfuel format)");
            }
            t.file = Str(n["file"], "topology.file");
            if (!t.file.empty() && t.file[0] != '/' && !fs::exists(t.file)) {
                fs::path rel = fs::path(m_file).parent_path() / t.file;
                if (fs::exists(rel)) {
                    t.file = rel.string();
                }
            }
            if (!fs::exists(t.file)) {
                Fail(n["file"], "topology.file", "no such file '" + t.file + "'");
            }
            if (n["format"]) {
                t.format = Str(n["format"], "topology.format");
                if (t.format != "Inet" && t.format != "Orbis" && t.format != "Rocketfuel") {
                    Fail(n["format"], "topology.format", "unknown format '" + t.format + "' (known: Inet, Orbis, Rocketfuel)");
                }
            }
        }
        if (n["link"]) t.link = Link(n["link"], "topology.link");
        if (n["bottleneck"]) {
            t.bottleneck = Link(n["bottleneck"], "topology.bottleneck");
            t.hasBottleneck = true;
        }
        if (n["core"]) {
            t.core = Link(n["core"], "topology.core");
            t.hasCore = true;
        }
        if (n["routing"]) {
            t.routing = Str(n["routing"], "topology.routing");
            if (t.routing != "nix" && t.routing != "global") {
                Fail(n["routing"], "topology.routing", "unknown routing '" + t.routing + "' (known: nix, global)");
            }
            if (t.routing == "global" && TopologyNodeCount(t) > kMaxGlobalRoutingNodes) {
                Fail(n["routing"], "topology.routing",
                     "global routing on " + std::to_string(TopologyNodeCount(t)) + " nodes would take minutes and GBs "
                     "(limit " + std::to_string(kMaxGlobalRoutingNodes) + "); use nix");
            }
        }
        if (n["ipv6"]) t.ipv6 = Bool(n["ipv6"], "topology.ipv6");
        if (TopologyNodeCount(t) > 200000) {
            Fail(n, "topology", std::to_string(TopologyNodeCount(t)) + " nodes: more than this tool supports (200000)");
        }
        return t;
    }

    std::string ResolveDriver(const YAML::Node& n, const std::string& path, const std::string& d) const
    {
        bool isPath = d.find('/') != std::string::npos || (d.size() > 3 && d.compare(d.size() - 3, 3, ".so") == 0);
        if (isPath) {
            if (fs::exists(d)) {
                return fs::absolute(d).lexically_normal().string();
            }
            fs::path rel = fs::path(m_file).parent_path() / d;
            if (m_file.find('/') != std::string::npos && fs::exists(rel)) {
                return fs::absolute(rel).lexically_normal().string();
            }
            Fail(n, path, "no driver file '" + d + "'");
        }
        fs::path p = fs::path(m_driverDir) / (d + ".so");
        if (fs::exists(p)) {
            return p.string();
        }
        Fail(n, path, "unknown driver '" + d + "'; drivers in " + m_driverDir + ": " + Join(KnownDrivers(m_driverDir)));
    }

    void Groups(const YAML::Node& n, ScenarioSpec* s) const
    {
        if (!n || !n.IsMap() || n.size() == 0) {
            throw BadInput{(n ? Where(n, "groups") : m_file) + ": groups: expected a mapping of group names to "
                           "{nodes, driver, parameters, start, stop}"};
        }
        for (auto it = n.begin(); it != n.end(); ++it) {
            GroupSpec g;
            g.name = it->first.as<std::string>();
            std::string path = "groups." + g.name;
            YAML::Node v = it->second; // a copy: the iterator hands out a temporary pair
            g.where = Where(it->first, path);
            if (g.name.empty() || g.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
                                      std::string::npos) {
                Fail(it->first, path, "a group name may hold letters, digits and '_' only");
            }
            CheckKeys(v, path, {"nodes", "driver", "parameters", "start", "stop"});
            if (!v["nodes"]) {
                Fail(v, path + ".nodes", "missing (a node role of the topology, e.g. " +
                                             Join(TopologyRoles(s->topology.type)) + ")");
            }
            if (v["nodes"].IsSequence()) {
                for (size_t i = 0; i < v["nodes"].size(); i++) {
                    g.selectors.push_back(Str(v["nodes"][i], path + ".nodes"));
                }
            } else {
                g.selectors.push_back(Str(v["nodes"], path + ".nodes"));
            }
            g.whereOf["nodes"] = Where(v["nodes"], path + ".nodes");
            for (auto& sel : g.selectors) {
                std::string role = sel.substr(0, sel.find('['));
                auto roles = TopologyRoles(s->topology.type);
                if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
                    Fail(v["nodes"], path + ".nodes",
                         "unknown node role '" + role + "' for " + s->topology.type + " (known: " + Join(roles) + ")");
                }
            }
            if (!v["driver"]) {
                Fail(v, path + ".driver", "missing; drivers in " + m_driverDir + ": " + Join(KnownDrivers(m_driverDir)));
            }
            g.driver = Str(v["driver"], path + ".driver");
            g.driverPath = ResolveDriver(v["driver"], path + ".driver", g.driver);
            if (v["parameters"]) {
                const YAML::Node& p = v["parameters"];
                if (!p.IsMap()) {
                    Fail(p, path + ".parameters", "expected a mapping Name: value");
                }
                for (auto pi = p.begin(); pi != p.end(); ++pi) {
                    std::string k = pi->first.as<std::string>();
                    std::string pp = path + ".parameters." + k;
                    std::string val = Str(pi->second, pp);
                    if (k.empty() || k.find_first_of("=; ") != std::string::npos) {
                        Fail(pi->first, pp, "a registry value name may not contain '=', ';' or spaces");
                    }
                    if (val.find(';') != std::string::npos) {
                        Fail(pi->second, pp, "a value may not contain ';'");
                    }
                    g.parameters.emplace_back(k, val);
                    g.whereOf["parameters." + k] = Where(pi->second, pp);
                }
            }
            if (v["start"]) g.start = Seconds(v["start"], path + ".start");
            if (v["stop"]) g.stop = Seconds(v["stop"], path + ".stop");
            s->groups.push_back(g);
        }
        /* ${...} references: to another group's address or to per-node values */
        std::set<std::string> vars = {"index", "node", "ip", "seed", "count"};
        for (auto& g : s->groups) {
            vars.insert(g.name + "_ip");
            vars.insert(g.name + "_ip@index"); // the node of that group with this node's index (modulo its size)
            vars.insert(g.name + "_count");
        }
        for (auto& g : s->groups) {
            for (auto& kv : g.parameters) {
                size_t pos = 0;
                while ((pos = kv.second.find("${", pos)) != std::string::npos) {
                    size_t e = kv.second.find('}', pos);
                    std::string where = g.whereOf["parameters." + kv.first];
                    std::string name = e == std::string::npos ? "" : kv.second.substr(pos + 2, e - pos - 2);
                    if (e == std::string::npos || !vars.count(name)) {
                        throw BadInput{where + ": groups." + g.name + ".parameters." + kv.first + ": " +
                                       (e == std::string::npos ? "unterminated ${"
                                                               : "unknown variable ${" + name + "}") +
                                       "; known: " + [&] {
                                           std::vector<std::string> v(vars.begin(), vars.end());
                                           std::string r;
                                           for (auto& x : v) r += (r.empty() ? "" : ", ") + std::string("${") + x + "}";
                                           return r;
                                       }()};
                    }
                    pos = e + 1;
                }
            }
        }
    }

    void Latency(const YAML::Node& n, ScenarioSpec* s) const
    {
        CheckKeys(n, "latency", {"record", "preset", "model", "cpu_contention"});
        if (n["record"]) s->recordLatency = Bool(n["record"], "latency.record");
        if (n["preset"]) {
            s->latencyPreset = Str(n["preset"], "latency.preset");
            if (s->latencyPreset != "off" && s->latencyPreset != "typical") {
                Fail(n["preset"], "latency.preset", "unknown preset '" + s->latencyPreset + "' (known: off, typical)");
            }
        }
        if (n["model"]) {
            CheckKeys(n["model"], "latency.model", {"interrupt_to_dpc", "callback_dispatch", "thread_wakeup"});
            for (auto it = n["model"].begin(); it != n["model"].end(); ++it) {
                std::string k = it->first.as<std::string>();
                std::string path = "latency.model." + k;
                std::string text = Str(it->second, path);
                LatencyDistribution d;
                std::string why;
                if (!LatencyDistribution::Parse(text, &d, &why)) {
                    Fail(it->second, path, why);
                }
                s->latencyModel[k] = text;
            }
        }
        if (n["cpu_contention"]) s->cpuContention = Bool(n["cpu_contention"], "latency.cpu_contention");
    }

    void Output(const YAML::Node& n, ScenarioSpec* s) const
    {
        CheckKeys(n, "output", {"pcap", "flowmon", "plots", "throughput_bin"});
        if (n["pcap"]) s->pcap = Bool(n["pcap"], "output.pcap");
        if (n["flowmon"]) s->flowmon = Bool(n["flowmon"], "output.flowmon");
        if (n["plots"]) s->plots = Bool(n["plots"], "output.plots");
        if (n["throughput_bin"]) s->throughputBin = Seconds(n["throughput_bin"], "output.throughput_bin");
    }

    void Expect(const YAML::Node& n, ScenarioSpec* s) const
    {
        if (!n.IsMap()) {
            Fail(n, "expect", "expected a mapping group: {key: value}");
        }
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string g = it->first.as<std::string>();
            bool known = false;
            std::vector<std::string> names;
            for (auto& gs : s->groups) {
                names.push_back(gs.name);
                known = known || gs.name == g;
            }
            if (!known) {
                Fail(it->first, "expect." + g, "unknown group '" + g + "' (known: " + Join(names) + ")");
            }
            if (!it->second.IsMap()) {
                Fail(it->second, "expect." + g, "expected a mapping key: value (of the group's RESULT lines)");
            }
            for (auto kv = it->second.begin(); kv != it->second.end(); ++kv) {
                std::string k = kv->first.as<std::string>();
                s->expect[g + "." + k] = Str(kv->second, "expect." + g + "." + k);
            }
        }
    }

    void Scenario(const YAML::Node& root, ScenarioSpec* s) const
    {
        if (!root.IsMap()) {
            throw BadInput{m_file + ": the scenario must be a YAML mapping (name:, topology:, groups:, ...)"};
        }
        CheckKeys(root, "", {"name", "description", "seed", "run", "duration", "grace", "topology", "groups", "latency",
                             "output", "expect", "completion", "strict"});
        s->name = root["name"] ? Str(root["name"], "name") : fs::path(m_file).stem().string();
        if (root["description"]) s->description = Str(root["description"], "description");
        if (root["seed"]) s->seed = UInt(root["seed"], "seed", 1, UINT32_MAX);
        if (root["run"]) s->run = UInt(root["run"], "run", 1, UINT32_MAX);
        if (root["duration"]) {
            s->duration = Seconds(root["duration"], "duration");
            if (s->duration <= 0) {
                Fail(root["duration"], "duration", "must be positive");
            }
        }
        if (root["grace"]) s->grace = Seconds(root["grace"], "grace");
        if (root["completion"]) {
            s->completion = Str(root["completion"], "completion");
            WskProvider::CompletionMode mode;
            if (!WskProvider::ParseCompletionMode(s->completion, mode)) {
                Fail(root["completion"], "completion", "'" + s->completion + "' is not windows, inline or random");
            }
        }
        if (root["strict"]) s->strict = Bool(root["strict"], "strict");
        s->topology = Topology(root["topology"]);
        Groups(root["groups"], s);
        for (auto& g : s->groups) {
            double stop = g.stop < 0 ? s->duration : g.stop;
            if (g.start >= stop) {
                throw BadInput{g.where + ": groups." + g.name + ".start: starts at " + std::to_string(g.start) +
                               " s, not before its stop time " + std::to_string(stop) + " s"};
            }
        }
        if (root["latency"]) Latency(root["latency"], s);
        if (root["output"]) Output(root["output"], s);
        if (root["expect"]) Expect(root["expect"], s);
    }

  private:
    std::string m_file;
    std::set<std::string> m_over;
    std::string m_driverDir;
};

/* Sets root[a][b][c] = value for "a.b.c" (maps created as needed). */
void
SetPath(YAML::Node root, const std::vector<std::string>& parts, size_t i, const YAML::Node& value)
{
    if (i + 1 == parts.size()) {
        root[parts[i]] = value;
        return;
    }
    if (!root[parts[i]] || !root[parts[i]].IsMap()) {
        root[parts[i]] = YAML::Node(YAML::NodeType::Map);
    }
    YAML::Node child(root[parts[i]]);
    SetPath(child, parts, i + 1, value);
}

bool
ApplyOverrides(YAML::Node& root, const std::vector<std::string>& overrides, std::set<std::string>* paths,
               ScenarioError* err)
{
    for (auto& o : overrides) {
        size_t eq = o.find('=');
        if (eq == std::string::npos || eq == 0) {
            err->message = "--set " + o + ": expected key=value (e.g. duration=5s, topology.spokes=100, "
                           "groups.client.parameters.Count=20)";
            return false;
        }
        std::string key = o.substr(0, eq);
        std::vector<std::string> parts;
        std::stringstream ss(key);
        std::string part;
        while (std::getline(ss, part, '.')) {
            if (part.empty()) {
                err->message = "--set " + o + ": empty component in '" + key + "'";
                return false;
            }
            parts.push_back(part);
        }
        YAML::Node v;
        try {
            v = YAML::Load(o.substr(eq + 1));
        } catch (const YAML::Exception& e) {
            err->message = "--set " + o + ": " + e.msg;
            return false;
        }
        if (!root.IsMap()) {
            root = YAML::Node(YAML::NodeType::Map);
        }
        SetPath(root, parts, 0, v);
        paths->insert(key);
    }
    return true;
}

bool
LoadTree(YAML::Node root,
         const std::string& file,
         const std::vector<std::string>& overrides,
         const std::string& driverDir,
         ScenarioSpec* out,
         ScenarioError* err)
{
    std::set<std::string> paths;
    if (!ApplyOverrides(root, overrides, &paths, err)) {
        return false;
    }
    *out = ScenarioSpec();
    out->file = file;
    try {
        Loader(file, paths, driverDir).Scenario(root, out);
    } catch (const BadInput& b) {
        err->message = b.msg;
        return false;
    } catch (const YAML::Exception& e) {
        err->message = file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
        return false;
    }
    return true;
}

} // namespace

bool
LoadScenarioText(const std::string& text,
                 const std::string& file,
                 const std::vector<std::string>& overrides,
                 const std::string& driverDir,
                 ScenarioSpec* out,
                 ScenarioError* err)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        err->message = file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                       ": YAML syntax error: " + e.msg;
        return false;
    }
    return LoadTree(root, file, overrides, driverDir, out, err);
}

bool
LoadScenarioFile(const std::string& path,
                 const std::vector<std::string>& overrides,
                 const std::string& driverDir,
                 ScenarioSpec* out,
                 ScenarioError* err)
{
    std::ifstream in(path);
    if (!in) {
        err->message = path + ": cannot open the scenario file";
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return LoadScenarioText(ss.str(), path, overrides, driverDir, out, err);
}

bool
BuildQuickScenario(const std::string& topo,
                   const std::vector<std::string>& drivers,
                   double duration,
                   const std::vector<std::string>& overrides,
                   const std::string& driverDir,
                   ScenarioSpec* out,
                   ScenarioError* err,
                   std::string* yamlOut)
{
    YAML::Node root(YAML::NodeType::Map);
    root["name"] = "quick";
    {
        std::ostringstream d;
        d << duration << "s";
        root["duration"] = d.str();
    }
    YAML::Node t(YAML::NodeType::Map);
    std::string type = topo.substr(0, topo.find(':'));
    std::string args = topo.find(':') == std::string::npos ? "" : topo.substr(topo.find(':') + 1);
    std::vector<std::string> a;
    {
        std::stringstream ss(args);
        std::string x;
        while (std::getline(ss, x, ',')) {
            a.push_back(x);
        }
    }
    t["type"] = type;
    auto need = [&](size_t lo, size_t hi, const char* form) -> bool {
        if (a.size() < lo || a.size() > hi) {
            err->message = "--topo " + topo + ": expected " + form;
            return false;
        }
        return true;
    };
    if (type == "two_nodes") {
        if (!need(0, 0, "two_nodes")) return false;
    } else if (type == "dumbbell") {
        if (!need(1, 2, "dumbbell:N (N leaves per side) or dumbbell:L,R")) return false;
        t["left"] = a[0];
        t["right"] = a.size() > 1 ? a[1] : a[0];
    } else if (type == "star") {
        if (!need(1, 1, "star:N (N spokes)")) return false;
        t["spokes"] = a[0];
    } else if (type == "tree") {
        if (!need(2, 2, "tree:DEPTH,FANOUT")) return false;
        t["depth"] = a[0];
        t["fanout"] = a[1];
    } else if (type == "fat_tree") {
        if (!need(1, 1, "fat_tree:K")) return false;
        t["k"] = a[0];
    } else if (type == "grid") {
        if (!need(1, 2, "grid:N (N x N) or grid:ROWS,COLS")) return false;
        t["rows"] = a[0];
        t["cols"] = a.size() > 1 ? a[1] : a[0];
    } else if (type == "file") {
        size_t c = args.find(':');
        if (c == std::string::npos) {
            err->message = "--topo " + topo + ": expected file:FORMAT:PATH (FORMAT: Inet, Orbis, Rocketfuel)";
            return false;
        }
        t["format"] = args.substr(0, c);
        t["file"] = args.substr(c + 1);
    } else {
        err->message = "--topo " + topo + ": unknown topology '" + type + "' (known: " + Join(TopologyTypes()) + ")";
        return false;
    }
    root["topology"] = t;
    YAML::Node groups(YAML::NodeType::Map);
    for (auto& d : drivers) {
        /* GROUP[@SELECTOR]=DRIVER[:K=V,K=V] */
        size_t eq = d.find('=');
        if (eq == std::string::npos || eq == 0) {
            err->message = "--driver " + d + ": expected GROUP=DRIVER[:Name=Value,...] (GROUP: a node role such as " +
                           Join(TopologyRoles(type)) + ", or NAME@SELECTOR)";
            return false;
        }
        std::string group = d.substr(0, eq), rest = d.substr(eq + 1), sel = group;
        size_t at = group.find('@');
        if (at != std::string::npos) {
            sel = group.substr(at + 1);
            group = group.substr(0, at);
        }
        std::string drv = rest, params;
        size_t colon = rest.find(':');
        if (colon != std::string::npos) {
            drv = rest.substr(0, colon);
            params = rest.substr(colon + 1);
        }
        YAML::Node g(YAML::NodeType::Map);
        g["nodes"] = sel;
        g["driver"] = drv;
        if (!params.empty()) {
            YAML::Node p(YAML::NodeType::Map);
            std::stringstream ss(params);
            std::string kv;
            while (std::getline(ss, kv, ',')) {
                size_t e = kv.find('=');
                if (e == std::string::npos || e == 0) {
                    err->message = "--driver " + d + ": parameter '" + kv + "' is not Name=Value";
                    return false;
                }
                p[kv.substr(0, e)] = kv.substr(e + 1);
            }
            g["parameters"] = p;
        }
        if (groups[group]) {
            err->message = "--driver " + d + ": group '" + group + "' given twice (use NAME@SELECTOR for two groups on one role)";
            return false;
        }
        groups[group] = g;
    }
    root["groups"] = groups;
    if (yamlOut) {
        YAML::Emitter e;
        e << root;
        *yamlOut = e.c_str();
    }
    return LoadTree(root, "<command line>", overrides, driverDir, out, err);
}

/* ================================================================================================== */
/* Running                                                                                            */
/* ================================================================================================== */

std::vector<std::string>
KnownDrivers(const std::string& dir)
{
    std::vector<std::string> v;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() == ".so") {
            v.push_back(e.path().stem().string());
        }
    }
    std::sort(v.begin(), v.end());
    return v;
}

std::string
LibraryDirectory()
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&LibraryDirectory), &info) && info.dli_fname) {
        return fs::absolute(fs::path(info.dli_fname)).parent_path().string();
    }
    return ".";
}

namespace {

struct Percentiles
{
    uint64_t count = 0;
    int64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};

Percentiles
Compute(std::vector<int64_t>& v)
{
    Percentiles p;
    p.count = v.size();
    if (v.empty()) {
        return p;
    }
    std::sort(v.begin(), v.end());
    auto rank = [&](double q) {
        size_t r = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
        return v[std::min(v.size() - 1, r == 0 ? 0 : r - 1)];
    };
    p.p50 = rank(0.50);
    p.p90 = rank(0.90);
    p.p99 = rank(0.99);
    p.max = v.back();
    return p;
}

std::string
JsonString(const std::string& s)
{
    std::string o = "\"";
    for (char c : s) {
        switch (c) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\t': o += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char b[8];
                std::snprintf(b, sizeof b, "\\u%04x", c);
                o += b;
            } else {
                o += c;
            }
        }
    }
    return o + "\"";
}

std::string
JsonPercentiles(const Percentiles& p)
{
    std::ostringstream os;
    os << "{\"count\": " << p.count << ", \"p50_ns\": " << p.p50 << ", \"p90_ns\": " << p.p90 << ", \"p99_ns\": " << p.p99
       << ", \"max_ns\": " << p.max << "}";
    return os.str();
}

/* "RESULT client received=5 verified=yes" -> {"client" tag, fields} */
std::vector<std::pair<std::string, std::string>>
ParseResult(const std::string& text, std::string* tag)
{
    std::vector<std::pair<std::string, std::string>> kv;
    std::stringstream ss(text);
    std::string w;
    tag->clear();
    while (ss >> w) {
        size_t e = w.find('=');
        if (e == std::string::npos) {
            *tag += (tag->empty() ? "" : " ") + w;
        } else {
            kv.emplace_back(w.substr(0, e), w.substr(e + 1));
        }
    }
    return kv;
}

bool
IsNumber(const std::string& s, double* v)
{
    char* end = nullptr;
    *v = std::strtod(s.c_str(), &end);
    return !s.empty() && *end == 0;
}

std::string
FormatDouble(double v)
{
    std::ostringstream os;
    os << std::setprecision(12) << v;
    return os.str();
}

struct Progress
{
    double total = 0;
    std::chrono::steady_clock::time_point start, last;
    bool shown = false;

    void Tick(double step)
    {
        auto now = std::chrono::steady_clock::now();
        double t = Simulator::Now().GetSeconds();
        if (!shown || now - last > std::chrono::milliseconds(200) || t >= total) {
            last = now;
            shown = true;
            int width = 30;
            int filled = static_cast<int>(std::min(1.0, t / total) * width);
            double wall = std::chrono::duration<double>(now - start).count();
            std::fprintf(stderr, "\r[%s%s] %5.1f%%  sim %.3f / %.3f s  wall %.1f s ", std::string(filled, '#').c_str(),
                         std::string(width - filled, ' ').c_str(), 100.0 * std::min(1.0, t / total), t, total, wall);
            std::fflush(stderr);
        }
        if (t + step <= total + 1e-12) {
            Simulator::Schedule(Seconds(step), &Progress::Tick, this, step);
        }
    }
};

struct Throughput
{
    double bin = 0.1;
    std::vector<uint32_t> groupOfNode; // node index -> group index + 1 (first group), 0: none
    std::vector<std::map<uint64_t, uint64_t>> bytes; // per group: bin -> bytes
    std::map<uint32_t, uint32_t> indexOfNodeId;

    void Rx(uint32_t nodeIndex, Ptr<const Packet> p)
    {
        uint32_t g = groupOfNode[nodeIndex];
        if (g == 0) {
            return;
        }
        uint64_t b = static_cast<uint64_t>(Simulator::Now().GetSeconds() / bin);
        bytes[g - 1][b] += p->GetSize();
    }
};

void
ThroughputSink(Throughput* t, uint32_t nodeIndex, Ptr<const Packet> p)
{
    t->Rx(nodeIndex, p);
}

std::string
Substitute(const std::string& v, const std::map<std::string, std::string>& vars)
{
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t s = v.find("${", pos);
        if (s == std::string::npos) {
            out += v.substr(pos);
            break;
        }
        size_t e = v.find('}', s);
        out += v.substr(pos, s - pos);
        auto it = vars.find(v.substr(s + 2, e - s - 2));
        out += it != vars.end() ? it->second : "";
        pos = e + 1;
    }
    return out;
}

bool
WriteFile(const fs::path& p, const std::string& s)
{
    std::ofstream o(p, std::ios::binary);
    o << s;
    return static_cast<bool>(o);
}

} // namespace

RunOutcome
RunScenario(const ScenarioSpec& spec, const RunOptions& opt)
{
    RunOutcome r;
    auto wall0 = std::chrono::steady_clock::now();
    fs::path tmp;
    if (!opt.outDir.empty()) {
        fs::path out = fs::absolute(opt.outDir);
        std::error_code ec;
        if (fs::exists(out) && !fs::is_empty(out, ec) && !fs::exists(out / "summary.json")) {
            r.error = "output directory " + out.string() + " exists and is not a wsk-ns3 result directory "
                      "(no summary.json): choose another --out or remove it";
            return r;
        }
        tmp = out.parent_path() / ("." + out.filename().string() + ".tmp-" + std::to_string(getpid()));
        fs::remove_all(tmp, ec);
        fs::create_directories(tmp, ec);
        if (ec) {
            r.error = "cannot create " + tmp.string() + ": " + ec.message();
            return r;
        }
    }
    auto fail = [&](const std::string& why) {
        r.error = why;
        if (!tmp.empty()) {
            std::error_code ec;
            fs::remove_all(tmp, ec);
        }
        Simulator::Destroy();
        return r;
    };

    RngSeedManager::SetSeed(spec.seed);
    RngSeedManager::SetRun(spec.run);
    SetEchoDriverOutput(opt.echoDriverOutput);

    BuiltTopology topo;
    std::string why;
    if (!BuildTopology(spec.topology, &topo, &why)) {
        return fail(spec.file + ": topology: " + why);
    }
    r.nodes = topo.nodes.GetN();

    /* groups -> nodes */
    std::vector<std::vector<uint32_t>> members(spec.groups.size());
    for (size_t gi = 0; gi < spec.groups.size(); gi++) {
        const GroupSpec& g = spec.groups[gi];
        std::set<uint32_t> seen;
        for (auto& sel : g.selectors) {
            std::vector<uint32_t> v;
            if (!SelectNodes(topo, sel, &v, &why)) {
                auto w = g.whereOf.find("nodes");
                return fail((w != g.whereOf.end() ? w->second : g.where) + ": groups." + g.name + ".nodes: " + why);
            }
            for (uint32_t i : v) {
                if (seen.insert(i).second) {
                    members[gi].push_back(i);
                }
            }
        }
    }

    /* latency model and recorder (after SetSeed: the RNG streams are created here) */
    LatencyModel::Reset();
    if (!spec.latencyPreset.empty()) {
        LatencyModel::ApplyPreset(spec.latencyPreset, &why);
    }
    for (auto& kv : spec.latencyModel) {
        LatencySource src;
        if (LatencyModel::SourceFromName(kv.first, &src)) {
            LatencyModel::Configure(src, kv.second, &why);
        }
    }
    LatencyModel::SetCpuContention(spec.cpuContention);
    LatencyRecorder::Enable(spec.recordLatency);
    LatencyRecorder::Clear();

    /* node -> first group name (CSV group column) */
    uint32_t maxId = 0;
    for (uint32_t i = 0; i < topo.nodes.GetN(); i++) {
        maxId = std::max(maxId, topo.nodes.Get(i)->GetId());
    }
    std::vector<std::string> groupName(maxId + 1); // indexed by ns-3 node id
    Throughput tp;
    double total = spec.duration + spec.grace;
    tp.bin = spec.throughputBin > 0 ? spec.throughputBin : std::max(1e-3, spec.duration / 100.0);
    tp.groupOfNode.assign(topo.nodes.GetN(), 0);
    tp.bytes.resize(spec.groups.size());
    for (size_t gi = 0; gi < spec.groups.size(); gi++) {
        for (uint32_t i : members[gi]) {
            if (tp.groupOfNode[i] == 0) {
                tp.groupOfNode[i] = static_cast<uint32_t>(gi + 1);
                groupName[topo.nodes.Get(i)->GetId()] = spec.groups[gi].name;
            }
        }
    }
    for (uint32_t i = 0; i < topo.nodes.GetN(); i++) {
        if (tp.groupOfNode[i] == 0) {
            continue;
        }
        for (uint32_t d : topo.devicesOfNode[i]) {
            topo.devices.Get(d)->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&ThroughputSink, &tp, i));
        }
    }

    /* drivers */
    std::map<std::string, std::string> vars;
    vars["seed"] = std::to_string(spec.seed);
    for (size_t gi = 0; gi < spec.groups.size(); gi++) {
        const auto& g = spec.groups[gi];
        vars[g.name + "_ip"] = members[gi].empty() ? "" : AddressString(topo.address[members[gi][0]]);
        vars[g.name + "_count"] = std::to_string(members[gi].size());
    }
    std::vector<std::vector<Ptr<WskDriverApp>>> apps(spec.groups.size());
    for (size_t gi = 0; gi < spec.groups.size(); gi++) {
        const auto& g = spec.groups[gi];
        for (size_t k = 0; k < members[gi].size(); k++) {
            uint32_t i = members[gi][k];
            std::map<std::string, std::string> v = vars;
            v["index"] = std::to_string(k);
            v["node"] = std::to_string(topo.nodes.Get(i)->GetId());
            v["ip"] = AddressString(topo.address[i]);
            v["count"] = std::to_string(members[gi].size());
            for (size_t gj = 0; gj < spec.groups.size(); gj++) {
                if (!members[gj].empty()) {
                    v[spec.groups[gj].name + "_ip@index"] =
                        AddressString(topo.address[members[gj][k % members[gj].size()]]);
                }
            }
            std::string params;
            for (auto& kv : g.parameters) {
                params += (params.empty() ? "" : ";") + kv.first + "=" + Substitute(kv.second, v);
            }
            WskDriverHelper h(g.driverPath);
            h.SetProviderAttribute("CompletionMode", StringValue(spec.completion));
            if (!params.empty()) {
                h.SetAttribute("Parameters", StringValue(params));
            }
            ApplicationContainer c = h.Install(topo.nodes.Get(i));
            c.Start(Seconds(g.start));
            c.Stop(Seconds(g.stop < 0 ? spec.duration : g.stop));
            apps[gi].push_back(DynamicCast<WskDriverApp>(c.Get(0)));
        }
    }

    FlowMonitorHelper fmh;
    Ptr<FlowMonitor> fm;
    if (spec.flowmon && !tmp.empty()) {
        fm = fmh.InstallAll();
    }
    if (spec.pcap && !tmp.empty()) {
        std::error_code ec;
        fs::create_directories(tmp / "pcap", ec);
        PointToPointHelper p2p;
        for (uint32_t i = 0; i < topo.nodes.GetN(); i++) {
            if (tp.groupOfNode[i] == 0) {
                continue;
            }
            for (uint32_t d : topo.devicesOfNode[i]) {
                p2p.EnablePcap((tmp / "pcap" / "wsk").string(), topo.devices.Get(d), false);
            }
        }
    }

    Progress prog;
    if (opt.progress) {
        prog.total = total;
        prog.start = std::chrono::steady_clock::now();
        Simulator::Schedule(Seconds(0), &Progress::Tick, &prog, total / 100.0);
    }
    Simulator::Stop(Seconds(total));
    Simulator::Run();
    if (opt.progress) {
        std::fprintf(stderr, "\n");
    }

    /* ---- collect ---- */
    std::ostringstream json, rcsv, log;
    rcsv << "group,node,ip,line\n";
    std::map<std::string, std::vector<int64_t>> byKind;
    std::vector<std::map<std::string, std::vector<int64_t>>> byGroupKind(spec.groups.size());
    std::map<uint32_t, size_t> groupIndexOfNodeId;
    for (size_t gi = 0; gi < spec.groups.size(); gi++) {
        for (uint32_t i : members[gi]) {
            groupIndexOfNodeId.emplace(topo.nodes.Get(i)->GetId(), gi);
        }
    }
    for (const LatencyRecord& rec : LatencyRecorder::Records()) {
        int64_t l = rec.LatencyNs();
        if (l < 0) {
            continue;
        }
        const std::string& k = LatencyRecorder::KindName(rec.kind);
        byKind[k].push_back(l);
        auto it = groupIndexOfNodeId.find(rec.node);
        if (it != groupIndexOfNodeId.end()) {
            byGroupKind[it->second][k].push_back(l);
        }
    }
    {
        std::ostringstream csv;
        LatencyRecorder::WriteCsv(csv, &groupName);
        r.latencyCsv = csv.str();
    }

    json << "{\n  \"scenario\": " << JsonString(spec.name) << ",\n  \"seed\": " << spec.seed << ",\n  \"run\": " << spec.run
         << ",\n  \"duration_s\": " << FormatDouble(spec.duration) << ",\n  \"topology\": " << JsonString(spec.topology.type)
         << ",\n  \"nodes\": " << topo.nodes.GetN() << ",\n  \"links\": " << topo.links
         << ",\n  \"latency_model\": " << JsonString(LatencyModel::Describe())
         << ",\n  \"latency_records\": " << LatencyRecorder::Records().size() << ",\n  \"latency_by_kind\": {";
    {
        bool first = true;
        for (auto& kv : byKind) {
            json << (first ? "\n" : ",\n") << "    " << JsonString(kv.first) << ": " << JsonPercentiles(Compute(kv.second));
            first = false;
        }
        json << (first ? "}" : "\n  }");
    }
    json << ",\n  \"groups\": {";
    uint32_t expectFailures = 0;
    for (size_t gi = 0; gi < spec.groups.size(); gi++) {
        const auto& g = spec.groups[gi];
        GroupResult gr;
        gr.name = g.name;
        gr.driver = g.driver;
        gr.nodes = static_cast<uint32_t>(members[gi].size());
        std::map<std::string, std::vector<double>> numeric;
        std::map<std::string, std::map<std::string, uint32_t>> text;
        std::ostringstream results;
        bool firstResult = true;
        for (size_t k = 0; k < apps[gi].size(); k++) {
            Ptr<WskDriverApp> a = apps[gi][k];
            uint32_t nodeId = a->GetNode()->GetId();
            std::string ip = AddressString(topo.address[members[gi][k]]);
            bool loaded = a->GetState() == WskDriverApp::RUNNING || a->GetState() == WskDriverApp::UNLOADING ||
                          a->GetState() == WskDriverApp::UNLOADED || a->GetState() == WskDriverApp::NOT_UNLOADABLE;
            gr.loaded += loaded ? 1 : 0;
            uint32_t e = a->GetErrorCount();
            gr.errors += e;
            gr.findings += a->GetFindingCount();
            for (const auto& f : a->GetFindings()) {
                r.findingsByKind[f.first] += f.second;
            }
            if ((e > 0 || !loaded) && gr.problems.size() < 3) {
                gr.problems.push_back("node " + std::to_string(nodeId) + ": " + WskDriverApp::StateName(a->GetState()) +
                                      (a->GetLoadError().empty() ? "" : ": " + a->GetLoadError()));
            }
            uint32_t nodeResults = 0;
            for (const std::string& line : a->GetLog()) {
                log << line << "\n";
                size_t p = line.find("RESULT ");
                if (p == std::string::npos) {
                    continue;
                }
                std::string body = line.substr(p + 7);
                nodeResults++;
                gr.results++;
                std::string csvLine = body;
                std::replace(csvLine.begin(), csvLine.end(), '"', '\'');
                rcsv << g.name << "," << nodeId << "," << ip << ",\"" << csvLine << "\"\n";
                std::string tag;
                auto kv = ParseResult(body, &tag);
                results << (firstResult ? "\n" : ",\n") << "        {\"node\": " << nodeId << ", \"ip\": " << JsonString(ip)
                        << ", \"tag\": " << JsonString(tag);
                firstResult = false;
                for (auto& f : kv) {
                    double v;
                    if (IsNumber(f.second, &v)) {
                        numeric[f.first].push_back(v);
                        results << ", " << JsonString(f.first) << ": " << FormatDouble(v);
                    } else {
                        text[f.first][f.second]++;
                        results << ", " << JsonString(f.first) << ": " << JsonString(f.second);
                    }
                    auto ex = spec.expect.find(g.name + "." + f.first);
                    if (ex != spec.expect.end() && ex->second != f.second) {
                        gr.expectFailures++;
                        if (gr.problems.size() < 3) {
                            gr.problems.push_back("node " + std::to_string(nodeId) + ": " + f.first + "=" + f.second +
                                                  ", expected " + ex->second);
                        }
                    }
                }
                results << "}";
            }
            bool expects = false;
            for (auto& ex : spec.expect) {
                expects = expects || ex.first.rfind(g.name + ".", 0) == 0;
            }
            if (expects && nodeResults == 0) {
                gr.expectFailures++;
                if (gr.problems.size() < 3) {
                    gr.problems.push_back("node " + std::to_string(nodeId) + ": no RESULT line");
                }
            }
        }
        expectFailures += gr.expectFailures;
        r.driverErrors += gr.errors;
        r.findings += gr.findings;
        json << (gi ? ",\n" : "\n") << "    " << JsonString(g.name) << ": {\n      \"driver\": " << JsonString(g.driver)
             << ",\n      \"nodes\": " << gr.nodes << ",\n      \"loaded\": " << gr.loaded << ",\n      \"errors\": " << gr.errors
             << ",\n      \"findings\": " << gr.findings << ",\n      \"result_lines\": " << gr.results << ",\n      \"expect_failures\": " << gr.expectFailures
             << ",\n      \"latency_by_kind\": {";
        bool first = true;
        for (auto& kv : byGroupKind[gi]) {
            json << (first ? "\n" : ",\n") << "        " << JsonString(kv.first) << ": " << JsonPercentiles(Compute(kv.second));
            first = false;
        }
        json << (first ? "}" : "\n      }") << ",\n      \"result_fields\": {";
        first = true;
        for (auto& kv : numeric) {
            std::vector<double>& v = kv.second;
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            std::sort(v.begin(), v.end());
            json << (first ? "\n" : ",\n") << "        " << JsonString(kv.first) << ": {\"count\": " << v.size()
                 << ", \"min\": " << FormatDouble(v.front()) << ", \"median\": " << FormatDouble(v[(v.size() - 1) / 2])
                 << ", \"max\": " << FormatDouble(v.back()) << ", \"sum\": " << FormatDouble(sum) << "}";
            first = false;
        }
        for (auto& kv : text) {
            json << (first ? "\n" : ",\n") << "        " << JsonString(kv.first) << ": {";
            bool f2 = true;
            for (auto& c : kv.second) {
                json << (f2 ? "" : ", ") << JsonString(c.first) << ": " << c.second;
                f2 = false;
            }
            json << "}";
            first = false;
        }
        json << (first ? "}" : "\n      }") << ",\n      \"results\": [" << results.str() << (firstResult ? "]" : "\n      ]")
             << "\n    }";
        r.groups.push_back(gr);
    }
    json << (spec.groups.empty() ? "}" : "\n  }") << ",\n  \"driver_errors\": " << r.driverErrors
         << ",\n  \"findings\": " << r.findings << ",\n  \"findings_by_kind\": {";
    bool firstKind = true;
    for (const auto& kv : r.findingsByKind) {
        json << (firstKind ? "\n" : ",\n") << "    " << JsonString(kv.first) << ": " << kv.second;
        firstKind = false;
    }
    json << (firstKind ? "}" : "\n  }") << ",\n  \"completion\": " << JsonString(spec.completion)
         << ",\n  \"strict\": " << (spec.strict ? "true" : "false")
         << ",\n  \"expect_failures\": " << expectFailures << "\n}\n";
    r.summaryJson = json.str();
    r.resultsCsv = rcsv.str();
    r.log = log.str();
    r.strict = spec.strict;
    r.ok = r.driverErrors == 0 && expectFailures == 0 && (!spec.strict || r.findings == 0);
    for (auto& g : r.groups) {
        r.ok = r.ok && g.loaded == g.nodes;
    }

    if (!tmp.empty()) {
        std::ostringstream tcsv;
        tcsv << "time_s,group,bytes,mbps\n";
        for (size_t gi = 0; gi < spec.groups.size(); gi++) {
            for (auto& b : tp.bytes[gi]) {
                tcsv << FormatDouble(static_cast<double>(b.first) * tp.bin) << "," << spec.groups[gi].name << ","
                     << b.second << "," << FormatDouble(static_cast<double>(b.second) * 8 / tp.bin / 1e6) << "\n";
            }
        }
        bool okw = WriteFile(tmp / "summary.json", r.summaryJson) && WriteFile(tmp / "latency.csv", r.latencyCsv) &&
                   WriteFile(tmp / "results.csv", r.resultsCsv) && WriteFile(tmp / "throughput.csv", tcsv.str()) &&
                   WriteFile(tmp / "driver.log", r.log);
        if (fm) {
            fm->CheckForLostPackets();
            fm->SerializeToXmlFile((tmp / "flowmon.xml").string(), true, true);
        }
        if (!okw) {
            return fail("cannot write results into " + tmp.string());
        }
        if (spec.plots && !opt.plotScript.empty()) {
            std::string cmd = "'" + opt.python + "' '" + opt.plotScript + "' '" + tmp.string() + "'";
            int rc = std::system(cmd.c_str());
            if (rc != 0) {
                std::cerr << "wsk-ns3: plots were not made (" << cmd << " exited with " << rc
                          << "); the CSV and JSON results are complete" << std::endl;
            }
        }
        fs::path out = fs::absolute(opt.outDir);
        std::error_code ec;
        fs::path old;
        if (fs::exists(out)) {
            old = out.parent_path() / ("." + out.filename().string() + ".old-" + std::to_string(getpid()));
            fs::rename(out, old, ec);
            if (ec) {
                return fail("cannot replace " + out.string() + ": " + ec.message() + " (results left nowhere)");
            }
        }
        fs::rename(tmp, out, ec);
        if (ec) {
            r.error = "results are complete in " + tmp.string() + " but could not be renamed to " + out.string() + ": " +
                      ec.message();
            Simulator::Destroy();
            return r;
        }
        if (!old.empty()) {
            fs::remove_all(old, ec);
        }
        r.outDir = out.string();
    }
    Simulator::Destroy();
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    return r;
}

std::string
FormatSummaryTable(const RunOutcome& r)
{
    std::ostringstream os;
    size_t w = 5;
    for (auto& g : r.groups) {
        w = std::max(w, g.name.size());
    }
    size_t dw = 6;
    for (auto& g : r.groups) {
        dw = std::max(dw, g.driver.size());
    }
    os << std::left << std::setw(static_cast<int>(w)) << "group" << "  " << std::setw(static_cast<int>(dw)) << "driver"
       << std::right << "  " << std::setw(6) << "nodes" << "  " << std::setw(6) << "loaded" << "  " << std::setw(6)
       << "errors" << "  " << std::setw(8) << "findings" << "  " << std::setw(7) << "RESULTs" << "  " << std::setw(6)
       << "expect" << "\n";
    for (auto& g : r.groups) {
        os << std::left << std::setw(static_cast<int>(w)) << g.name << "  " << std::setw(static_cast<int>(dw)) << g.driver
           << std::right << "  " << std::setw(6) << g.nodes << "  " << std::setw(6) << g.loaded << "  " << std::setw(6)
           << g.errors << "  " << std::setw(8) << (std::to_string(g.findings) + (r.strict && g.findings ? "!" : ""))
           << "  " << std::setw(7) << g.results << "  " << std::setw(6)
           << (g.expectFailures ? std::to_string(g.expectFailures) + "!" : std::string("ok")) << "\n";
        for (auto& p : g.problems) {
            os << "    " << p << "\n";
        }
    }
    return os.str();
}

} // namespace wsk
} // namespace ns3
