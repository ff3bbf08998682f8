/*
 * wsk-ns3-main.cc - the `wsk-ns3` command:
 *   wsk-ns3 run SCENARIO.yaml [--set key=value ...] [--out DIR] [--no-progress] [--echo] [--quiet]
 *   wsk-ns3 quick --topo dumbbell:50 --driver left=DRIVER[:K=V,...] [--driver ...] [--duration 10] [...]
 *   wsk-ns3 check SCENARIO.yaml [--set ...]      (parse and validate only)
 * Exit status: 0 ok, 1 driver errors or failed expectations, 2 bad input or results not written.
 */
#include "wsk-scenario.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ns3::wsk;

namespace {

const char* kUsage =
    "usage:\n"
    "  wsk-ns3 run SCENARIO.yaml [--set key=value ...] [--out DIR] [options]\n"
    "  wsk-ns3 quick --topo TOPO --driver GROUP=DRIVER[:Name=Value,...] [--driver ...] [--duration S] [options]\n"
    "  wsk-ns3 check SCENARIO.yaml [--set key=value ...]\n"
    "TOPO: two_nodes | dumbbell:N[,M] | star:N | tree:DEPTH,FANOUT | fat_tree:K | grid:N[,M] | file:FORMAT:PATH\n"
    "GROUP: a node role of the topology (left, right, hub, spokes, hosts, leaves, node0, ...) or NAME@SELECTOR\n"
    "       (SELECTOR: role, role[i] or role[a:b]); DRIVER: a name in the driver directory or a path to a .so\n"
    "options:\n"
    "  --out DIR          write latency.csv, results.csv, throughput.csv, summary.json, plots (default: out/NAME)\n"
    "  --no-out           write nothing\n"
    "  --set key=value    override a scenario field (YAML value), e.g. seed=3, topology.spokes=10,\n"
    "                     groups.client.parameters.Count=5, latency.preset=typical, output.pcap=true\n"
    "  --seed N           same as --set seed=N\n"
    "  --completion MODE  how WSK requests complete: windows (default: STATUS_PENDING, then completion, as\n"
    "                     Windows), inline (completed inside the call), random (a seeded coin per IRP)\n"
    "  --strict           findings (misuse Windows answers with an error status) fail the run (exit 1)\n"
    "  --pcap, --flowmon  also write pcap files / flowmon.xml\n"
    "  --no-plots         skip the PNG plots\n"
    "  --no-progress      no progress bar (default: shown when stderr is a terminal)\n"
    "  --progress         always show the progress bar\n"
    "  --echo             print every driver log line as it happens\n"
    "  --drivers DIR      where driver names resolve (default: <build>/drivers)\n"
    "  --quiet            no summary table\n";

int
Usage(const std::string& why)
{
    if (!why.empty()) {
        std::cerr << "wsk-ns3: " << why << "\n";
    }
    std::cerr << kUsage;
    return 2;
}

} // namespace

int
main(int argc, char** argv)
{
    if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
        return Usage(argc < 2 ? "no command" : "") == 2 && argc < 2 ? 2 : 0;
    }
    std::string cmd = argv[1];
    if (cmd != "run" && cmd != "quick" && cmd != "check") {
        return Usage("unknown command '" + cmd + "' (known: run, quick, check)");
    }
    std::string scenario, topo, out, driverDir = LibraryDirectory() + "/drivers";
    std::vector<std::string> sets, drivers;
    double duration = 10;
    bool noOut = false, quiet = false, echo = false;
    int progress = -1;
    for (int i = 2; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](const char* name) -> std::string {
            if (i + 1 >= argc) {
                std::exit(Usage(std::string(name) + " needs a value"));
            }
            return argv[++i];
        };
        if (a == "--set") {
            sets.push_back(value("--set"));
        } else if (a.rfind("--set=", 0) == 0) {
            sets.push_back(a.substr(6));
        } else if (a == "--out") {
            out = value("--out");
        } else if (a == "--no-out") {
            noOut = true;
        } else if (a == "--seed") {
            sets.push_back("seed=" + value("--seed"));
        } else if (a == "--completion") {
            sets.push_back("completion=" + value("--completion"));
        } else if (a.rfind("--completion=", 0) == 0) {
            sets.push_back("completion=" + a.substr(13));
        } else if (a == "--strict") {
            sets.push_back("strict=true");
        } else if (a == "--pcap") {
            sets.push_back("output.pcap=true");
        } else if (a == "--flowmon") {
            sets.push_back("output.flowmon=true");
        } else if (a == "--no-plots") {
            sets.push_back("output.plots=false");
        } else if (a == "--progress") {
            progress = 1;
        } else if (a == "--no-progress") {
            progress = 0;
        } else if (a == "--echo") {
            echo = true;
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "--drivers") {
            driverDir = value("--drivers");
        } else if (a == "--topo" && cmd == "quick") {
            topo = value("--topo");
        } else if (a == "--driver" && cmd == "quick") {
            drivers.push_back(value("--driver"));
        } else if (a == "--duration" && cmd == "quick") {
            std::string d = value("--duration");
            char* end = nullptr;
            duration = std::strtod(d.c_str(), &end);
            if (*end != 0 || duration <= 0) {
                return Usage("--duration " + d + ": expected seconds (e.g. 10 or 2.5)");
            }
        } else if (!a.empty() && a[0] == '-') {
            return Usage("unknown option '" + a + "'");
        } else if (scenario.empty() && cmd != "quick") {
            scenario = a;
        } else {
            return Usage("unexpected argument '" + a + "'");
        }
    }

    ScenarioSpec spec;
    ScenarioError err;
    if (cmd == "quick") {
        if (topo.empty() || drivers.empty()) {
            return Usage("quick needs --topo and at least one --driver");
        }
        if (!BuildQuickScenario(topo, drivers, duration, sets, driverDir, &spec, &err)) {
            std::cerr << "wsk-ns3: " << err.message << "\n";
            return 2;
        }
    } else {
        if (scenario.empty()) {
            return Usage(cmd + " needs a scenario file");
        }
        if (!LoadScenarioFile(scenario, sets, driverDir, &spec, &err)) {
            std::cerr << "wsk-ns3: " << err.message << "\n";
            return 2;
        }
    }
    if (cmd == "check") {
        std::cout << spec.file << ": ok: " << spec.name << ", " << spec.topology.type << " ("
                  << TopologyNodeCount(spec.topology) << " nodes), " << spec.groups.size() << " group(s), "
                  << spec.duration << " s, seed " << spec.seed << ", completion " << spec.completion
                  << (spec.strict ? ", strict" : "") << "\n";
        return 0;
    }

    RunOptions opt;
    if (!noOut) {
        opt.outDir = out.empty() ? "out/" + spec.name : out;
    }
    opt.progress = progress == 1 || (progress == -1 && isatty(2));
    opt.echoDriverOutput = echo;
    std::string script = LibraryDirectory() + "/wsk_plot.py";
#ifdef WSK_PLOT_SCRIPT
    if (!std::filesystem::exists(script)) {
        script = WSK_PLOT_SCRIPT;
    }
#endif
    opt.plotScript = script;
    RunOutcome r = RunScenario(spec, opt);
    if (!r.error.empty()) {
        std::cerr << "wsk-ns3: " << r.error << "\n";
        return 2;
    }
    if (!quiet) {
        std::cout << spec.name << ": " << r.nodes << " nodes, " << spec.duration << " s simulated, seed " << spec.seed
                  << ", completion " << spec.completion << "\n"
                  << FormatSummaryTable(r);
        if (!r.outDir.empty()) {
            std::cout << "results: " << r.outDir << "\n";
        }
    }
    if (r.driverErrors > 0) {
        std::cerr << "wsk-ns3: " << r.driverErrors << " driver error(s)\n";
    }
    if (r.findings > 0) {
        std::cerr << "wsk-ns3: " << r.findings << " finding(s)"
                  << (r.strict ? " (strict: the run fails)" : " (misuse answered with an error status; --strict fails on them)")
                  << "\n";
    }
    return r.ok ? 0 : 1;
}
