/*
 * bench_native_vs_wsk.cc - the same traffic written twice, as native ns-3 applications and as WSK drivers,
 * on the same topology and seed, run alternately (each run in its own child process so that peak memory
 * is measured per run): wall-time ratio (median over the pairs), scheduler-event ratio, peak RSS.
 *   wsk-bench-compare tcp [--flows=500] [--bytes=200000] [--pairs=5] [--csv=FILE]
 * Workload "tcp": a dumbbell of `flows` left and `flows` right leaves; left leaf i sends `bytes` to right
 * leaf i (native: BulkSendApplication -> PacketSink; WSK: bulk_sender.c -> bulk_sink.c).
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/nix-vector-routing-module.h"
#include "ns3/point-to-point-layout-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ns3;

struct RunResult
{
    double wallSeconds = 0;
    double setupSeconds = 0;
    uint64_t events = 0;
    uint64_t bytes = 0;
    long maxRssKiB = 0;
    uint32_t errors = 0;
};

static RunResult
RunTcp(bool wsk, uint32_t flows, uint64_t bytes, const std::string& driverDir)
{
    RunResult r;
    auto t0 = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(1);
    PointToPointHelper leaf, neck;
    leaf.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    leaf.SetChannelAttribute("Delay", StringValue("1ms"));
    neck.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    neck.SetChannelAttribute("Delay", StringValue("5ms"));
    PointToPointDumbbellHelper d(flows, leaf, flows, leaf, neck);
    InternetStackHelper stack;
    Ipv4NixVectorHelper nix; /* per-destination cached paths: no linear route scan per packet at the routers */
    stack.SetRoutingHelper(nix);
    d.InstallStack(stack);
    d.AssignIpv4Addresses(Ipv4AddressHelper("10.1.0.0", "255.255.255.0"), Ipv4AddressHelper("10.100.0.0", "255.255.255.0"),
                          Ipv4AddressHelper("10.200.0.0", "255.255.255.0"));
    std::vector<Ptr<PacketSink>> sinks;
    for (uint32_t i = 0; i < flows; i++) {
        std::ostringstream ip;
        d.GetRightIpv4Address(i).Print(ip);
        if (wsk) {
            WskDriverHelper sink(driverDir + "/bulk_sink.so");
            sink.SetAttribute("Parameters", StringValue("Port=9"));
            ApplicationContainer s = sink.Install(d.GetRight(i));
            s.Start(Seconds(0));
            s.Stop(Seconds(59));
            WskDriverHelper src(driverDir + "/bulk_sender.so");
            src.SetAttribute("Parameters", StringValue("Port=9;Server=" + ip.str() + ";Bytes=" + std::to_string(bytes) +
                                                       ";Chunk=65536;Depth=4"));
            ApplicationContainer c = src.Install(d.GetLeft(i));
            c.Start(Seconds(0.1));
            c.Stop(Seconds(58));
        } else {
            PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 9));
            ApplicationContainer s = sink.Install(d.GetRight(i));
            s.Start(Seconds(0));
            sinks.push_back(DynamicCast<PacketSink>(s.Get(0)));
            BulkSendHelper src("ns3::TcpSocketFactory", InetSocketAddress(d.GetRightIpv4Address(i), 9));
            src.SetAttribute("MaxBytes", UintegerValue(bytes));
            src.SetAttribute("SendSize", UintegerValue(65536));
            ApplicationContainer c = src.Install(d.GetLeft(i));
            c.Start(Seconds(0.1));
        }
    }
    Simulator::Stop(Seconds(60));
    auto t1 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t2 = std::chrono::steady_clock::now();
    r.setupSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.wallSeconds = std::chrono::duration<double>(t2 - t1).count();
    r.events = Simulator::GetEventCount();
    if (wsk) {
        std::regex re("RESULT sink connections=\\d+ bytes=(\\d+)");
        for (auto* app : WskDriverApp::All()) {
            for (auto& l : app->GetLog()) {
                std::smatch m;
                if (std::regex_search(l, m, re)) {
                    r.bytes += std::stoull(m[1]);
                }
            }
        }
        r.errors = WskDriverHelper::TotalDriverErrors();
    } else {
        for (auto& s : sinks) {
            r.bytes += s->GetTotalRx();
        }
    }
    Simulator::Destroy();
    return r;
}

/* Runs one variant in a child process; the result comes back through a pipe, peak RSS from wait4. */
static RunResult
RunIsolated(bool wsk, uint32_t flows, uint64_t bytes, const std::string& dir)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return {};
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        RunResult r = RunTcp(wsk, flows, bytes, dir);
        (void)!write(fds[1], &r, sizeof r);
        _exit(0);
    }
    close(fds[1]);
    RunResult r;
    if (read(fds[0], &r, sizeof r) != (ssize_t)sizeof r) {
        r.errors = 1;
    }
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    r.maxRssKiB = ru.ru_maxrss;
    return r;
}

int
main(int argc, char** argv)
{
    std::string workload = argc > 1 && argv[1][0] != '-' ? argv[1] : "tcp";
    uint32_t flows = 500;
    uint64_t bytes = 200000;
    uint32_t pairs = 5;
    std::string csv;
    std::string dir = WSK_DRIVER_DIR;
    std::string only;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a.rfind("--flows=", 0) == 0) {
            flows = std::stoul(a.substr(8));
        } else if (a.rfind("--bytes=", 0) == 0) {
            bytes = std::stoull(a.substr(8));
        } else if (a.rfind("--pairs=", 0) == 0) {
            pairs = std::stoul(a.substr(8));
        } else if (a.rfind("--csv=", 0) == 0) {
            csv = a.substr(6);
        } else if (a.rfind("--only=", 0) == 0) {
            only = a.substr(7); /* one variant in this process, for profiling */
        } else if (a != workload) {
            std::fprintf(stderr, "usage: %s tcp [--flows=N] [--bytes=N] [--pairs=N] [--csv=FILE] [--only=native|wsk]\n", argv[0]);
            return 2;
        }
    }
    if (workload != "tcp") {
        std::fprintf(stderr, "workload '%s' is not available (known: tcp)\n", workload.c_str());
        return 2;
    }
    if (!only.empty()) {
        RunResult r = RunTcp(only == "wsk", flows, bytes, dir);
        std::printf("%s: %.3f s wall, %.3f s setup, %llu events, %llu B, %u errors\n", only.c_str(), r.wallSeconds,
                    r.setupSeconds, (unsigned long long)r.events, (unsigned long long)r.bytes, r.errors);
        return r.errors ? 1 : 0;
    }
    std::vector<double> ratios;
    std::vector<RunResult> natives, wsks;
    for (uint32_t p = 0; p < pairs; p++) {
        RunResult n = RunIsolated(false, flows, bytes, dir);
        RunResult w = RunIsolated(true, flows, bytes, dir);
        natives.push_back(n);
        wsks.push_back(w);
        ratios.push_back(w.wallSeconds / n.wallSeconds);
        std::printf("pair %u: native %.3f s (%llu events, %llu B, %ld KiB) | wsk %.3f s (%llu events, %llu B, %ld KiB, "
                    "%u errors) | ratio %.3f\n",
                    p + 1, n.wallSeconds, (unsigned long long)n.events, (unsigned long long)n.bytes, n.maxRssKiB,
                    w.wallSeconds, (unsigned long long)w.events, (unsigned long long)w.bytes, w.maxRssKiB, w.errors,
                    ratios.back());
        std::fflush(stdout);
    }
    std::vector<double> sorted = ratios;
    std::sort(sorted.begin(), sorted.end());
    double median = sorted[sorted.size() / 2];
    double evRatio = (double)wsks[0].events / (double)natives[0].events;
    std::printf("tcp bulk, %u flows x %llu bytes: wall-time ratio wsk/native median %.3f over %u pairs; "
                "scheduler events %.4f; peak RSS native %ld KiB, wsk %ld KiB; bytes delivered native %llu, wsk %llu\n",
                flows, (unsigned long long)bytes, median, pairs, evRatio, natives[0].maxRssKiB, wsks[0].maxRssKiB,
                (unsigned long long)natives[0].bytes, (unsigned long long)wsks[0].bytes);
    if (!csv.empty()) {
        std::ofstream f(csv);
        f << "workload,pair,variant,wall_s,setup_s,events,bytes,max_rss_kib,errors\n";
        for (uint32_t p = 0; p < pairs; p++) {
            for (int v = 0; v < 2; v++) {
                const RunResult& r = v ? wsks[p] : natives[p];
                f << "tcp," << p + 1 << "," << (v ? "wsk" : "native") << "," << r.wallSeconds << "," << r.setupSeconds
                  << "," << r.events << "," << r.bytes << "," << r.maxRssKiB << "," << r.errors << "\n";
            }
        }
    }
    bool ok = wsks[0].errors == 0 && wsks[0].bytes == natives[0].bytes;
    if (!ok) {
        std::fprintf(stderr, "the WSK run did not deliver the same bytes as the native run, or had driver errors\n");
    }
    return ok ? 0 : 1;
}
