/* The conformance driver (tests/drivers/drv_conformance.c) on a leaf of an IPv4-only dumbbell, over the
 * node's loopback addresses 127.0.0.1 and ::1: every IRP-taking call keeps the IRP contract and completes
 * with the documented status and Information, in every completion mode; what the calls *return* is what
 * the mode under test says (windows: STATUS_PENDING; inline: the status; random: both, reproducibly). */
#include "completion-mode.h"
#include "provider-test.h"

#include <set>

using namespace wsktest;

namespace {

struct ConfLine
{
    std::string call;
    std::string returned;
    std::string status;
    std::string ok;
    std::string raw;
};

std::vector<ConfLine>
ConfLines(const DriverRun& r)
{
    std::vector<ConfLine> out;
    for (auto& line : r.log) {
        if (line.find("CONF ") == std::string::npos)
            continue;
        ConfLine c;
        c.raw = line;
        for (auto& kv : ParsePairs(line, "CONF ")) {
            if (kv.first == "call")
                c.call = kv.second;
            else if (kv.first == "returned")
                c.returned = kv.second;
            else if (kv.first == "status")
                c.status = kv.second;
            else if (kv.first == "ok")
                c.ok = kv.second;
        }
        out.push_back(c);
    }
    return out;
}

DriverRun
RunConformance(int family, const std::string& more = "")
{
    DumbbellNodes d = Dumbbell(1, 1); // IPv4 addresses only; every node still has ::1, as on Windows
    ns3::NodeContainer leaf(d.left.Get(0));
    return RunDrivers(leaf, {{"drv_conformance", 0, "Family=" + std::to_string(family) + more, 1.0, 30.0}}, 31.0)
        .at(0);
}

/* Calls whose result is known when they are made (nothing to wait for on the network). */
bool
Immediate(const std::string& call)
{
    for (const char* p : {"WskSocket(", "WskBind", "WskControlSocket", "WskGetLocalAddress", "WskGetRemoteAddress",
                          "WskCloseSocket", "WskListen", "WskConnect(unbound)"})
        if (call.rfind(p, 0) == 0)
            return call.find("null_") == std::string::npos;
    return false;
}

void
CheckConformance(int family)
{
    SCOPED_TRACE(family == 2 ? "127.0.0.1" : "::1");
    DriverRun r = RunConformance(family);
    ExpectClean(r, {"WskConnect", "WskSocket", "WskSocket", "WskGetAddressInfo"});
    EXPECT_EQ(r.Get("checks"), "53") << r.Text();
    EXPECT_EQ(r.Get("failed"), "0") << r.Text();
    // data acknowledged only by the peer's FIN: the send completes when the FIN arrives, not after an RTO
    EXPECT_LT(r.Int("echo_send_completed_after_us"), 100000) << r.Text();
    std::vector<ConfLine> lines = ConfLines(r);
    ASSERT_EQ(lines.size(), 53u) << r.Text();
    size_t pended = 0, inlined = 0;
    for (auto& c : lines) {
        EXPECT_EQ(c.ok, "1") << c.raw;
        if (!Immediate(c.call))
            continue;
        bool pending = c.returned == "0x00000103";
        (pending ? pended : inlined)++;
        switch (CompletionModeUnderTest()) {
        case ns3::WskProvider::COMPLETION_WINDOWS:
            // Windows pends what it hands to the transport; a validation failure is returned at once
            EXPECT_EQ(pending, c.call != "WskConnect(unbound)") << c.raw;
            break;
        case ns3::WskProvider::COMPLETION_INLINE:
            EXPECT_EQ(c.returned, c.status) << c.raw;
            break;
        case ns3::WskProvider::COMPLETION_RANDOM:
            break;
        }
    }
    if (CompletionModeUnderTest() == ns3::WskProvider::COMPLETION_RANDOM) {
        EXPECT_GT(pended, 0u) << r.Text();
        EXPECT_GT(inlined, 0u) << r.Text();
        // the coin is drawn from the seed: a second run returns exactly the same
        DriverRun again = RunConformance(family);
        std::vector<ConfLine> second = ConfLines(again);
        ASSERT_EQ(second.size(), lines.size());
        for (size_t i = 0; i < lines.size(); i++)
            EXPECT_EQ(second[i].returned, lines[i].returned) << lines[i].raw;
    }
}

} // namespace

TEST(Conformance, EveryCallOverIpv4Loopback)
{
    CheckConformance(2);
}

TEST(Conformance, EveryCallOverIpv6LoopbackInAnIpv4OnlyTopology)
{
    CheckConformance(23);
}

// An ADDRINFOEXW list never given back to WskFreeAddressInfo is a leak, named at unload.
TEST(Conformance, AddressInfoNeverFreedIsReportedAtUnload)
{
    DriverRun r = RunConformance(2, ";LeakAddrInfo=1");
    EXPECT_EQ(r.Get("failed"), "0") << r.Text();
    EXPECT_EQ(r.errors, 1u) << r.Text();
    EXPECT_TRUE(HasDiagnostic(r, "driver error in DriverUnload", "was never freed with WskFreeAddressInfo")) << r.Text();
}
