/*
 * wsk-scenario.h - scenario files (YAML, read with Debian's yaml-cpp) and their runner: topology, link
 * rates and delays, driver groups with registry Parameters (with ${group_ip} substitution), duration, seed,
 * latency instrumentation and host latency model, and the results written to an output directory
 * (latency.csv, throughput.csv, results.csv, summary.json, plots, pcap, flowmon.xml). The `wsk-ns3` command
 * (tools/wsk-ns3-main.cc) and the C API (wsk-c-api.h) are thin layers over this. Format: doc/scenarios.md.
 */
#ifndef WSKNS3_WSK_SCENARIO_H
#define WSKNS3_WSK_SCENARIO_H

#include "wsk-topology-builder.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3 {
namespace wsk {

struct GroupSpec
{
    std::string name;
    std::vector<std::string> selectors; //!< node selectors (union, in order)
    std::string driver;                 //!< as written
    std::string driverPath;             //!< resolved
    std::vector<std::pair<std::string, std::string>> parameters; //!< in file order, before substitution
    double start = 0;                   //!< s
    double stop = -1;                   //!< s; -1: the scenario's duration
    std::string where;                  //!< "file:line" of the group, for messages
    std::map<std::string, std::string> whereOf; //!< field -> "file:line"
};

struct ScenarioSpec
{
    std::string file;       //!< path, or "<command line>"
    std::string name;
    std::string description;
    uint32_t seed = 1;
    uint32_t run = 1;
    double duration = 10;   //!< s: drivers stop (DriverUnload) at this time
    double grace = 5;       //!< s: after duration, time allowed for DriverUnload to finish
    TopologySpec topology;
    std::vector<GroupSpec> groups;
    bool recordLatency = true;
    std::string latencyPreset;                           //!< "", "off", "typical"
    std::map<std::string, std::string> latencyModel;     //!< source -> distribution text
    bool cpuContention = false;
    bool pcap = false;
    bool flowmon = false;
    bool plots = true;
    double throughputBin = 0; //!< s; 0: duration / 100
    std::map<std::string, std::string> expect; //!< optional: "group.key" -> value every RESULT line must have
    std::string completion = "windows"; //!< WskProvider CompletionMode: windows, inline, random
    bool strict = false;    //!< findings (misuse Windows answers with an error status) fail the run
};

/* Parse errors and validation errors carry "file:line: field: message". */
struct ScenarioError
{
    std::string message;
};

/* Reads a scenario file, applying "key.path=value" overrides (YAML values) before validation. Returns false
 * and sets err on bad input. driverDir: where "name" drivers resolve ("<dir>/<name>.so"). */
bool LoadScenarioFile(const std::string& path,
                      const std::vector<std::string>& overrides,
                      const std::string& driverDir,
                      ScenarioSpec* out,
                      ScenarioError* err);
/* Same, from YAML text (file names the source in messages). */
bool LoadScenarioText(const std::string& text,
                      const std::string& file,
                      const std::vector<std::string>& overrides,
                      const std::string& driverDir,
                      ScenarioSpec* out,
                      ScenarioError* err);
/* The one-liner: "dumbbell:50", drivers "group=driver[:K=V,K=V]" (group = a node role, or
 * name@selector=...), duration in s. Builds the same YAML tree a file would give. */
bool BuildQuickScenario(const std::string& topo,
                        const std::vector<std::string>& drivers,
                        double duration,
                        const std::vector<std::string>& overrides,
                        const std::string& driverDir,
                        ScenarioSpec* out,
                        ScenarioError* err,
                        std::string* yamlOut = nullptr);

struct GroupResult
{
    std::string name;
    std::string driver;
    uint32_t nodes = 0;
    uint32_t loaded = 0;  //!< DriverEntry succeeded
    uint32_t errors = 0;  //!< driver errors (load failures, API-contract violations, leaks)
    uint32_t findings = 0; //!< misuse Windows answers with an error status (not errors unless strict)
    uint32_t results = 0; //!< RESULT lines
    uint32_t expectFailures = 0;
    std::vector<std::string> problems; //!< first few problem lines
};

struct RunOutcome
{
    bool ok = false;              //!< ran, no driver error, expectations met (and no finding when strict)
    std::string error;            //!< set when the run could not even start (topology, output dir)
    uint32_t driverErrors = 0;
    uint32_t findings = 0;
    std::map<std::string, uint32_t> findingsByKind; //!< "WskConnect STATUS_INVALID_DEVICE_STATE" -> count
    bool strict = false;          //!< the scenario's strict flag (findings counted as failures)
    uint32_t nodes = 0;
    std::vector<GroupResult> groups;
    std::string summaryJson;      //!< what summary.json holds
    std::string latencyCsv;       //!< what latency.csv holds
    std::string resultsCsv;       //!< RESULT lines, one per row
    std::string log;              //!< every driver log line, node order
    std::string outDir;           //!< where the results were written ("" if none)
    double wallSeconds = 0;
};

struct RunOptions
{
    std::string outDir;        //!< "" = write nothing
    bool progress = false;     //!< progress bar on stderr
    bool echoDriverOutput = false;
    std::string plotScript;    //!< python script making PNGs ("" = no plots)
    std::string python = "/usr/bin/python3";
};

/* Builds and runs the scenario in this process (Simulator::Destroy at the end), then writes the results. */
RunOutcome RunScenario(const ScenarioSpec& spec, const RunOptions& opt);

/* The per-group table printed at the end of a run. */
std::string FormatSummaryTable(const RunOutcome& r);

/* Lists *.so in a driver directory (for "unknown driver" messages). */
std::vector<std::string> KnownDrivers(const std::string& driverDir);
/* The directory holding libwskns3.so (drivers default to <it>/drivers). */
std::string LibraryDirectory();

} // namespace wsk
} // namespace ns3

#endif
