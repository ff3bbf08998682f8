/*
 * bench_socket.cc - provider micro-benchmarks, each variant in its own child process:
 *   memory per socket   N bound listening sockets created by a driver (socket_mem.c) against N bound
 *                       listening ns-3 TCP sockets created natively: heap growth per socket (mallinfo2), and
 *                       the difference (what WSK costs beyond ns-3's own socket);
 *   memory per IRP      M WskReceive IRPs pending on one connection: heap growth per pending IRP, the IRPs
 *                       themselves being allocated beforehand (they are the driver's memory, as on Windows);
 *   callback dispatch   K datagrams into a native UDP socket's receive callback against K datagrams into a
 *                       driver's WskReceiveFromEvent (udp_sink.c), same sender and link: wall time per
 *                       datagram, and the difference (what one WSK indication costs beyond ns-3's delivery).
 *   wsk-bench-socket [--sockets=20000] [--irps=100000] [--datagrams=300000] [--pairs=3] [--csv=FILE]
 */
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <malloc.h>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace ns3;
using Clock = std::chrono::steady_clock;

/* Heap bytes in use (malloc'ed, including mmap'ed chunks): exact, unlike RSS which moves by pages. */
static long
HeapBytes()
{
    struct mallinfo2 m = mallinfo2();
    return (long)(m.uordblks + m.hblkhd);
}

struct Sample
{
    double a = 0; // bytes per socket, or ns per datagram
    double b = 0; // bytes per pending IRP
    uint64_t count = 0;
    uint32_t errors = 0;
};

/* Runs fn in a child process and returns what it wrote. */
template <typename F>
static Sample
Isolated(F fn)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return {};
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        Sample s = fn();
        (void)!write(fds[1], &s, sizeof s);
        _exit(0);
    }
    close(fds[1]);
    Sample s;
    if (read(fds[0], &s, sizeof s) != (ssize_t)sizeof s) {
        s.errors = 1;
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return s;
}

static std::string
DriverLog(const std::regex& re, std::smatch& m)
{
    for (auto* app : WskDriverApp::All()) {
        for (auto& l : app->GetLog()) {
            if (std::regex_search(l, m, re)) {
                return l;
            }
        }
    }
    return "";
}

static NodeContainer
OneNode()
{
    NodeContainer n;
    n.Create(1);
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(n);
    return n;
}

static bool
AcceptAll(Ptr<Socket>, const Address&)
{
    return true;
}

static void
Accepted(Ptr<Socket>, const Address&)
{
}

/* Native: N listening ns-3 TCP sockets bound at t = 1 s; RSS sampled around it. */
static Sample
NativeSockets(uint32_t n)
{
    Time::SetResolution(Time::NS);
    NodeContainer node = OneNode();
    std::vector<Ptr<Socket>> sockets;
    long before = 0, after = 0;
    Simulator::Schedule(Seconds(0.9), [&] { before = HeapBytes(); });
    Simulator::Schedule(Seconds(1), [&] {
        for (uint32_t i = 0; i < n; i++) {
            Ptr<Socket> s = Socket::CreateSocket(node.Get(0), TcpSocketFactory::GetTypeId());
            s->Bind(InetSocketAddress(Ipv4Address::GetAny(), (uint16_t)(20000 + i % 40000)));
            /* what any native listener that accepts connections sets (PacketSink sets the same two) */
            s->SetAcceptCallback(MakeCallback(&AcceptAll), MakeCallback(&Accepted));
            s->Listen();
            sockets.push_back(s);
        }
    });
    Simulator::Schedule(Seconds(1.9), [&] { after = HeapBytes(); });
    Simulator::Stop(Seconds(2));
    Simulator::Run();
    Sample r;
    r.a = (double)(after - before) / n;
    r.count = sockets.size();
    Simulator::Destroy();
    return r;
}

/* WSK: socket_mem.c creates N bound listening sockets at t = 1 s and posts M receives at t = 2 s. */
static Sample
WskSockets(uint32_t n, uint32_t irps)
{
    Time::SetResolution(Time::NS);
    NodeContainer node = OneNode();
    long rss[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        Simulator::Schedule(Seconds(0.9 + i), [&rss, i] { rss[i] = HeapBytes(); });
    }
    WskDriverHelper h(std::string(WSK_DRIVER_DIR) + "/socket_mem.so");
    h.SetAttribute("Parameters", StringValue("Sockets=" + std::to_string(n) + ";Irps=" + std::to_string(irps)));
    ApplicationContainer apps = h.Install(node);
    apps.Start(Seconds(0));
    apps.Stop(Seconds(4));
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    Sample r;
    r.a = (double)(rss[1] - rss[0]) / n;
    r.b = (double)(rss[2] - rss[1]) / irps;
    std::smatch m;
    DriverLog(std::regex("RESULT socket_mem sockets=(\\d+) cancelled=(\\d+)"), m);
    if (m.size() == 3) {
        r.count = std::stoull(m[1]);
        r.errors = (std::stoull(m[1]) != n) + (std::stoull(m[2]) != irps);
    } else {
        r.errors = 1;
    }
    r.errors += WskDriverHelper::TotalDriverErrors();
    Simulator::Destroy();
    return r;
}

/* The same K datagrams (32 bytes, 1 us apart, from a native socket on node 0) into node 1's receiver. */
static Sample
Dispatch(bool wsk, uint32_t k)
{
    Time::SetResolution(Time::NS);
    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Gbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1us"));
    p2p.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("100000p"));
    NetDeviceContainer devs = p2p.Install(nodes);
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(nodes);
    Ipv4AddressHelper addr("10.1.1.0", "255.255.255.0");
    addr.Assign(devs);
    uint64_t received = 0;
    Ptr<Socket> sink;
    if (wsk) {
        WskDriverHelper h(std::string(WSK_DRIVER_DIR) + "/udp_sink.so");
        ApplicationContainer a = h.Install(nodes.Get(1));
        a.Start(Seconds(0));
        a.Stop(Seconds(2));
    } else {
        sink = Socket::CreateSocket(nodes.Get(1), UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        sink->SetRecvCallback([&received](Ptr<Socket> s) {
            Address from;
            while (s->RecvFrom(from)) {
                received++;
            }
        });
    }
    Ptr<Socket> src = Socket::CreateSocket(nodes.Get(0), UdpSocketFactory::GetTypeId());
    src->Connect(InetSocketAddress(Ipv4Address("10.1.1.2"), 9));
    for (uint32_t i = 0; i < k; i++) {
        Simulator::Schedule(Seconds(1) + MicroSeconds(i), [src] { src->Send(Create<Packet>(32)); });
    }
    Simulator::Stop(Seconds(3));
    auto t0 = Clock::now();
    Simulator::Run();
    auto t1 = Clock::now();
    Sample r;
    r.a = std::chrono::duration<double, std::nano>(t1 - t0).count() / k;
    if (wsk) {
        std::smatch m;
        DriverLog(std::regex("RESULT udp_sink datagrams=(\\d+)"), m);
        received = m.size() == 2 ? std::stoull(m[1]) : 0;
        r.errors = WskDriverHelper::TotalDriverErrors();
    }
    r.count = received;
    r.errors += received != k;
    Simulator::Destroy();
    return r;
}

static double
Median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int
main(int argc, char** argv)
{
    uint32_t sockets = 20000, irps = 100000, datagrams = 300000, pairs = 3;
    std::string csv;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto num = [&](const char* p) { return (uint32_t)std::stoul(a.substr(std::strlen(p))); };
        if (a.rfind("--sockets=", 0) == 0) {
            sockets = num("--sockets=");
        } else if (a.rfind("--irps=", 0) == 0) {
            irps = num("--irps=");
        } else if (a.rfind("--datagrams=", 0) == 0) {
            datagrams = num("--datagrams=");
        } else if (a.rfind("--pairs=", 0) == 0) {
            pairs = num("--pairs=");
        } else if (a.rfind("--csv=", 0) == 0) {
            csv = a.substr(6);
        } else {
            std::fprintf(stderr, "usage: %s [--sockets=N] [--irps=N] [--datagrams=N] [--pairs=N] [--csv=FILE]\n"
                                 "unknown option '%s'\n", argv[0], a.c_str());
            return 2;
        }
    }
    uint32_t errors = 0;
    std::vector<double> nat, wsk, irp, dn, dw;
    for (uint32_t p = 0; p < pairs; p++) {
        Sample n = Isolated([&] { return NativeSockets(sockets); });
        Sample w = Isolated([&] { return WskSockets(sockets, irps); });
        Sample a = Isolated([&] { return Dispatch(false, datagrams); });
        Sample b = Isolated([&] { return Dispatch(true, datagrams); });
        errors += n.errors + w.errors + a.errors + b.errors;
        nat.push_back(n.a);
        wsk.push_back(w.a);
        irp.push_back(w.b);
        dn.push_back(a.a);
        dw.push_back(b.a);
        std::printf("pair %u: socket native %.0f B, wsk %.0f B (%llu sockets); pending IRP %.0f B; dispatch native "
                    "%.0f ns, wsk %.0f ns per datagram (%llu / %llu delivered); errors %u\n",
                    p + 1, n.a, w.a, (unsigned long long)w.count, w.b, a.a, b.a, (unsigned long long)a.count,
                    (unsigned long long)b.count, n.errors + w.errors + a.errors + b.errors);
        std::fflush(stdout);
    }
    double mn = Median(nat), mw = Median(wsk), mi = Median(irp), mdn = Median(dn), mdw = Median(dw);
    std::printf("memory per socket: ns-3 %.0f B, WSK %.0f B, WSK beyond ns-3 %.0f B (target <= 1024)\n", mn, mw,
                mw - mn);
    std::printf("memory per pending IRP (provider side): %.0f B (target <= 256)\n", mi);
    std::printf("callback dispatch: native receive callback %.0f ns, WskReceiveFromEvent %.0f ns per datagram, "
                "WSK beyond ns-3 %.0f ns\n", mdn, mdw, mdw - mdn);
    if (!csv.empty()) {
        std::ofstream f(csv);
        f << "metric,value,unit\n";
        f << "socket_native," << mn << ",bytes\n";
        f << "socket_wsk," << mw << ",bytes\n";
        f << "socket_wsk_beyond_ns3," << mw - mn << ",bytes\n";
        f << "pending_irp," << mi << ",bytes\n";
        f << "dispatch_native," << mdn << ",ns_per_datagram\n";
        f << "dispatch_wsk," << mdw << ",ns_per_datagram\n";
        f << "dispatch_wsk_beyond_ns3," << mdw - mdn << ",ns_per_datagram\n";
    }
    if (errors) {
        std::fprintf(stderr, "%u run(s) failed or delivered less than expected\n", errors);
    }
    return errors ? 1 : 0;
}
