/*
 * bench_native_vs_wsk.cc - the same traffic written twice, as native ns-3 applications and as WSK drivers,
 * on the same topology and seed, run alternately (each run in its own child process so that peak memory
 * is measured per run): wall-time ratio (median over the pairs), scheduler-event ratio, peak RSS.
 *   wsk-bench-compare tcp [--flows=500] [--bytes=200000] [--pairs=5] [--csv=FILE]
 *   wsk-bench-compare udp [--hosts=1000] [--rate=100] [--size=64] [--seconds=10] [--pairs=5] [--csv=FILE]
 * Workload "tcp": a dumbbell of `flows` left and `flows` right leaves; left leaf i sends `bytes` to right
 * leaf i (native: BulkSendApplication -> PacketSink; WSK: bulk_sender.c -> bulk_sink.c).
 * Workload "udp": a dumbbell of hosts/2 left and hosts/2 right leaves; left leaf i sends a `size`-byte
 * request to right leaf i `rate` times a second for `seconds` simulated seconds and right leaf i sends each
 * back (native: UdpEchoClient -> UdpEchoServer; WSK: udp_requester.c -> udp_responder.c). The figure that
 * must match is the number of requests answered.
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
#include "wsk-provider-object.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
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
    uint64_t bytes = 0;   //!< tcp: bytes delivered; udp: requests answered (replies received)
    uint64_t sent = 0;    //!< udp: requests sent
    long maxRssKiB = 0;
    uint32_t errors = 0;
};

/* Both workloads: `leaves` left and `leaves` right leaves (100 Mb/s, 1 ms) around a 10 Gb/s, 5 ms neck. */
static std::unique_ptr<PointToPointDumbbellHelper>
Dumbbell(uint32_t leaves)
{
    PointToPointHelper leaf, neck;
    leaf.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    leaf.SetChannelAttribute("Delay", StringValue("1ms"));
    neck.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    neck.SetChannelAttribute("Delay", StringValue("5ms"));
    auto d = std::make_unique<PointToPointDumbbellHelper>(leaves, leaf, leaves, leaf, neck);
    InternetStackHelper stack;
    Ipv4NixVectorHelper nix; /* per-destination cached paths: no linear route scan per packet at the routers */
    stack.SetRoutingHelper(nix);
    d->InstallStack(stack);
    d->AssignIpv4Addresses(Ipv4AddressHelper("10.1.0.0", "255.255.255.0"), Ipv4AddressHelper("10.100.0.0", "255.255.255.0"),
                           Ipv4AddressHelper("10.200.0.0", "255.255.255.0"));
    return d;
}

/* Runs the simulation until `stop` and fills in the wall times (setup counted from t0) and the event count. */
static void
RunTimed(RunResult& r, Time stop, std::chrono::steady_clock::time_point t0)
{
    Simulator::Stop(stop);
    auto t1 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t2 = std::chrono::steady_clock::now();
    r.setupSeconds = std::chrono::duration<double>(t1 - t0).count();
    r.wallSeconds = std::chrono::duration<double>(t2 - t1).count();
    r.events = Simulator::GetEventCount();
}

/* Calls `take` with each RESULT line of every driver log that matches `re`. */
static void
ForEachResult(const std::regex& re, const std::function<void(const std::smatch&)>& take)
{
    for (auto* app : WskDriverApp::All()) {
        for (auto& l : app->GetLog()) {
            std::smatch m;
            if (std::regex_search(l, m, re)) {
                take(m);
            }
        }
    }
}

static RunResult
RunTcp(bool wsk, uint32_t flows, uint64_t bytes, const std::string& driverDir)
{
    RunResult r;
    auto t0 = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(1);
    std::unique_ptr<PointToPointDumbbellHelper> dumbbell = Dumbbell(flows);
    PointToPointDumbbellHelper& d = *dumbbell;
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
    RunTimed(r, Seconds(60), t0);
    if (wsk) {
        ForEachResult(std::regex("RESULT sink connections=\\d+ bytes=(\\d+)"),
                      [&](const std::smatch& m) { r.bytes += std::stoull(m[1]); });
        r.errors = WskDriverHelper::TotalDriverErrors();
    } else {
        for (auto& s : sinks) {
            r.bytes += s->GetTotalRx();
        }
    }
    Simulator::Destroy();
    return r;
}

struct UdpOptions
{
    uint32_t hosts = 1000;
    uint32_t rate = 100;
    uint32_t size = 64;
    uint32_t seconds = 10;
};

static void
CountPacket(uint64_t* n, Ptr<const Packet>)
{
    (*n)++;
}

static RunResult
RunUdp(bool wsk, const UdpOptions& o, const std::string& driverDir)
{
    RunResult r;
    auto t0 = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(1);
    uint32_t pairs = o.hosts / 2;
    uint32_t count = o.rate * o.seconds;
    /* the same schedule for both variants: responders from 0 s, requests from 0.1 s, the last one at
     * 0.1 + (count - 1) / rate s; a second later the requesters stop, then the responders */
    Time clientStop = Seconds(0.1 + o.seconds + 1), serverStop = clientStop + Seconds(0.5);
    std::unique_ptr<PointToPointDumbbellHelper> dumbbell = Dumbbell(pairs);
    PointToPointDumbbellHelper& d = *dumbbell;
    WskDriverHelper responder(driverDir + "/udp_responder.so");
    responder.SetAttribute("Parameters", StringValue("Port=9"));
    WskDriverHelper requester(driverDir + "/udp_requester.so");
    UdpEchoServerHelper echoServer(9);
    for (uint32_t i = 0; i < pairs; i++) {
        ApplicationContainer s, c;
        if (wsk) {
            std::ostringstream ip;
            d.GetRightIpv4Address(i).Print(ip);
            s = responder.Install(d.GetRight(i));
            requester.SetAttribute("Parameters", StringValue("Port=9;Server=" + ip.str() + ";Size=" +
                                                             std::to_string(o.size) + ";Rate=" +
                                                             std::to_string(o.rate) + ";Count=" +
                                                             std::to_string(count)));
            c = requester.Install(d.GetLeft(i));
        } else {
            s = echoServer.Install(d.GetRight(i));
            UdpEchoClientHelper echoClient(d.GetRightIpv4Address(i), 9);
            echoClient.SetAttribute("MaxPackets", UintegerValue(count));
            echoClient.SetAttribute("Interval", TimeValue(Seconds(1.0 / o.rate)));
            echoClient.SetAttribute("PacketSize", UintegerValue(o.size));
            c = echoClient.Install(d.GetLeft(i));
            c.Get(0)->TraceConnectWithoutContext("Tx", MakeBoundCallback(&CountPacket, &r.sent));
            c.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&CountPacket, &r.bytes));
        }
        s.Start(Seconds(0));
        s.Stop(serverStop);
        c.Start(Seconds(0.1));
        c.Stop(clientStop);
    }
    RunTimed(r, serverStop + Seconds(0.5), t0);
    if (wsk) {
        ForEachResult(std::regex("RESULT udp_requester sent=(\\d+) replies=(\\d+) skipped=(\\d+) failed=(\\d+)"),
                      [&](const std::smatch& m) {
                          r.sent += std::stoull(m[1]);
                          r.bytes += std::stoull(m[2]);
                          r.errors += (uint32_t)(std::stoul(m[3]) + std::stoul(m[4])); /* skipped or failed sends */
                      });
        r.errors += WskDriverHelper::TotalDriverErrors();
    }
    Simulator::Destroy();
    return r;
}

/* Runs one variant in a child process; the result comes back through a pipe, peak RSS from wait4. */
static RunResult
RunIsolated(const std::function<RunResult()>& run)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return {};
    }
    std::fflush(nullptr); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        RunResult r = run();
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
    UdpOptions udp;
    uint32_t pairs = 5;
    std::string csv;
    std::string dir = WSK_DRIVER_DIR;
    std::string only;
    std::string completion = "windows";
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a.rfind("--flows=", 0) == 0) {
            flows = std::stoul(a.substr(8));
        } else if (a.rfind("--bytes=", 0) == 0) {
            bytes = std::stoull(a.substr(8));
        } else if (a.rfind("--hosts=", 0) == 0) {
            udp.hosts = std::stoul(a.substr(8));
        } else if (a.rfind("--rate=", 0) == 0) {
            udp.rate = std::stoul(a.substr(7));
        } else if (a.rfind("--size=", 0) == 0) {
            udp.size = std::stoul(a.substr(7));
        } else if (a.rfind("--seconds=", 0) == 0) {
            udp.seconds = std::stoul(a.substr(10));
        } else if (a.rfind("--pairs=", 0) == 0) {
            pairs = std::stoul(a.substr(8));
        } else if (a.rfind("--csv=", 0) == 0) {
            csv = a.substr(6);
        } else if (a.rfind("--completion=", 0) == 0) {
            completion = a.substr(13); /* the WSK provider's CompletionMode: windows, inline or random */
        } else if (a.rfind("--only=", 0) == 0) {
            only = a.substr(7); /* one variant in this process, for profiling */
        } else if (a != workload) {
            std::fprintf(stderr,
                         "usage: %s tcp [--flows=N] [--bytes=N] [--pairs=N] [--csv=FILE] [--only=native|wsk] "
                         "[--completion=windows|inline|random]\n"
                         "       %s udp [--hosts=N] [--rate=N] [--size=N] [--seconds=N] [--pairs=N] [--csv=FILE] "
                         "[--only=native|wsk] [--completion=windows|inline|random]\n",
                         argv[0], argv[0]);
            return 2;
        }
    }
    if (workload != "tcp" && workload != "udp") {
        std::fprintf(stderr, "workload '%s' is not available (known: tcp, udp)\n", workload.c_str());
        return 2;
    }
    WskProvider::CompletionMode mode;
    if (!WskProvider::ParseCompletionMode(completion, mode)) {
        std::fprintf(stderr, "--completion=%s: expected windows, inline or random\n", completion.c_str());
        return 2;
    }
    Config::SetDefault("ns3::WskProvider::CompletionMode", StringValue(completion));
    std::printf("WSK completion mode: %s\n", completion.c_str());
    bool isUdp = workload == "udp";
    /* the WSK requester's KTIMER period is whole milliseconds: other rates would not match the native interval */
    if (isUdp && (udp.hosts < 2 || udp.rate == 0 || 1000 % udp.rate != 0 || udp.size == 0 || udp.seconds == 0)) {
        std::fprintf(stderr, "udp needs --hosts >= 2, --rate dividing 1000, --size and --seconds > 0\n");
        return 2;
    }
    if (pairs == 0) {
        pairs = 1;
    }
    auto run = [&](bool wsk) { return isUdp ? RunUdp(wsk, udp, dir) : RunTcp(wsk, flows, bytes, dir); };
    if (!only.empty()) {
        RunResult r = run(only == "wsk");
        if (isUdp) {
            std::printf("%s: %.3f s wall, %.3f s setup, %llu events, %llu requests, %llu replies, %u errors\n",
                        only.c_str(), r.wallSeconds, r.setupSeconds, (unsigned long long)r.events,
                        (unsigned long long)r.sent, (unsigned long long)r.bytes, r.errors);
        } else {
            std::printf("%s: %.3f s wall, %.3f s setup, %llu events, %llu B, %u errors\n", only.c_str(), r.wallSeconds,
                        r.setupSeconds, (unsigned long long)r.events, (unsigned long long)r.bytes, r.errors);
        }
        return r.errors ? 1 : 0;
    }
    std::vector<double> ratios;
    std::vector<RunResult> natives, wsks;
    for (uint32_t p = 0; p < pairs; p++) {
        RunResult n = RunIsolated([&] { return run(false); });
        RunResult w = RunIsolated([&] { return run(true); });
        natives.push_back(n);
        wsks.push_back(w);
        ratios.push_back(w.wallSeconds / n.wallSeconds);
        if (isUdp) {
            std::printf("pair %u: native %.3f s (%llu events, %llu/%llu answered, %ld KiB) | wsk %.3f s (%llu events, "
                        "%llu/%llu answered, %ld KiB, %u errors) | ratio %.3f\n",
                        p + 1, n.wallSeconds, (unsigned long long)n.events, (unsigned long long)n.bytes,
                        (unsigned long long)n.sent, n.maxRssKiB, w.wallSeconds, (unsigned long long)w.events,
                        (unsigned long long)w.bytes, (unsigned long long)w.sent, w.maxRssKiB, w.errors, ratios.back());
        } else {
            std::printf("pair %u: native %.3f s (%llu events, %llu B, %ld KiB) | wsk %.3f s (%llu events, %llu B, "
                        "%ld KiB, %u errors) | ratio %.3f\n",
                        p + 1, n.wallSeconds, (unsigned long long)n.events, (unsigned long long)n.bytes, n.maxRssKiB,
                        w.wallSeconds, (unsigned long long)w.events, (unsigned long long)w.bytes, w.maxRssKiB,
                        w.errors, ratios.back());
        }
        std::fflush(stdout);
    }
    std::vector<double> sorted = ratios;
    std::sort(sorted.begin(), sorted.end());
    double median = sorted[sorted.size() / 2];
    double evRatio = (double)wsks[0].events / (double)natives[0].events;
    if (isUdp) {
        std::printf("udp request/response, %u hosts (%u pairs) x %u/s x %u s, %u B: wall-time ratio wsk/native "
                    "median %.3f over %u pairs; scheduler events %.4f (native %llu, wsk %llu); peak RSS native %ld "
                    "KiB, wsk %ld KiB; requests answered native %llu/%llu, wsk %llu/%llu\n",
                    udp.hosts, udp.hosts / 2, udp.rate, udp.seconds, udp.size, median, pairs, evRatio,
                    (unsigned long long)natives[0].events, (unsigned long long)wsks[0].events, natives[0].maxRssKiB,
                    wsks[0].maxRssKiB, (unsigned long long)natives[0].bytes, (unsigned long long)natives[0].sent,
                    (unsigned long long)wsks[0].bytes, (unsigned long long)wsks[0].sent);
    } else {
        std::printf("tcp bulk, %u flows x %llu bytes: wall-time ratio wsk/native median %.3f over %u pairs; "
                    "scheduler events %.4f; peak RSS native %ld KiB, wsk %ld KiB; bytes delivered native %llu, wsk %llu\n",
                    flows, (unsigned long long)bytes, median, pairs, evRatio, natives[0].maxRssKiB, wsks[0].maxRssKiB,
                    (unsigned long long)natives[0].bytes, (unsigned long long)wsks[0].bytes);
    }
    if (!csv.empty()) {
        std::ofstream f(csv);
        f << (isUdp ? "workload,completion,pair,variant,wall_s,setup_s,events,requests,replies,max_rss_kib,errors\n"
                    : "workload,completion,pair,variant,wall_s,setup_s,events,bytes,max_rss_kib,errors\n");
        for (uint32_t p = 0; p < pairs; p++) {
            for (int v = 0; v < 2; v++) {
                const RunResult& r = v ? wsks[p] : natives[p];
                f << workload << "," << completion << "," << p + 1 << "," << (v ? "wsk" : "native") << ","
                  << r.wallSeconds << ","
                  << r.setupSeconds << "," << r.events << ",";
                if (isUdp) {
                    f << r.sent << ",";
                }
                f << r.bytes << "," << r.maxRssKiB << "," << r.errors << "\n";
            }
        }
    }
    bool ok = wsks[0].errors == 0 && wsks[0].bytes == natives[0].bytes;
    if (isUdp) {
        for (uint32_t p = 0; p < pairs; p++) {
            ok = ok && wsks[p].errors == 0 && wsks[p].bytes == natives[p].bytes && wsks[p].sent == natives[p].sent;
        }
    }
    if (!ok) {
        std::fprintf(stderr, isUdp ? "the WSK run did not answer the same number of requests as the native run, or "
                                     "had driver errors\n"
                                   : "the WSK run did not deliver the same bytes as the native run, or had driver "
                                     "errors\n");
    }
    return ok ? 0 : 1;
}
