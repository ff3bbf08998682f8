/*
 * run_udp.cc - UDP request/response with a name look-up: the server node is registered as "server"
 * (ns-3 Names), N clients on a star find it with WskGetAddressInfo and exchange datagrams.
 *   wsk-example-udp [--clients=8] [--count=5] [--lookup-ms=1]
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-layout-module.h"
#include "ns3/point-to-point-module.h"

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"
#include "wsk-name-service.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char** argv)
{
    uint32_t clients = 8, count = 5, lookupMs = 1;
    std::string driverDir = WSK_DRIVER_DIR;
    CommandLine cmd(__FILE__);
    cmd.AddValue("clients", "client spokes", clients);
    cmd.AddValue("count", "requests per client", count);
    cmd.AddValue("lookup-ms", "simulated name look-up time (ms)", lookupMs);
    cmd.AddValue("drivers", "directory of the built drivers", driverDir);
    cmd.Parse(argc, argv);
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    link.SetChannelAttribute("Delay", StringValue("2ms"));
    PointToPointStarHelper star(clients, link);
    InternetStackHelper stack;
    star.InstallStack(stack);
    star.AssignIpv4Addresses(Ipv4AddressHelper("10.2.1.0", "255.255.255.0"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    Names::Add("server", star.GetHub());
    wsk::NameService::SetLookupDelay(MilliSeconds(lookupMs));
    WskDriverHelper server(driverDir + "/udp_echo_server.so");
    server.SetAttribute("Parameters", StringValue("Port=7100"));
    ApplicationContainer s = server.Install(star.GetHub());
    s.Start(Seconds(0));
    s.Stop(Seconds(9));
    WskDriverHelper client(driverDir + "/udp_name_client.so");
    client.SetAttribute("Parameters", StringValue("Server=server;Port=7100;Count=" + std::to_string(count)));
    std::vector<Ptr<WskDriverApp>> apps;
    for (uint32_t i = 0; i < clients; i++) {
        ApplicationContainer c = client.Install(star.GetSpokeNode(i));
        c.Start(Seconds(1));
        c.Stop(Seconds(8));
        apps.push_back(DynamicCast<WskDriverApp>(c.Get(0)));
    }
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    for (uint32_t i = 0; i < clients; i++) {
        for (auto& l : apps[i]->GetLog()) {
            if (l.find("udp_client:") != std::string::npos) {
                std::cout << "spoke " << i + 1 << ": " << l.substr(l.rfind("udp_client:")) << "\n";
            }
        }
    }
    for (auto& l : DynamicCast<WskDriverApp>(s.Get(0))->GetLog()) {
        if (l.find("RESULT") != std::string::npos) {
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
