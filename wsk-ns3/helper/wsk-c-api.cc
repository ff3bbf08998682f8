/* wsk-c-api.cc - see wsk-c-api.h */
#include "wsk-c-api.h"

#include "wsk-scenario.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

using namespace ns3::wsk;

namespace {

struct CApiState
{
    std::string error;
    std::string driverDir;
    /* what to load: a file, YAML text, or a built tree (quick form) */
    enum Source { None, File, Text, Built } source = None;
    std::string file, text, name;
    std::vector<std::string> overrides;
    /* quick form */
    std::string topo;
    double duration = 10;
    unsigned seed = 1;
    std::vector<std::string> groups; // "GROUP@SELECTOR=DRIVER:K=V,K=V" plus parameters kept aside
    std::vector<std::pair<std::string, std::string>> groupParams; // group -> "K=V;K=V"
    std::vector<std::pair<std::string, double>> groupStart;
    RunOutcome last;
    std::string table;
    std::string sourceText;
};

CApiState&
S()
{
    static CApiState s;
    return s;
}

int
Fail(const std::string& why)
{
    S().error = why;
    return -1;
}

const std::string&
DriverDir()
{
    if (S().driverDir.empty()) {
        S().driverDir = LibraryDirectory() + "/drivers";
    }
    return S().driverDir;
}

/* Builds the spec from whatever was given; false + error on bad input. */
bool
Resolve(ScenarioSpec* spec)
{
    CApiState& s = S();
    ScenarioError err;
    bool ok = false;
    switch (s.source) {
    case CApiState::None:
        S().error = "no scenario: call wskns3_load_scenario or wskns3_new_topology first";
        return false;
    case CApiState::File:
        ok = LoadScenarioFile(s.file, s.overrides, DriverDir(), spec, &err);
        s.sourceText = s.file;
        break;
    case CApiState::Text:
        ok = LoadScenarioText(s.text, s.name, s.overrides, DriverDir(), spec, &err);
        s.sourceText = s.text;
        break;
    case CApiState::Built: {
        /* quick form: the groups become --driver strings; parameters and start times become overrides so that
         * ';' and '=' inside values need no escaping */
        std::vector<std::string> drivers, over;
        for (size_t i = 0; i < s.groups.size(); i++) {
            drivers.push_back(s.groups[i]);
        }
        for (auto& gp : s.groupParams) {
            std::string p = gp.second;
            size_t pos = 0;
            while (pos <= p.size() && !p.empty()) {
                size_t semi = p.find(';', pos);
                std::string kv = p.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
                size_t eq = kv.find('=');
                while (!kv.empty() && kv.front() == ' ') {
                    kv.erase(kv.begin());
                    eq = kv.find('=');
                }
                if (!kv.empty()) {
                    if (eq == std::string::npos || eq == 0) {
                        S().error = "group " + gp.first + ": parameter '" + kv + "' is not Name=Value";
                        return false;
                    }
                    /* quote the value so YAML keeps it a string */
                    YAML::Emitter e;
                    e << YAML::DoubleQuoted << kv.substr(eq + 1);
                    over.push_back("groups." + gp.first + ".parameters." + kv.substr(0, eq) + "=" + e.c_str());
                }
                if (semi == std::string::npos) {
                    break;
                }
                pos = semi + 1;
            }
        }
        for (auto& st : s.groupStart) {
            over.push_back("groups." + st.first + ".start=" + std::to_string(st.second));
        }
        over.push_back("seed=" + std::to_string(s.seed));
        for (auto& o : s.overrides) {
            over.push_back(o);
        }
        ok = BuildQuickScenario(s.topo, drivers, s.duration, over, DriverDir(), spec, &err, &s.sourceText);
        break;
    }
    }
    if (!ok) {
        S().error = err.message;
    }
    return ok;
}

} // namespace

extern "C" {

const char*
wskns3_version(void)
{
    return "wsk-ns3 0.1";
}

const char*
wskns3_last_error(void)
{
    return S().error.c_str();
}

int
wskns3_set_driver_dir(const char* dir)
{
    S().driverDir = dir ? dir : "";
    return 0;
}

const char*
wskns3_driver_dir(void)
{
    return DriverDir().c_str();
}

void
wskns3_reset(void)
{
    std::string dir = S().driverDir;
    S() = CApiState();
    S().driverDir = dir;
}

int
wskns3_load_scenario(const char* path, const char* const* overrides, int count)
{
    wskns3_reset();
    CApiState& s = S();
    s.source = CApiState::File;
    s.file = path ? path : "";
    for (int i = 0; i < count; i++) {
        s.overrides.emplace_back(overrides[i]);
    }
    ScenarioSpec spec;
    return Resolve(&spec) ? 0 : -1;
}

int
wskns3_load_scenario_text(const char* yaml, const char* name, const char* const* overrides, int count)
{
    wskns3_reset();
    CApiState& s = S();
    s.source = CApiState::Text;
    s.text = yaml ? yaml : "";
    s.name = name && *name ? name : "<text>";
    for (int i = 0; i < count; i++) {
        s.overrides.emplace_back(overrides[i]);
    }
    ScenarioSpec spec;
    return Resolve(&spec) ? 0 : -1;
}

int
wskns3_new_topology(const char* topo, double duration_s, unsigned seed)
{
    wskns3_reset();
    CApiState& s = S();
    if (!topo || !*topo) {
        return Fail("wskns3_new_topology: empty topology");
    }
    if (!(duration_s > 0)) {
        return Fail("wskns3_new_topology: the duration must be positive");
    }
    if (seed == 0) {
        return Fail("wskns3_new_topology: the seed must be 1 or more");
    }
    s.source = CApiState::Built;
    s.topo = topo;
    s.duration = duration_s;
    s.seed = seed;
    return 0;
}

int
wskns3_add_group(const char* name, const char* nodes, const char* driver, const char* parameters, double start_s)
{
    CApiState& s = S();
    if (s.source != CApiState::Built) {
        return Fail("wskns3_add_group: call wskns3_new_topology first (scenario files name their groups)");
    }
    if (!name || !*name || !nodes || !*nodes || !driver || !*driver) {
        return Fail("wskns3_add_group: name, nodes and driver are required");
    }
    s.groups.push_back(std::string(name) + "@" + nodes + "=" + driver);
    if (parameters && *parameters) {
        s.groupParams.emplace_back(name, parameters);
    }
    if (start_s > 0) {
        s.groupStart.emplace_back(name, start_s);
    }
    return 0;
}

int
wskns3_set(const char* kv)
{
    if (!kv || !*kv) {
        return Fail("wskns3_set: empty override");
    }
    S().overrides.emplace_back(kv);
    if (S().source == CApiState::Built && S().groups.empty()) {
        return 0; // validated when groups exist
    }
    ScenarioSpec spec;
    if (!Resolve(&spec)) {
        S().overrides.pop_back();
        return -1;
    }
    return 0;
}

int
wskns3_run(const char* out_dir, int progress)
{
    CApiState& s = S();
    ScenarioSpec spec;
    if (!Resolve(&spec)) {
        return 2;
    }
    RunOptions opt;
    opt.outDir = out_dir ? out_dir : "";
    opt.progress = progress != 0;
    opt.plotScript = LibraryDirectory() + "/wsk_plot.py";
    s.last = RunScenario(spec, opt);
    s.table = FormatSummaryTable(s.last);
    if (!s.last.error.empty()) {
        s.error = s.last.error;
        return 2;
    }
    return s.last.ok ? 0 : 1;
}

const char*
wskns3_summary_json(void)
{
    return S().last.summaryJson.c_str();
}

const char*
wskns3_latency_csv(void)
{
    return S().last.latencyCsv.c_str();
}

const char*
wskns3_results_csv(void)
{
    return S().last.resultsCsv.c_str();
}

const char*
wskns3_log(void)
{
    return S().last.log.c_str();
}

const char*
wskns3_summary_table(void)
{
    return S().table.c_str();
}

const char*
wskns3_out_dir(void)
{
    return S().last.outDir.c_str();
}

unsigned
wskns3_driver_errors(void)
{
    return S().last.driverErrors;
}

unsigned
wskns3_node_count(void)
{
    return S().last.nodes;
}

const char*
wskns3_scenario_source(void)
{
    return S().sourceText.c_str();
}

} // extern "C"
