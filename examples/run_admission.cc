/*
 * run_admission.cc - the admission-control example on a star: the server (admission_server.c) at the hub,
 * N clients (admission_client.c) on the spokes, 10.1.<k>.0/24 per spoke. Spokes 1..15 are inside the allowed
 * 10.1.0.0/20; the authorization service denies every fourth spoke; spokes 16+ are refused at once.
 *   wsk-example-admission [--clients=20] [--auth-ms=50] [--duration=20]
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-layout-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char** argv)
{
    uint32_t clients = 20;
    uint32_t authMs = 50;
    double duration = 20;
    std::string driverDir = WSK_DRIVER_DIR;
    CommandLine cmd(__FILE__);
    cmd.AddValue("clients", "number of client spokes", clients);
    cmd.AddValue("auth-ms", "simulated authorization-service time per decision (ms)", authMs);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("drivers", "directory of the built drivers", driverDir);
    cmd.Parse(argc, argv);

    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    link.SetChannelAttribute("Delay", StringValue("2ms"));
    PointToPointStarHelper star(clients, link);
    InternetStackHelper stack;
    star.InstallStack(stack);
    star.AssignIpv4Addresses(Ipv4AddressHelper("10.1.1.0", "255.255.255.0"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    std::string hubIp;
    {
        std::ostringstream os;
        star.GetHubIpv4Address(0).Print(os);
        hubIp = os.str();
    }
    WskDriverHelper server(driverDir + "/admission_server.so");
    server.SetAttribute("Parameters", StringValue("Port=7000;AllowNet=10.1.0.0;AllowBits=20;DenyEvery=4;AuthMs=" +
                                                  std::to_string(authMs)));
    ApplicationContainer s = server.Install(star.GetHub());
    s.Start(Seconds(0));
    s.Stop(Seconds(duration - 1));
    std::vector<Ptr<WskDriverApp>> clientApps;
    for (uint32_t i = 0; i < clients; i++) {
        /* every spoke talks to the hub address on its own link */
        std::ostringstream ip;
        star.GetHubIpv4Address(i).Print(ip);
        WskDriverHelper client(driverDir + "/admission_client.so");
        client.SetAttribute("Parameters", StringValue("Server=" + ip.str() + ";Port=7000;Bytes=20000"));
        ApplicationContainer c = client.Install(star.GetSpokeNode(i));
        c.Start(Seconds(1 + 0.01 * i));
        c.Stop(Seconds(duration - 2));
        clientApps.push_back(DynamicCast<WskDriverApp>(c.Get(0)));
    }
    Simulator::Stop(Seconds(duration));
    Simulator::Run();

    for (uint32_t i = 0; i < clients; i++) {
        std::ostringstream ip;
        star.GetSpokeIpv4Address(i).Print(ip);
        std::string last = "(no result)";
        for (auto& l : clientApps[i]->GetLog()) {
            if (l.find("admission_client:") != std::string::npos) {
                last = l.substr(l.rfind("admission_client:"));
            }
        }
        std::cout << "spoke " << i + 1 << " (" << ip.str() << "): " << last << "\n";
    }
    for (auto& l : DynamicCast<WskDriverApp>(s.Get(0))->GetLog()) {
        if (l.find("RESULT") != std::string::npos || l.find("admission:") != std::string::npos) {
            std::cout << l << "\n";
        }
    }
    uint32_t errors = WskDriverHelper::TotalDriverErrors();
    if (errors) {
        std::cerr << WskDriverHelper::ErrorSummary();
    }
    Simulator::Destroy();
    return errors ? 1 : 0;
}
