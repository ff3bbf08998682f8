/*
 * bench_scale.cc - scale: N nodes, each with an IPv4 stack and its own instance of a WSK driver that owns a
 * listening socket (bulk_sink.c). Reports set-up time (nodes + stacks, then driver loads), peak memory,
 * simulator events per second, and memory per node.
 *   wsk-bench-scale [--nodes=10000,100000] [--csv=FILE]
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ns3;
using Clock = std::chrono::steady_clock;

struct ScaleResult
{
    uint32_t nodes;
    double stackSeconds, loadSeconds, runSeconds;
    uint64_t events;
    long rssAfterStackKiB, rssAfterLoadKiB;
    uint32_t errors, running;
    long peakKiB;
};

static long
RssKiB()
{
    FILE* f = std::fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) {
            rss = 0;
        }
        std::fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static ScaleResult
Run(uint32_t n, const std::string& dir)
{
    ScaleResult r{};
    r.nodes = n;
    /* Fixing the time resolution before the topology exists stops ns-3 from recording every Time object
     * it creates (a std::set insert and erase per Time until Simulator::Run): ~10 % of set-up at scale. */
    Time::SetResolution(Time::NS);
    auto t0 = Clock::now();
    NodeContainer nodes;
    nodes.Create(n);
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    /* unconnected nodes need no global routing: the static protocol alone, as Nix-vector users would */
    Ipv4StaticRoutingHelper staticRouting;
    stack.SetRoutingHelper(staticRouting);
    stack.Install(nodes);
    auto t1 = Clock::now();
    r.rssAfterStackKiB = RssKiB();
    WskDriverHelper sink(dir + "/bulk_sink.so");
    sink.SetAttribute("Parameters", StringValue("Port=9"));
    sink.SetAttribute("StackSize", UintegerValue(64 * 1024));
    sink.SetAttribute("MaxLogLines", UintegerValue(4));
    ApplicationContainer apps = sink.Install(nodes);
    apps.Start(Seconds(0));
    Simulator::Stop(Seconds(0.001)); /* every DriverEntry runs at t = 0 */
    Simulator::Run();
    auto t2 = Clock::now();
    r.rssAfterLoadKiB = RssKiB();
    uint64_t ev0 = Simulator::GetEventCount();
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    auto t3 = Clock::now();
    r.stackSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.loadSeconds = std::chrono::duration<double>(t2 - t1).count();
    r.runSeconds = std::chrono::duration<double>(t3 - t2).count();
    r.events = Simulator::GetEventCount() - ev0;
    for (auto* app : WskDriverApp::All()) {
        r.running += app->GetState() == WskDriverApp::RUNNING;
    }
    r.errors = WskDriverHelper::TotalDriverErrors();
    return r;
}

int
main(int argc, char** argv)
{
    std::vector<uint32_t> sizes{10000, 100000};
    std::string csv, dir = WSK_DRIVER_DIR;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a.rfind("--nodes=", 0) == 0) {
            sizes.clear();
            std::stringstream ss(a.substr(8));
            std::string item;
            while (std::getline(ss, item, ',')) {
                sizes.push_back((uint32_t)std::stoul(item));
            }
        } else if (a.rfind("--csv=", 0) == 0) {
            csv = a.substr(6);
        } else {
            std::fprintf(stderr, "usage: %s [--nodes=N1,N2] [--csv=FILE]\n", argv[0]);
            return 2;
        }
    }
    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "nodes,stack_s,driver_load_s,setup_s,peak_rss_kib,kib_per_node_driver,events_per_s,running,errors\n";
    }
    int rc = 0;
    for (uint32_t n : sizes) {
        int fds[2];
        if (pipe(fds) != 0) {
            return 1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            ScaleResult r = Run(n, dir);
            (void)!write(fds[1], &r, sizeof r);
            _exit(0);
        }
        close(fds[1]);
        ScaleResult r{};
        bool ok = read(fds[0], &r, sizeof r) == (ssize_t)sizeof r;
        close(fds[0]);
        struct rusage ru;
        int status;
        wait4(pid, &status, 0, &ru);
        r.peakKiB = ru.ru_maxrss;
        if (!ok) {
            std::printf("%u nodes: the run failed (status %d)\n", n, status);
            rc = 1;
            continue;
        }
        double perNode = (double)(r.rssAfterLoadKiB - r.rssAfterStackKiB) / n;
        std::printf("%7u nodes: set-up %.2f s (stacks %.2f s + %u driver loads %.2f s), peak RSS %.1f MiB, "
                    "driver instance + listening socket %.2f KiB/node, %.0f events/s, %u errors\n",
                    n, r.stackSeconds + r.loadSeconds, r.stackSeconds, r.running, r.loadSeconds, r.peakKiB / 1024.0,
                    perNode, r.runSeconds > 0 ? r.events / r.runSeconds : 0.0, r.errors);
        if (out) {
            out << n << "," << r.stackSeconds << "," << r.loadSeconds << "," << r.stackSeconds + r.loadSeconds << ","
                << r.peakKiB << "," << perNode << "," << (r.runSeconds > 0 ? r.events / r.runSeconds : 0) << ","
                << r.running << "," << r.errors << "\n";
        }
        rc |= r.errors != 0 || r.running != n;
    }
    return rc;
}
