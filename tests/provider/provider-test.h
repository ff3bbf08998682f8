/*
 * provider-test.h - what the provider tests share: loading drv_wsk_* drivers with Parameters on the nodes
 * of a topology, running the simulation, and reading back what each driver observed ("RESULT name=value"
 * and "IRPCHECK ..." lines, error counts, state). Each test asserts on those observations.
 */
#ifndef WSKNS3_TEST_PROVIDER_TEST_H
#define WSKNS3_TEST_PROVIDER_TEST_H

#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"
#include "wsk-topology.h"

#include "ns3/core-module.h"
#include "ns3/network-module.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace wsktest {

/* NTSTATUS values as the drivers print them (0x%08X). */
constexpr uint32_t kSuccess = 0x00000000;
constexpr uint32_t kPending = 0x00000103;
constexpr uint32_t kInvalidHandle = 0xC0000008;
constexpr uint32_t kInvalidParameter = 0xC000000D;
constexpr uint32_t kDeviceNotReady = 0xC00000A3;
constexpr uint32_t kCancelled = 0xC0000120;
constexpr uint32_t kInvalidDeviceState = 0xC0000184;
constexpr uint32_t kConnectionRefused = 0xC0000236;
constexpr uint32_t kNoInterface = 0xC00002B9;

inline std::string
Hex(uint32_t status)
{
    char b[16];
    std::snprintf(b, sizeof b, "0x%08X", status);
    return b;
}

inline std::string
DriverPath(const std::string& name)
{
    return std::string(WSK_TEST_DRIVER_DIR) + "/" + name + ".so";
}

/* What one driver instance did, copied out of its WskDriverApp before the simulator is destroyed. */
struct DriverRun
{
    std::string name;
    uint32_t node = 0;
    ns3::WskDriverApp::State state = ns3::WskDriverApp::NOT_STARTED;
    uint32_t errors = 0;
    uint32_t findings = 0; // misuse the provider answered with an error status (not driver errors)
    std::string loadError;
    std::vector<std::string> log;
    std::map<std::string, std::vector<std::string>> results; // RESULT name -> every value, in order
    std::vector<std::map<std::string, std::string>> irpChecks; // one per IRPCHECK line

    bool Has(const std::string& k) const { return results.count(k) > 0; }
    size_t Count(const std::string& k) const { return Has(k) ? results.at(k).size() : 0; }
    /* The last value reported under k ("<missing>" if never). */
    std::string Get(const std::string& k) const { return Has(k) ? results.at(k).back() : "<missing>"; }
    const std::vector<std::string>& All(const std::string& k) const
    {
        static const std::vector<std::string> none;
        return Has(k) ? results.at(k) : none;
    }
    int64_t Int(const std::string& k) const
    {
        return Has(k) ? std::stoll(Get(k), nullptr, 0) : INT64_MIN;
    }
    std::string Text() const
    {
        std::ostringstream os;
        os << "--- node " << node << " " << name << " (" << ns3::WskDriverApp::StateName(state) << ", " << errors
           << " error(s), " << findings << " finding(s)" << (loadError.empty() ? "" : ", " + loadError) << ")\n";
        size_t from = log.size() > 400 ? log.size() - 400 : 0;
        if (from > 0)
            os << "... " << from << " earlier lines\n";
        for (size_t i = from; i < log.size(); i++)
            os << log[i] << "\n";
        return os.str();
    }
};

/* Parses "k=v k=v" after the marker; values end at the next space. */
inline std::vector<std::pair<std::string, std::string>>
ParsePairs(const std::string& line, const std::string& marker)
{
    std::vector<std::pair<std::string, std::string>> out;
    auto at = line.find(marker);
    if (at == std::string::npos)
        return out;
    std::istringstream is(line.substr(at + marker.size()));
    std::string token;
    while (is >> token) {
        auto eq = token.find('=');
        if (eq != std::string::npos && eq > 0)
            out.emplace_back(token.substr(0, eq), token.substr(eq + 1));
    }
    return out;
}

inline DriverRun
Capture(ns3::Ptr<ns3::WskDriverApp> app)
{
    DriverRun r;
    r.name = app->GetDriverName();
    r.node = app->GetNode() ? app->GetNode()->GetId() : 0;
    r.state = app->GetState();
    r.errors = app->GetErrorCount();
    r.findings = app->GetFindingCount();
    r.loadError = app->GetLoadError();
    r.log = app->GetLog();
    for (auto& line : r.log) {
        for (auto& kv : ParsePairs(line, "RESULT "))
            r.results[kv.first].push_back(kv.second);
        if (line.find("IRPCHECK ") != std::string::npos) {
            std::map<std::string, std::string> m;
            for (auto& kv : ParsePairs(line, "IRPCHECK "))
                m[kv.first] = kv.second;
            r.irpChecks.push_back(m);
        }
    }
    return r;
}

/* One driver to load: file name in the drivers directory, node index, Parameters, start and stop times. */
struct Load
{
    std::string driver;
    uint32_t node;
    std::string parameters;
    double start;
    double stop;
};

inline bool
ParametersAttributeExists()
{
    ns3::TypeId::AttributeInformation info;
    return ns3::WskDriverApp::GetTypeId().LookupAttributeByName("Parameters", &info);
}

/* Installs the drivers on `nodes`, runs the simulator until stopAt, captures every driver's observations,
 * destroys the simulator. The returned runs are in the order of `loads`. */
inline std::vector<DriverRun>
RunDrivers(ns3::NodeContainer nodes, const std::vector<Load>& loads, double stopAt)
{
    std::vector<ns3::Ptr<ns3::WskDriverApp>> apps;
    bool haveParameters = ParametersAttributeExists();
    for (auto& l : loads) {
        ns3::WskDriverHelper helper(DriverPath(l.driver));
        if (haveParameters)
            helper.SetAttribute("Parameters", ns3::StringValue(l.parameters));
        else if (!l.parameters.empty())
            ADD_FAILURE() << "WskDriverApp has no \"Parameters\" attribute: " << l.driver
                          << " runs with its defaults instead of '" << l.parameters << "'";
        ns3::ApplicationContainer c = helper.Install(nodes.Get(l.node));
        c.Start(ns3::Seconds(l.start));
        c.Stop(ns3::Seconds(l.stop));
        apps.push_back(ns3::DynamicCast<ns3::WskDriverApp>(c.Get(0)));
    }
    ns3::Simulator::Stop(ns3::Seconds(stopAt));
    ns3::Simulator::Run();
    std::vector<DriverRun> runs;
    for (auto& a : apps)
        runs.push_back(Capture(a));
    ns3::Simulator::Destroy();
    return runs;
}

/* True if a log line of `kind` ("finding in " or "driver error in ") mentions `what`. */
inline bool
HasDiagnostic(const DriverRun& r, const std::string& kind, const std::string& what)
{
    for (auto& line : r.log)
        if (line.find(kind) != std::string::npos && line.find(what) != std::string::npos)
            return true;
    return false;
}

/* A driver that ran to the end: loaded, finished its scenario, unloaded, and every IRP-taking call it made
 * respected the IRP contract (wsk-api.md §8.1.4). The misuse it commits on purpose shows as one finding
 * (misuse answered with an error status) mentioning each of `findings` (e.g. "WskSocket"), and one driver
 * error mentioning each of `errors` (API-contract violations); nothing else. */
inline void
ExpectClean(const DriverRun& r, const std::vector<std::string>& findings = {},
            const std::vector<std::string>& errors = {})
{
    EXPECT_EQ(r.state, ns3::WskDriverApp::UNLOADED) << r.Text();
    EXPECT_EQ(r.findings, findings.size()) << r.Text();
    EXPECT_EQ(r.errors, errors.size()) << r.Text();
    for (auto& d : findings)
        EXPECT_TRUE(HasDiagnostic(r, "finding in ", d)) << "no finding naming " << d << "\n" << r.Text();
    for (auto& d : errors)
        EXPECT_TRUE(HasDiagnostic(r, "driver error in ", d)) << "no driver error naming " << d << "\n" << r.Text();
    EXPECT_EQ(r.Get("unloaded"), "1") << r.Text();
    if (r.Has("irp_violations")) {
        EXPECT_EQ(r.Get("irp_violations"), "0") << r.Text();
    }
    for (auto& c : r.irpChecks) {
        EXPECT_EQ(c.at("ok"), "1") << "IRP contract broken by " << c.at("call") << "\n" << r.Text();
    }
    EXPECT_FALSE(r.Has("timeout_call")) << r.Text();
    EXPECT_FALSE(r.Has("setup_failed")) << r.Text();
}

/* The standard timeline on two nodes: server (node 1) from 0.5 s, client (node 0) from 1 s; the client
 * unloads at clientStop, the server one second later. */
inline std::vector<DriverRun>
RunClientServer(const std::string& client,
                const std::string& clientParameters,
                const std::string& server,
                const std::string& serverParameters,
                double clientStop = 30,
                double lossRate = 0,
                const std::string& rate = "100Mbps",
                const std::string& delay = "2ms")
{
    ns3::NodeContainer nodes = TwoNodes(rate, delay, lossRate);
    std::vector<Load> loads;
    loads.push_back({client, 0, clientParameters, 1.0, clientStop});
    if (!server.empty())
        loads.push_back({server, 1, serverParameters, 0.5, clientStop + 1});
    return RunDrivers(nodes, loads, clientStop + 2);
}

} // namespace wsktest

#endif
