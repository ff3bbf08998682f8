/*
 * bench_host.cc - driver-host micro-benchmarks: coroutine context-switch round trip (against glibc's
 * swapcontext on the same machine), driver-instance load time, and memory per node with a loaded driver.
 *   wsk-bench-host [--switches=N] [--nodes=1000,10000] [--csv=FILE]
 */
#include "coroutine.h"
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include "ns3/core-module.h"
#include "ns3/network-module.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <ucontext.h>
#include <vector>

using namespace ns3;
using Clock = std::chrono::steady_clock;

static long
RssKiB()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

static volatile uint64_t g_spins;

static void
SpinEntry(void*)
{
    for (;;) {
        g_spins++;
        KcoYield();
    }
}

static double
CoroutineRoundTripNs(uint64_t n)
{
    KCO* co = KcoCreate(64 * 1024, &SpinEntry, nullptr, "bench");
    for (int i = 0; i < 1000; i++) {
        KcoResume(co);
    }
    auto t0 = Clock::now();
    for (uint64_t i = 0; i < n; i++) {
        KcoResume(co);
    }
    auto t1 = Clock::now();
    KcoDestroy(co); /* suspended for good: its stack can go */
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / (double)n;
}

static ucontext_t g_main, g_ctx;

static void
UctxEntry()
{
    for (;;) {
        swapcontext(&g_ctx, &g_main);
    }
}

static double
SwapcontextRoundTripNs(uint64_t n)
{
    static std::vector<char> stack(64 * 1024);
    getcontext(&g_ctx);
    g_ctx.uc_stack.ss_sp = stack.data();
    g_ctx.uc_stack.ss_size = stack.size();
    g_ctx.uc_link = &g_main;
    makecontext(&g_ctx, &UctxEntry, 0);
    auto t0 = Clock::now();
    for (uint64_t i = 0; i < n; i++) {
        swapcontext(&g_main, &g_ctx);
    }
    auto t1 = Clock::now();
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / (double)n;
}

struct NodeRun
{
    uint32_t nodes;
    double loadUsPerNode;
    double kibPerNode;
    double wallSeconds;
    uint32_t errors;
};

static NodeRun
LoadNodes(uint32_t n)
{
    std::string driver = std::string(WSK_DRIVER_DIR) + "/drv_counter_thread.so";
    long before = RssKiB();
    NodeContainer nodes;
    nodes.Create(n);
    long afterNodes = RssKiB();
    WskDriverHelper helper(driver);
    helper.SetAttribute("StackSize", UintegerValue(64 * 1024));
    ApplicationContainer apps = helper.Install(nodes);
    apps.Start(Seconds(0));
    apps.Stop(Seconds(2.5));
    /* Load phase: every DriverEntry runs at t = 0 and creates its thread. */
    auto t0 = Clock::now();
    Simulator::Stop(Seconds(0.5));
    Simulator::Run();
    auto t1 = Clock::now();
    long loaded = RssKiB();
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    auto t2 = Clock::now();
    NodeRun r;
    r.nodes = n;
    r.loadUsPerNode = std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
    r.kibPerNode = (double)(loaded - afterNodes) / n;
    r.wallSeconds = std::chrono::duration<double>(t2 - t0).count();
    r.errors = WskDriverHelper::TotalDriverErrors();
    (void)before;
    Simulator::Destroy();
    return r;
}

int
main(int argc, char** argv)
{
    uint64_t switches = 2000000;
    std::vector<uint32_t> sizes{1000, 10000};
    std::string csv;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a.rfind("--switches=", 0) == 0) {
            switches = std::stoull(a.substr(11));
        } else if (a.rfind("--nodes=", 0) == 0) {
            sizes.clear();
            std::stringstream ss(a.substr(8));
            std::string item;
            while (std::getline(ss, item, ',')) {
                sizes.push_back((uint32_t)std::stoul(item));
            }
        } else if (a.rfind("--csv=", 0) == 0) {
            csv = a.substr(6);
        } else if (a == "--quick") {
        } else {
            std::fprintf(stderr, "usage: %s [--switches=N] [--nodes=N1,N2] [--csv=FILE]\nunknown option '%s'\n",
                         argv[0], a.c_str());
            return 2;
        }
    }
    double co = CoroutineRoundTripNs(switches);
    double uc = SwapcontextRoundTripNs(switches / 4 + 1);
    std::printf("context switch round trip: coroutine %.1f ns, glibc swapcontext %.1f ns (%.1fx)\n", co, uc,
                uc / co);
    std::vector<NodeRun> runs;
    for (uint32_t n : sizes) {
        runs.push_back(LoadNodes(n));
        const NodeRun& r = runs.back();
        std::printf("%6u nodes: driver load %.1f us/node, %.1f KiB/node with a loaded driver and one thread, "
                    "%.2f s wall for 3 simulated s, %u driver errors\n",
                    r.nodes, r.loadUsPerNode, r.kibPerNode, r.wallSeconds, r.errors);
    }
    if (!csv.empty()) {
        std::ofstream f(csv);
        f << "metric,nodes,value,unit\n";
        f << "coroutine_round_trip,," << co << ",ns\n";
        f << "swapcontext_round_trip,," << uc << ",ns\n";
        for (auto& r : runs) {
            f << "driver_load," << r.nodes << "," << r.loadUsPerNode << ",us_per_node\n";
            f << "memory_per_node," << r.nodes << "," << r.kibPerNode << ",KiB_per_node\n";
        }
    }
    for (auto& r : runs) {
        if (r.errors) {
            return 1;
        }
    }
    return 0;
}
