/*
 * wsk_example.cc - runs the echo and seed examples on a topology, in one command:
 *
 *   wsk-example echo --nodes=2|dumbbell100 [--bytes=100000] [--chunk=16384] [--family=4|6] [--seconds=60]
 *   wsk-example seed --nodes=2|dumbbell100 [--seconds=60]
 *
 * --nodes=2            two nodes on one 100 Mbit/s, 2 ms link: echo_server.c on node 1, the client on node 0
 * --nodes=dumbbell100  a 100-leaf dumbbell (50 + 50 leaves, 100 Mbit/s / 1 ms leaf links, 1 Gbit/s / 5 ms
 *                      bottleneck): echo_server.c on every right leaf, a client on every left leaf, left leaf i
 *                      talking to right leaf i (50 pairs); any "dumbbell<2k>" works the same way
 * The client is echo_client.c (echo) or seed_demo.c (seed); drivers get their settings through the
 * WskDriverApp "Parameters" attribute. Prints each client's result line, the servers' counters and a
 * summary; exits with 1 if a driver reported an error, a call failed or a result is missing or unverified.
 */
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"
#include "wsk-topology.h"

#include "ns3/core-module.h"
#include "ns3/network-module.h"

#include <iostream>
#include <string>
#include <vector>

using namespace ns3;

namespace {

struct Pair
{
    Ptr<Node> client;
    Ptr<Node> server;
    std::string serverAddress;
};

/* The last log line containing `marker`, from the marker on ("" if none). */
std::string
LastLine(Ptr<WskDriverApp> app, const std::string& marker)
{
    std::string found;
    for (auto& l : app->GetLog()) {
        auto at = l.find(marker);
        if (at != std::string::npos)
            found = l.substr(at);
    }
    return found;
}

bool
AnyLine(Ptr<WskDriverApp> app, const std::string& needle)
{
    for (auto& l : app->GetLog())
        if (l.find(needle) != std::string::npos)
            return true;
    return false;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string example;
    std::string nodes = "2";
    uint32_t bytes = 100000;
    uint32_t chunk = 16384;
    uint32_t family = 4;
    uint32_t port = 7;
    double seconds = 60;
    std::string driverDir = WSK_DRIVER_DIR;

    CommandLine cmd(__FILE__);
    cmd.Usage("wsk-example echo|seed --nodes=2|dumbbell100 [--bytes=N]");
    cmd.AddNonOption("example", "echo or seed", example);
    cmd.AddValue("nodes", "2, or dumbbell<N> (N leaves, half of them clients)", nodes);
    cmd.AddValue("bytes", "bytes each echo client sends and expects back", bytes);
    cmd.AddValue("chunk", "bytes per WskSend/WskReceive of the echo client", chunk);
    cmd.AddValue("family", "4 or 6 (IPv6 only with --nodes=2)", family);
    cmd.AddValue("port", "server port", port);
    cmd.AddValue("seconds", "simulated seconds before the clients unload", seconds);
    cmd.AddValue("drivers", "directory of the built drivers", driverDir);
    cmd.Parse(argc, argv);

    if (example != "echo" && example != "seed") {
        std::cerr << "usage: wsk-example echo|seed --nodes=2|dumbbell100 [--bytes=N]\n";
        return 2;
    }
    std::vector<Pair> pairs;
    if (nodes == "2") {
        NodeContainer n = wsktest::TwoNodes("100Mbps", "2ms");
        pairs.push_back({n.Get(0), n.Get(1), family == 6 ? wsktest::kNode1Ipv6 : wsktest::kNode1Ipv4});
    } else if (nodes.rfind("dumbbell", 0) == 0 && nodes.size() > 8) {
        uint32_t leaves = std::stoul(nodes.substr(8));
        if (leaves < 2 || leaves % 2 != 0 || family != 4) {
            std::cerr << "wsk-example: --nodes=dumbbell<N> needs an even N >= 2 and IPv4\n";
            return 2;
        }
        wsktest::DumbbellNodes d = wsktest::Dumbbell(leaves / 2, leaves / 2);
        for (uint32_t i = 0; i < leaves / 2; i++)
            pairs.push_back({d.left.Get(i), d.right.Get(i), wsktest::ToString(d.rightAddress[i])});
    } else {
        std::cerr << "wsk-example: unknown --nodes=" << nodes << " (2 or dumbbell100)\n";
        return 2;
    }
    if (example == "seed" && family != 4) {
        std::cerr << "wsk-example: the seed demo uses IPv4\n";
        return 2;
    }

    std::vector<Ptr<WskDriverApp>> servers, clients;
    for (size_t i = 0; i < pairs.size(); i++) {
        WskDriverHelper server(driverDir + "/echo_server.so");
        server.SetAttribute("Parameters", StringValue("Port=" + std::to_string(port) +
                                                      ";Family=" + std::to_string(family)));
        ApplicationContainer s = server.Install(pairs[i].server);
        s.Start(Seconds(0.5));
        s.Stop(Seconds(seconds + 1));
        servers.push_back(DynamicCast<WskDriverApp>(s.Get(0)));

        std::string parameters = "Server=" + pairs[i].serverAddress + ";Port=" + std::to_string(port);
        std::string driver = "seed_demo";
        if (example == "echo") {
            driver = "echo_client";
            parameters += ";Bytes=" + std::to_string(bytes) + ";Chunk=" + std::to_string(chunk);
        }
        WskDriverHelper client(driverDir + "/" + driver + ".so");
        client.SetAttribute("Parameters", StringValue(parameters));
        ApplicationContainer c = client.Install(pairs[i].client);
        c.Start(Seconds(1.0 + 0.001 * i));
        c.Stop(Seconds(seconds));
        clients.push_back(DynamicCast<WskDriverApp>(c.Get(0)));
    }
    Simulator::Stop(Seconds(seconds + 2));
    Simulator::Run();

    uint32_t ok = 0, failed = 0;
    uint64_t verifiedBytes = 0;
    for (size_t i = 0; i < pairs.size(); i++) {
        Ptr<WskDriverApp> c = clients[i];
        std::string result, verdict;
        bool good;
        if (example == "echo") {
            result = LastLine(c, "echo_client: sent=");
            good = result.find("verified=yes") != std::string::npos &&
                   result.find("received=" + std::to_string(bytes) + " ") != std::string::npos;
        } else {
            result = LastLine(c, "seed_demo: summary");
            verdict = LastLine(c, "seed_demo: behaves as the seed describes:");
            good = verdict.find(": yes") != std::string::npos;
        }
        good = good && !AnyLine(c, " failed: ") && c->GetErrorCount() == 0;
        if (good) {
            ok++;
            verifiedBytes += example == "echo" ? bytes : 0;
        } else {
            failed++;
        }
        std::cout << "client " << i << " (node " << pairs[i].client->GetId() << " -> " << pairs[i].serverAddress
                  << "): " << (result.empty() ? "(no result)" : result) << (verdict.empty() ? "" : "\n  " + verdict)
                  << "\n";
        if (!good || pairs.size() == 1) {
            for (auto& l : c->GetLog())
                if (l.find(" failed: ") != std::string::npos || (example == "seed" && pairs.size() == 1 &&
                                                                 l.find("seed_demo:") != std::string::npos))
                    std::cout << "  " << l << "\n";
        }
    }
    for (size_t i = 0; i < servers.size(); i++) {
        std::string line = LastLine(servers[i], "echo: connections=");
        if (pairs.size() == 1 || line.empty())
            std::cout << "server " << i << " (node " << pairs[i].server->GetId()
                      << "): " << (line.empty() ? "(no result)" : line) << "\n";
    }
    uint32_t errors = WskDriverHelper::TotalDriverErrors();
    std::cout << "summary: example=" << example << " nodes=" << nodes << " pairs=" << pairs.size() << " ok=" << ok
              << " failed=" << failed;
    if (example == "echo")
        std::cout << " verified_bytes=" << verifiedBytes;
    std::cout << " driver_errors=" << errors << "\n";
    if (errors)
        std::cerr << WskDriverHelper::ErrorSummary();
    Simulator::Destroy();
    return errors || failed ? 1 : 0;
}
