/* latency-recorder.cc - see latency-recorder.h */
#include "../host/simulation-context.h"
#include "latency-recorder.h"

#include "ns3/double.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

namespace ns3 {
namespace wsk {

/* ---- recorder ---- */

namespace {

struct RecorderState
{
    bool enabled = false;
    std::vector<LatencyRecord> records;
    std::vector<std::string> kinds;
    std::vector<const char*> kindPtrs; // fast path: the same literal again
};

RecorderState&
Rec()
{
    return SimulationContext::Get<RecorderState>(); /* one recorder per simulation */
}

uint16_t
Intern(const char* kind)
{
    RecorderState& r = Rec();
    for (size_t i = 0; i < r.kindPtrs.size(); i++) {
        if (r.kindPtrs[i] == kind) {
            return static_cast<uint16_t>(i);
        }
    }
    for (size_t i = 0; i < r.kinds.size(); i++) {
        if (r.kinds[i] == kind) {
            return static_cast<uint16_t>(i);
        }
    }
    r.kinds.emplace_back(kind ? kind : "unknown");
    r.kindPtrs.push_back(kind);
    return static_cast<uint16_t>(r.kinds.size() - 1);
}

} // namespace

int64_t
LatencyRecord::LatencyNs() const
{
    int64_t start = Get(LatencyStamp::Wire);
    if (start < 0) {
        start = Get(LatencyStamp::Delivery);
    }
    int64_t end = Get(LatencyStamp::CallbackEntry);
    if (end < 0) {
        end = Get(LatencyStamp::IrpComplete);
    }
    if (start < 0) {
        /* IRPs started by the client (send, connect): no wire stamp; measure from the first stamp */
        for (int64_t v : t) {
            if (v >= 0 && (start < 0 || v < start)) {
                start = v;
            }
        }
    }
    if (start < 0 || end < 0 || end < start) {
        return -1;
    }
    return end - start;
}

void
LatencyRecorder::Enable(bool on)
{
    Rec().enabled = on;
}

bool
LatencyRecorder::Enabled()
{
    return Rec().enabled;
}

void
LatencyRecorder::Clear()
{
    Rec().records.clear();
    Rec().records.shrink_to_fit();
}

LatencyRecorder::Handle
LatencyRecorder::Open(uint32_t node, uint64_t socket, const char* kind, uint64_t bytes)
{
    RecorderState& r = Rec();
    if (!r.enabled) {
        return 0;
    }
    LatencyRecord rec;
    rec.node = node;
    rec.socket = socket;
    rec.kind = Intern(kind);
    rec.bytes = bytes;
    r.records.push_back(rec);
    return r.records.size();
}

void
LatencyRecorder::Mark(Handle h, LatencyStamp which)
{
    if (h != 0) {
        Mark(h, which, Simulator::Now());
    }
}

void
LatencyRecorder::Mark(Handle h, LatencyStamp which, Time at)
{
    RecorderState& r = Rec();
    if (h == 0 || h > r.records.size()) {
        return; // 0: off; beyond: cleared since Open
    }
    r.records[h - 1].t[static_cast<size_t>(which)] = at.GetNanoSeconds();
}

void
LatencyRecorder::SetBytes(Handle h, uint64_t bytes)
{
    RecorderState& r = Rec();
    if (h != 0 && h <= r.records.size()) {
        r.records[h - 1].bytes = bytes;
    }
}

void
LatencyRecorder::Add(uint32_t node,
                     uint64_t socket,
                     const char* kind,
                     uint64_t bytes,
                     int64_t wireNs,
                     int64_t deliveryNs,
                     int64_t cbEntryNs,
                     int64_t cbReturnNs,
                     int64_t irpDoneNs)
{
    RecorderState& r = Rec();
    if (!r.enabled) {
        return;
    }
    LatencyRecord rec;
    rec.node = node;
    rec.socket = socket;
    rec.kind = Intern(kind);
    rec.bytes = bytes;
    rec.t = {{wireNs, deliveryNs, cbEntryNs, cbReturnNs, irpDoneNs}};
    r.records.push_back(rec);
}

const std::vector<LatencyRecord>&
LatencyRecorder::Records()
{
    return Rec().records;
}

const std::vector<std::string>&
LatencyRecorder::Kinds()
{
    return Rec().kinds;
}

const std::string&
LatencyRecorder::KindName(uint16_t kind)
{
    static const std::string unknown = "unknown";
    const auto& k = Rec().kinds;
    return kind < k.size() ? k[kind] : unknown;
}

void
LatencyRecorder::WriteCsv(std::ostream& os, const std::vector<std::string>* groupOfNode)
{
    os << "node," << (groupOfNode ? "group," : "")
       << "socket,kind,bytes,wire_ns,delivery_ns,cb_entry_ns,cb_return_ns,irp_done_ns,latency_ns\n";
    for (const LatencyRecord& r : Rec().records) {
        os << r.node << ',';
        if (groupOfNode) {
            os << (r.node < groupOfNode->size() ? (*groupOfNode)[r.node] : std::string()) << ',';
        }
        os << r.socket << ',' << KindName(r.kind) << ',' << r.bytes;
        for (int64_t v : r.t) {
            os << ',' << v;
        }
        os << ',' << r.LatencyNs() << '\n';
    }
}

/* ---- distributions ---- */

namespace {

/* "2.7us" -> 2700 (ns). Units: ns, us (or µs), ms, s. */
bool
ParseTimeNs(const std::string& text, double* ns, std::string* why)
{
    std::string s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.erase(s.begin());
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.pop_back();
    }
    const char* p = s.c_str();
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p) {
        *why = "'" + text + "' is not a time (a number with a unit: ns, us, ms, s)";
        return false;
    }
    std::string unit(end);
    double mul;
    if (unit == "ns") {
        mul = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s") {
        mul = 1e3;
    } else if (unit == "ms") {
        mul = 1e6;
    } else if (unit == "s") {
        mul = 1e9;
    } else {
        *why = "'" + text + "': unit " + (unit.empty() ? std::string("missing") : "'" + unit + "' unknown") +
               " (use ns, us, ms or s)";
        return false;
    }
    if (!(v >= 0) || !std::isfinite(v)) {
        *why = "'" + text + "': a time must be zero or positive";
        return false;
    }
    *ns = v * mul;
    return true;
}

std::string
FormatNs(double ns)
{
    std::ostringstream os;
    if (ns >= 1e6 && std::fmod(ns, 1e3) == 0) {
        os << ns / 1e6 << "ms";
    } else if (ns >= 1e3) {
        os << ns / 1e3 << "us";
    } else {
        os << ns << "ns";
    }
    return os.str();
}

/* z of the standard normal at 0.99 */
constexpr double kZ99 = 2.3263478740408408;

} // namespace

bool
LatencyDistribution::Parse(const std::string& text, LatencyDistribution* out, std::string* why)
{
    std::string dummy;
    if (why == nullptr) {
        why = &dummy;
    }
    LatencyDistribution d;
    size_t colon = text.find(':');
    std::string type = text.substr(0, colon);
    std::string args = colon == std::string::npos ? "" : text.substr(colon + 1);
    std::vector<std::pair<std::string, std::string>> kv; // name (may be empty), value
    std::stringstream ss(args);
    std::string item;
    while (std::getline(ss, item, ',')) {
        size_t eq = item.find('=');
        if (eq == std::string::npos) {
            kv.emplace_back("", item);
        } else {
            std::string k = item.substr(0, eq);
            while (!k.empty() && std::isspace(static_cast<unsigned char>(k.front()))) {
                k.erase(k.begin());
            }
            kv.emplace_back(k, item.substr(eq + 1));
        }
    }
    /* names[i]: the accepted name of positional argument i */
    auto get = [&](const std::vector<std::string>& names, std::vector<double>* vals, size_t required) -> bool {
        vals->assign(names.size(), 0);
        std::vector<bool> seen(names.size(), false);
        if (kv.size() > names.size()) {
            *why = "'" + text + "': " + type + " takes at most " + std::to_string(names.size()) + " value(s)";
            return false;
        }
        for (size_t i = 0; i < kv.size(); i++) {
            size_t slot = i;
            if (!kv[i].first.empty()) {
                slot = names.size();
                for (size_t j = 0; j < names.size(); j++) {
                    if (names[j] == kv[i].first) {
                        slot = j;
                    }
                }
                if (slot == names.size()) {
                    std::string list;
                    for (auto& n : names) {
                        list += (list.empty() ? "" : ", ") + n;
                    }
                    *why = "'" + text + "': " + type + " has no parameter '" + kv[i].first + "' (known: " + list + ")";
                    return false;
                }
            }
            if (!ParseTimeNs(kv[i].second, &(*vals)[slot], why)) {
                return false;
            }
            seen[slot] = true;
        }
        for (size_t j = 0; j < required; j++) {
            if (!seen[j]) {
                *why = "'" + text + "': " + type + " needs " + names[j];
                return false;
            }
        }
        return true;
    };
    std::vector<double> v;
    if (type == "off" || type == "none") {
        if (!kv.empty()) {
            *why = "'" + text + "': off takes no values";
            return false;
        }
        d.type = Off;
    } else if (type == "constant") {
        if (!get({"value"}, &v, 1)) {
            return false;
        }
        d.type = Constant;
        d.a = v[0];
    } else if (type == "uniform") {
        if (!get({"min", "max"}, &v, 2)) {
            return false;
        }
        if (v[1] < v[0]) {
            *why = "'" + text + "': uniform max is below min";
            return false;
        }
        d.type = Uniform;
        d.a = v[0];
        d.b = v[1];
    } else if (type == "exponential") {
        if (!get({"mean", "cap"}, &v, 1)) {
            return false;
        }
        d.type = Exponential;
        d.a = v[0];
        d.b = v[1];
    } else if (type == "lognormal") {
        if (!get({"median", "p99"}, &v, 2)) {
            return false;
        }
        if (v[0] <= 0 || v[1] < v[0]) {
            *why = "'" + text + "': lognormal needs 0 < median <= p99";
            return false;
        }
        d.type = LogNormal;
        d.a = v[0];
        d.b = v[1];
    } else {
        *why = "'" + text + "': unknown distribution '" + type +
               "' (known: off, constant, uniform, exponential, lognormal)";
        return false;
    }
    *out = d;
    return true;
}

std::string
LatencyDistribution::ToString() const
{
    switch (type) {
    case Off:
        return "off";
    case Constant:
        return "constant:" + FormatNs(a);
    case Uniform:
        return "uniform:" + FormatNs(a) + "," + FormatNs(b);
    case Exponential:
        return "exponential:" + FormatNs(a) + (b > 0 ? "," + FormatNs(b) : "");
    case LogNormal:
        return "lognormal:" + FormatNs(a) + "," + FormatNs(b);
    }
    return "off";
}

/* ---- model ---- */

namespace {

struct ModelState
{
    std::array<LatencyDistribution, kLatencySourceCount> dist;
    std::array<Ptr<RandomVariableStream>, kLatencySourceCount> rv;
    bool contention = false;
    std::map<uint32_t, int64_t> busyUntil; // node -> ns
    bool anyOn = false;
};

ModelState&
Model()
{
    return SimulationContext::Get<ModelState>(); /* one host latency model per simulation */
}

void
Recompute()
{
    ModelState& m = Model();
    m.anyOn = m.contention;
    for (auto& d : m.dist) {
        m.anyOn = m.anyOn || d.type != LatencyDistribution::Off;
    }
}

const char* const kSourceNames[kLatencySourceCount] = {"interrupt_to_dpc", "callback_dispatch", "thread_wakeup"};

} // namespace

const char*
LatencyModel::SourceName(LatencySource s)
{
    return kSourceNames[static_cast<size_t>(s)];
}

bool
LatencyModel::SourceFromName(const std::string& name, LatencySource* out)
{
    for (size_t i = 0; i < kLatencySourceCount; i++) {
        if (name == kSourceNames[i]) {
            *out = static_cast<LatencySource>(i);
            return true;
        }
    }
    return false;
}

void
LatencyModel::Configure(LatencySource which, const LatencyDistribution& d)
{
    ModelState& m = Model();
    size_t i = static_cast<size_t>(which);
    m.dist[i] = d;
    m.rv[i] = nullptr;
    switch (d.type) {
    case LatencyDistribution::Off:
    case LatencyDistribution::Constant:
        break;
    case LatencyDistribution::Uniform: {
        auto u = CreateObject<UniformRandomVariable>();
        u->SetAttribute("Min", DoubleValue(d.a));
        u->SetAttribute("Max", DoubleValue(d.b));
        m.rv[i] = u;
        break;
    }
    case LatencyDistribution::Exponential: {
        auto e = CreateObject<ExponentialRandomVariable>();
        e->SetAttribute("Mean", DoubleValue(d.a));
        e->SetAttribute("Bound", DoubleValue(d.b));
        m.rv[i] = e;
        break;
    }
    case LatencyDistribution::LogNormal: {
        auto l = CreateObject<LogNormalRandomVariable>();
        l->SetAttribute("Mu", DoubleValue(std::log(d.a)));
        l->SetAttribute("Sigma", DoubleValue((std::log(d.b) - std::log(d.a)) / kZ99));
        m.rv[i] = l;
        break;
    }
    }
    if (m.rv[i]) {
        m.rv[i]->SetStream(kStreamBase + static_cast<int64_t>(i));
    }
    Recompute();
}

bool
LatencyModel::Configure(LatencySource which, const std::string& text, std::string* why)
{
    LatencyDistribution d;
    if (!LatencyDistribution::Parse(text, &d, why)) {
        return false;
    }
    Configure(which, d);
    return true;
}

bool
LatencyModel::ApplyPreset(const std::string& name, std::string* why)
{
    std::string w;
    if (name == "off") {
        Reset();
        return true;
    }
    if (name == "typical") {
        /* doc/latency.md, "Presets" */
        Configure(LatencySource::InterruptToDpc, "lognormal:median=2.7us,p99=100us", &w);
        Configure(LatencySource::CallbackDispatch, "lognormal:median=1us,p99=20us", &w);
        Configure(LatencySource::ThreadWakeup, "lognormal:median=18.7us,p99=400us", &w);
        return true;
    }
    if (why) {
        *why = "unknown latency preset '" + name + "' (known: off, typical)";
    }
    return false;
}

void
LatencyModel::SetCpuContention(bool on)
{
    Model().contention = on;
    Model().busyUntil.clear();
    Recompute();
}

bool
LatencyModel::CpuContention()
{
    return Model().contention;
}

void
LatencyModel::Reset()
{
    ModelState& m = Model();
    for (size_t i = 0; i < kLatencySourceCount; i++) {
        m.dist[i] = LatencyDistribution();
        m.rv[i] = nullptr;
    }
    m.contention = false;
    m.busyUntil.clear();
    Recompute();
}

bool
LatencyModel::Enabled()
{
    return Model().anyOn;
}

bool
LatencyModel::Enabled(LatencySource which)
{
    return Model().dist[static_cast<size_t>(which)].type != LatencyDistribution::Off;
}

Time
LatencyModel::Sample(LatencySource which)
{
    ModelState& m = Model();
    size_t i = static_cast<size_t>(which);
    const LatencyDistribution& d = m.dist[i];
    switch (d.type) {
    case LatencyDistribution::Off:
        return Time(0);
    case LatencyDistribution::Constant:
        return NanoSeconds(static_cast<int64_t>(std::llround(d.a)));
    default:
        break;
    }
    double v = m.rv[i]->GetValue();
    if (v < 0) {
        v = 0;
    }
    return NanoSeconds(static_cast<int64_t>(std::llround(v)));
}

Time
LatencyModel::Contend(uint32_t node, Time dispatch)
{
    ModelState& m = Model();
    if (!m.contention) {
        return dispatch;
    }
    int64_t now = Simulator::Now().GetNanoSeconds();
    int64_t& busy = m.busyUntil[node];
    int64_t start = std::max(now, busy) + dispatch.GetNanoSeconds();
    busy = start;
    return NanoSeconds(start - now);
}

const LatencyDistribution&
LatencyModel::Get(LatencySource which)
{
    return Model().dist[static_cast<size_t>(which)];
}

std::string
LatencyModel::Describe()
{
    std::string s;
    for (size_t i = 0; i < kLatencySourceCount; i++) {
        s += (i ? "; " : "") + std::string(kSourceNames[i]) + "=" + Model().dist[i].ToString();
    }
    s += std::string("; cpu_contention=") + (Model().contention ? "on" : "off");
    return s;
}

} // namespace wsk
} // namespace ns3
