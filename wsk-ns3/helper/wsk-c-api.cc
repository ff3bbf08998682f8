/* wsk-c-api.cc - see wsk-c-api.h */
#include "wsk-c-api.h"

#include "wsk-scenario.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

using namespace ns3::wsk;

namespace {

} // namespace

/* One simulation as the C API sees it: what to load, overrides, and the last run's results. Each handle is
 * independent; the ns-3 simulator itself runs one at a time (wskns3_run builds, runs and destroys it). */
struct wskns3_sim
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

namespace {

using CApiState = wskns3_sim;

int
Fail(wskns3_sim* s, const std::string& why)
{
    s->error = why;
    return -1;
}

const std::string&
DriverDir(wskns3_sim* s)
{
    if (s->driverDir.empty()) {
        s->driverDir = LibraryDirectory() + "/drivers";
    }
    return s->driverDir;
}

/* Builds the spec from whatever was given; false + error on bad input. */
bool
Resolve(wskns3_sim* sim, ScenarioSpec* spec)
{
    CApiState& s = *sim;
    ScenarioError err;
    bool ok = false;
    switch (s.source) {
    case CApiState::None:
        s.error = "no scenario: call wskns3_load_scenario or wskns3_new_topology first";
        return false;
    case CApiState::File:
        ok = LoadScenarioFile(s.file, s.overrides, DriverDir(sim), spec, &err);
        s.sourceText = s.file;
        break;
    case CApiState::Text:
        ok = LoadScenarioText(s.text, s.name, s.overrides, DriverDir(sim), spec, &err);
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
                        s.error = "group " + gp.first + ": parameter '" + kv + "' is not Name=Value";
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
        ok = BuildQuickScenario(s.topo, drivers, s.duration, over, DriverDir(sim), spec, &err, &s.sourceText);
        break;
    }
    }
    if (!ok) {
        s.error = err.message;
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

wskns3_sim*
wskns3_new(void)
{
    return new wskns3_sim();
}

void
wskns3_free(wskns3_sim* sim)
{
    delete sim;
}

const char*
wskns3_last_error(wskns3_sim* sim)
{
    return sim->error.c_str();
}

int
wskns3_set_driver_dir(wskns3_sim* sim, const char* dir)
{
    sim->driverDir = dir ? dir : "";
    return 0;
}

const char*
wskns3_driver_dir(wskns3_sim* sim)
{
    return DriverDir(sim).c_str();
}

void
wskns3_reset(wskns3_sim* sim)
{
    std::string dir = sim->driverDir;
    *sim = wskns3_sim();
    sim->driverDir = dir;
}

int
wskns3_load_scenario(wskns3_sim* sim, const char* path, const char* const* overrides, int count)
{
    wskns3_reset(sim);
    sim->source = CApiState::File;
    sim->file = path ? path : "";
    for (int i = 0; i < count; i++) {
        sim->overrides.emplace_back(overrides[i]);
    }
    ScenarioSpec spec;
    return Resolve(sim, &spec) ? 0 : -1;
}

int
wskns3_load_scenario_text(wskns3_sim* sim, const char* yaml, const char* name, const char* const* overrides, int count)
{
    wskns3_reset(sim);
    sim->source = CApiState::Text;
    sim->text = yaml ? yaml : "";
    sim->name = name && *name ? name : "<text>";
    for (int i = 0; i < count; i++) {
        sim->overrides.emplace_back(overrides[i]);
    }
    ScenarioSpec spec;
    return Resolve(sim, &spec) ? 0 : -1;
}

int
wskns3_new_topology(wskns3_sim* sim, const char* topo, double duration_s, unsigned seed)
{
    wskns3_reset(sim);
    if (!topo || !*topo) {
        return Fail(sim, "wskns3_new_topology: empty topology");
    }
    if (!(duration_s > 0)) {
        return Fail(sim, "wskns3_new_topology: the duration must be positive");
    }
    if (seed == 0) {
        return Fail(sim, "wskns3_new_topology: the seed must be 1 or more");
    }
    sim->source = CApiState::Built;
    sim->topo = topo;
    sim->duration = duration_s;
    sim->seed = seed;
    return 0;
}

int
wskns3_add_group(wskns3_sim* sim, const char* name, const char* nodes, const char* driver, const char* parameters,
                 double start_s)
{
    if (sim->source != CApiState::Built) {
        return Fail(sim, "wskns3_add_group: call wskns3_new_topology first (scenario files name their groups)");
    }
    if (!name || !*name || !nodes || !*nodes || !driver || !*driver) {
        return Fail(sim, "wskns3_add_group: name, nodes and driver are required");
    }
    sim->groups.push_back(std::string(name) + "@" + nodes + "=" + driver);
    if (parameters && *parameters) {
        sim->groupParams.emplace_back(name, parameters);
    }
    if (start_s > 0) {
        sim->groupStart.emplace_back(name, start_s);
    }
    return 0;
}

int
wskns3_set(wskns3_sim* sim, const char* kv)
{
    if (!kv || !*kv) {
        return Fail(sim, "wskns3_set: empty override");
    }
    sim->overrides.emplace_back(kv);
    if (sim->source == CApiState::Built && sim->groups.empty()) {
        return 0; // validated when groups exist
    }
    ScenarioSpec spec;
    if (!Resolve(sim, &spec)) {
        sim->overrides.pop_back();
        return -1;
    }
    return 0;
}

int
wskns3_run(wskns3_sim* sim, const char* out_dir, int progress)
{
    ScenarioSpec spec;
    if (!Resolve(sim, &spec)) {
        return 2;
    }
    RunOptions opt;
    opt.outDir = out_dir ? out_dir : "";
    opt.progress = progress != 0;
    opt.plotScript = LibraryDirectory() + "/wsk_plot.py";
    sim->last = RunScenario(spec, opt);
    sim->table = FormatSummaryTable(sim->last);
    if (!sim->last.error.empty()) {
        sim->error = sim->last.error;
        return 2;
    }
    return sim->last.ok ? 0 : 1;
}

const char*
wskns3_summary_json(wskns3_sim* sim)
{
    return sim->last.summaryJson.c_str();
}

const char*
wskns3_latency_csv(wskns3_sim* sim)
{
    return sim->last.latencyCsv.c_str();
}

const char*
wskns3_results_csv(wskns3_sim* sim)
{
    return sim->last.resultsCsv.c_str();
}

const char*
wskns3_log(wskns3_sim* sim)
{
    return sim->last.log.c_str();
}

const char*
wskns3_summary_table(wskns3_sim* sim)
{
    return sim->table.c_str();
}

const char*
wskns3_out_dir(wskns3_sim* sim)
{
    return sim->last.outDir.c_str();
}

unsigned
wskns3_driver_errors(wskns3_sim* sim)
{
    return sim->last.driverErrors;
}

unsigned
wskns3_findings(wskns3_sim* sim)
{
    return sim->last.findings;
}

unsigned
wskns3_node_count(wskns3_sim* sim)
{
    return sim->last.nodes;
}

const char*
wskns3_scenario_source(wskns3_sim* sim)
{
    return sim->sourceText.c_str();
}

} // extern "C"
