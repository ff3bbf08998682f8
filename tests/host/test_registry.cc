/* Driver configuration through the registry: WskDriverApp's "Parameters" attribute becomes the values under
 * <RegistryPath>\Parameters of that node's instance, read with ZwOpenKey/ZwQueryValueKey and
 * RtlQueryRegistryValues (capi/runtime/registry.c, wsk-ns3/model/host/driver-parameters.cc). */
#include "driver-parameters.h"
#include "wsk-driver-app.h"
#include "wsk-driver-helper.h"

#include "ns3/core-module.h"
#include "ns3/network-module.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

// last: the kernel headers define SAL macros (__out, __reserved, ...) that C++ library headers also use
#include "kernel-fixture.h"

using namespace ns3;
using wsktest::KernelRun;

namespace {

std::string
Driver(const char* name)
{
    return std::string(WSK_TEST_DRIVER_DIR) + "/" + name + ".so";
}

bool
LogHas(Ptr<WskDriverApp> app, const std::string& needle)
{
    for (auto& l : app->GetLog())
        if (l.find(needle) != std::string::npos)
            return true;
    return false;
}

std::string
LogText(Ptr<WskDriverApp> app)
{
    std::string s;
    for (auto& l : app->GetLog())
        s += l + "\n";
    return s;
}

struct SimGuard
{
    ~SimGuard() { Simulator::Destroy(); }
};

size_t
WLen(const wchar_t* s)
{
    size_t n = 0; // not std::wcslen: these are 16-bit (-fshort-wchar)
    while (s[n])
        n++;
    return n;
}

UNICODE_STRING
U(const wchar_t* s)
{
    UNICODE_STRING u;
    u.Length = (USHORT)(WLen(s) * sizeof(WCHAR));
    u.MaximumLength = (USHORT)(u.Length + sizeof(WCHAR));
    u.Buffer = const_cast<PWSTR>(s);
    return u;
}

std::string
Narrow(const WCHAR* s, size_t chars)
{
    std::string r;
    for (size_t i = 0; i < chars; i++)
        r.push_back(s[i] < 0x80 ? (char)s[i] : '?');
    return r;
}

NTSTATUS
Open(const wchar_t* path, HANDLE* h, HANDLE root = nullptr)
{
    UNICODE_STRING name = U(path);
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, nullptr);
    return ZwOpenKey(h, KEY_READ, &oa);
}

const wchar_t* const kService = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\testdrv";
const wchar_t* const kParameters = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\testdrv\\Parameters";

/* A KernelRun whose instance ("testdrv") has Port=8080 and Server=alpha under Parameters. */
struct RegistryRun : KernelRun
{
    RegistryRun()
    {
        ULONG port = 8080;
        EXPECT_EQ(KrtRegistrySetValue(inst, "Port", REG_DWORD, &port, sizeof port), STATUS_SUCCESS);
        EXPECT_EQ(KrtRegistrySetString(inst, "Server", "alpha"), STATUS_SUCCESS);
    }
};

} // namespace

// ---- The attribute text ----

TEST(RegistryParameters, ParsesDwordsStringsAndTrimsWhitespace)
{
    std::vector<wsk::DriverParameter> p;
    std::string error;
    ASSERT_TRUE(wsk::ParseDriverParameters(" Port = 8080 ; Server= example.org ;Mask=0xFFFFFFFF; Big=4294967296;"
                                           "Neg=-1;Hex=0x;Empty=;Eq=a=b;;",
                                           p,
                                           error))
        << error;
    ASSERT_EQ(p.size(), 8u);
    EXPECT_EQ(p[0].name, "Port");
    EXPECT_TRUE(p[0].isDword);
    EXPECT_EQ(p[0].dword, 8080u);
    EXPECT_EQ(p[1].name, "Server");
    EXPECT_FALSE(p[1].isDword);
    EXPECT_EQ(p[1].text, "example.org");
    EXPECT_TRUE(p[2].isDword);
    EXPECT_EQ(p[2].dword, 0xFFFFFFFFu);
    EXPECT_FALSE(p[3].isDword) << "does not fit in 32 bits";
    EXPECT_EQ(p[3].text, "4294967296");
    EXPECT_FALSE(p[4].isDword) << "REG_DWORD is unsigned";
    EXPECT_FALSE(p[5].isDword);
    EXPECT_FALSE(p[6].isDword);
    EXPECT_EQ(p[6].text, "");
    EXPECT_EQ(p[7].text, "a=b");
    ASSERT_TRUE(wsk::ParseDriverParameters("", p, error));
    EXPECT_TRUE(p.empty());
    ASSERT_TRUE(wsk::ParseDriverParameters("   ", p, error));
    EXPECT_TRUE(p.empty());
}

TEST(RegistryParameters, MalformedTextNamesTheEntry)
{
    std::vector<wsk::DriverParameter> p;
    std::string error;
    EXPECT_FALSE(wsk::ParseDriverParameters("Port=1; Server ", p, error));
    EXPECT_NE(error.find("'Server'"), std::string::npos) << error;
    EXPECT_NE(error.find("no '='"), std::string::npos) << error;
    EXPECT_FALSE(wsk::ParseDriverParameters("Port=1; =5", p, error));
    EXPECT_NE(error.find("'=5'"), std::string::npos) << error;
    EXPECT_NE(error.find("empty name"), std::string::npos) << error;
    EXPECT_FALSE(wsk::ParseDriverParameters("Port=1;PORT=2", p, error));
    EXPECT_NE(error.find("'PORT=2'"), std::string::npos) << error;
    EXPECT_NE(error.find("repeats"), std::string::npos) << error;
}

// ---- Drivers on nodes ----

TEST(RegistryParameters, TwoNodesReadTheirOwnValuesBothWays)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(2);
    WskDriverHelper helper(Driver("drv_registry_params"));
    helper.SetAttribute("Parameters", StringValue("Port=8080; Server = alpha.example"));
    ApplicationContainer a = helper.Install(nodes.Get(0));
    helper.SetAttribute("Parameters", StringValue("server=beta;PORT=0x1F91;TimeoutSeconds=5"));
    ApplicationContainer b = helper.Install(nodes.Get(1));
    a.Start(Seconds(0));
    b.Start(Seconds(0));
    a.Stop(Seconds(1));
    b.Stop(Seconds(1));
    Simulator::Run();
    auto appA = DynamicCast<WskDriverApp>(a.Get(0));
    auto appB = DynamicCast<WskDriverApp>(b.Get(0));
    ASSERT_EQ(appA->GetState(), WskDriverApp::UNLOADED) << LogText(appA);
    ASSERT_EQ(appB->GetState(), WskDriverApp::UNLOADED) << LogText(appB);

    EXPECT_TRUE(LogHas(appA, "node 0 drv_registry_params: zw: Port=8080 Server=alpha.example")) << LogText(appA);
    EXPECT_TRUE(LogHas(appA, "rtl: Port=8080 Server=alpha.example TimeoutSeconds=30")) << LogText(appA);
    EXPECT_TRUE(LogHas(appB, "node 1 drv_registry_params: zw: Port=8081 Server=beta")) << LogText(appB);
    EXPECT_TRUE(LogHas(appB, "rtl: Port=8081 Server=beta TimeoutSeconds=5")) << LogText(appB);

    // RTL_REGISTRY_SERVICES + a QueryRoutine sees every value with its type and size (REG_SZ counts its NUL)
    EXPECT_TRUE(LogHas(appA, "rtl callback: Port type 4 length 4")) << LogText(appA);
    EXPECT_TRUE(LogHas(appA, "rtl callback: Server type 1 length 28")) << LogText(appA);
    EXPECT_TRUE(LogHas(appA, "rtl services: status 0x00000000 values 2")) << LogText(appA);
    EXPECT_TRUE(LogHas(appB, "rtl services: status 0x00000000 values 3")) << LogText(appB);

    // missing values, and the documented buffer-size statuses (12-byte fixed part + 28 bytes of data)
    EXPECT_TRUE(LogHas(appA, "zw: NoSuchValue: status 0xC0000034")) << LogText(appA);
    EXPECT_TRUE(LogHas(appA, "rtl: required NoSuchValue: status 0xC0000034")) << LogText(appA);
    EXPECT_TRUE(LogHas(appA, "zw: Server size query: status 0xC0000023 needed 40")) << LogText(appA);
    EXPECT_TRUE(LogHas(appA, "zw: Server short buffer: status 0x80000005 needed 40")) << LogText(appA);
    EXPECT_TRUE(LogHas(appB, "zw: Server size query: status 0xC0000023 needed 22")) << LogText(appB);

    // keys closed, the RtlQueryRegistryValues string freed: a clean unload
    EXPECT_EQ(appA->GetErrorCount(), 0u) << LogText(appA);
    EXPECT_EQ(appA->GetWarningCount(), 0u) << LogText(appA);
    EXPECT_EQ(appB->GetErrorCount(), 0u) << LogText(appB);
    EXPECT_EQ(appB->GetWarningCount(), 0u) << LogText(appB);
}

TEST(RegistryParameters, NodeWithoutTheValueSeesObjectNameNotFound)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(1);
    WskDriverHelper helper(Driver("drv_registry_params"));
    helper.SetAttribute("Parameters", StringValue("Server=alpha"));
    ApplicationContainer a = helper.Install(nodes);
    Simulator::Run();
    auto app = DynamicCast<WskDriverApp>(a.Get(0));
    EXPECT_EQ(app->GetState(), WskDriverApp::LOAD_FAILED) << LogText(app);
    EXPECT_TRUE(LogHas(app, "zw: Port: status 0xC0000034")) << LogText(app);
    EXPECT_EQ((uint32_t)app->GetDriverEntryStatus(), 0xC0000034u);
}

TEST(RegistryParameters, MalformedParametersFailTheLoadWithAClearError)
{
    SimGuard g;
    NodeContainer nodes;
    nodes.Create(3);
    WskDriverHelper helper(Driver("drv_registry_params"));
    helper.SetAttribute("Parameters", StringValue("Port=8080;Server"));
    ApplicationContainer a = helper.Install(nodes.Get(2));
    helper.SetAttribute("Parameters", StringValue("Port=1;port=2"));
    ApplicationContainer b = helper.Install(nodes.Get(1));
    Simulator::Run();
    auto appA = DynamicCast<WskDriverApp>(a.Get(0));
    auto appB = DynamicCast<WskDriverApp>(b.Get(0));
    EXPECT_EQ(appA->GetState(), WskDriverApp::LOAD_FAILED);
    const std::string& e = appA->GetLoadError();
    EXPECT_NE(e.find("invalid Parameters attribute"), std::string::npos) << e;
    EXPECT_NE(e.find("node 2"), std::string::npos) << e;
    EXPECT_NE(e.find("drv_registry_params"), std::string::npos) << e;
    EXPECT_NE(e.find("'Server'"), std::string::npos) << e;
    EXPECT_FALSE(LogHas(appA, "zw:")) << "DriverEntry must not run\n" << LogText(appA);
    EXPECT_GE(appA->GetErrorCount(), 1u);
    EXPECT_EQ(appB->GetState(), WskDriverApp::LOAD_FAILED);
    EXPECT_NE(appB->GetLoadError().find("node 1"), std::string::npos) << appB->GetLoadError();
    EXPECT_NE(appB->GetLoadError().find("'port=2'"), std::string::npos) << appB->GetLoadError();
    EXPECT_NE(WskDriverHelper::ErrorSummary().find("invalid Parameters attribute"), std::string::npos);
}

// ---- The kernel API directly ----

TEST(RegistryApi, OpenKeyAbsoluteRelativeAndCaseInsensitive)
{
    RegistryRun kr;
    kr.Thread([&] {
        HANDLE svc = nullptr, par = nullptr, h = nullptr;
        EXPECT_EQ(Open(kService, &svc), STATUS_SUCCESS);
        EXPECT_EQ(Open(L"parameters", &par, svc), STATUS_SUCCESS);
        EXPECT_EQ(ZwClose(par), STATUS_SUCCESS);
        EXPECT_EQ(Open(L"\\REGISTRY\\machine\\SYSTEM\\currentcontrolset\\services\\TESTDRV\\PARAMETERS", &par),
                  STATUS_SUCCESS);
        EXPECT_EQ(Open(L"", &h, par), STATUS_SUCCESS) << "an empty name reopens the root key";
        EXPECT_EQ(ZwClose(h), STATUS_SUCCESS);

        const wchar_t* missing[] = {
            L"\\Registry\\Machine\\System\\CurrentControlSet\\Services",
            L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\otherdrv",
            L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\testdrv\\Parameters\\Sub",
            L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\testdrv\\",
            L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\testdrvx",
            L"\\Registry\\Machine\\Software",
            L"testdrv",
        };
        for (const wchar_t* m : missing) {
            h = reinterpret_cast<HANDLE>(1);
            EXPECT_EQ(Open(m, &h), STATUS_OBJECT_NAME_NOT_FOUND) << Narrow(m, WLen(m));
            EXPECT_EQ(h, nullptr);
        }
        EXPECT_EQ(Open(L"Other", &h, svc), STATUS_OBJECT_NAME_NOT_FOUND);
        EXPECT_EQ(Open(L"Parameters", &h, par), STATUS_OBJECT_NAME_NOT_FOUND);
        EXPECT_EQ(ZwClose(svc), STATUS_SUCCESS);
        EXPECT_EQ(ZwClose(par), STATUS_SUCCESS);
        UNICODE_STRING port = U(L"Port");
        ULONG len = 0;
        EXPECT_EQ(ZwQueryValueKey(par, &port, KeyValuePartialInformation, nullptr, 0, &len), STATUS_INVALID_HANDLE)
            << "a closed key handle";
    });
    kr.Run();
    EXPECT_TRUE(kr.host.ErrorContains("ZwQueryValueKey")) << "using a closed handle is reported";
    EXPECT_TRUE(IsListEmpty(&kr.inst->RegistryKeys));
}

TEST(RegistryApi, QueryValueKeyPartialInformationAndBufferStatuses)
{
    RegistryRun kr;
    kr.Thread([&] {
        HANDLE par = nullptr;
        ASSERT_EQ(Open(kParameters, &par), STATUS_SUCCESS);
        UNICODE_STRING server = U(L"SERVER");
        const ULONG fixed = FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data);
        const ULONG need = fixed + 6 * sizeof(WCHAR); // "alpha" + NUL
        ULONG len = 0;

        EXPECT_EQ(ZwQueryValueKey(par, &server, KeyValuePartialInformation, nullptr, 0, &len),
                  STATUS_BUFFER_TOO_SMALL);
        EXPECT_EQ(len, need);

        UCHAR buf[64];
        memset(buf, 0xCC, sizeof buf);
        len = 0;
        EXPECT_EQ(ZwQueryValueKey(par, &server, KeyValuePartialInformation, buf, fixed - 1, &len),
                  STATUS_BUFFER_TOO_SMALL);
        EXPECT_EQ(len, need);
        EXPECT_EQ(buf[0], 0xCC) << "nothing written when the fixed part does not fit";

        len = 0;
        EXPECT_EQ(ZwQueryValueKey(par, &server, KeyValuePartialInformation, buf, fixed + 2, &len),
                  STATUS_BUFFER_OVERFLOW);
        EXPECT_EQ(len, need);
        auto* info = reinterpret_cast<PKEY_VALUE_PARTIAL_INFORMATION>(buf);
        EXPECT_EQ(info->Type, (ULONG)REG_SZ);
        EXPECT_EQ(info->DataLength, 12u);
        EXPECT_EQ(buf[fixed + 2], 0xCC) << "no write past Length";

        len = 0;
        EXPECT_EQ(ZwQueryValueKey(par, &server, KeyValuePartialInformation, buf, need, &len), STATUS_SUCCESS);
        EXPECT_EQ(len, need);
        WCHAR text[6];
        memcpy(text, info->Data, sizeof text);
        EXPECT_EQ(Narrow(text, 5), "alpha");
        EXPECT_EQ(text[5], 0) << "REG_SZ data includes its NUL";

        UNICODE_STRING port = U(L"Port");
        EXPECT_EQ(ZwQueryValueKey(par, &port, KeyValuePartialInformation, buf, sizeof buf, &len), STATUS_SUCCESS);
        EXPECT_EQ(info->Type, (ULONG)REG_DWORD);
        ULONG v = 0;
        memcpy(&v, info->Data, sizeof v);
        EXPECT_EQ(v, 8080u);

        UNICODE_STRING none = U(L"NoSuchValue");
        EXPECT_EQ(ZwQueryValueKey(par, &none, KeyValuePartialInformation, buf, sizeof buf, &len),
                  STATUS_OBJECT_NAME_NOT_FOUND);
        EXPECT_EQ(ZwQueryValueKey(par, &port, (KEY_VALUE_INFORMATION_CLASS)9, buf, sizeof buf, &len),
                  STATUS_INVALID_PARAMETER);

        HANDLE svc = nullptr;
        ASSERT_EQ(Open(kService, &svc), STATUS_SUCCESS);
        EXPECT_EQ(ZwQueryValueKey(svc, &port, KeyValuePartialInformation, buf, sizeof buf, &len),
                  STATUS_OBJECT_NAME_NOT_FOUND)
            << "the values live under Parameters, not the service key";
        EXPECT_EQ(NtClose(svc), STATUS_SUCCESS);
        EXPECT_EQ(ZwClose(par), STATUS_SUCCESS);
    });
    kr.Run();
    EXPECT_TRUE(kr.host.errors.empty()) << kr.host.errors.front();
}

TEST(RegistryApi, QueryValueKeyBasicAndFullInformation)
{
    RegistryRun kr;
    kr.Thread([&] {
        HANDLE par = nullptr;
        ASSERT_EQ(NtOpenKey(&par, KEY_ALL_ACCESS, nullptr), STATUS_INVALID_PARAMETER);
        ASSERT_EQ(Open(kParameters, &par), STATUS_SUCCESS);
        UNICODE_STRING port = U(L"port");
        alignas(8) UCHAR buf[64];
        ULONG len = 0;

        EXPECT_EQ(ZwQueryValueKey(par, &port, KeyValueBasicInformation, buf, sizeof buf, &len), STATUS_SUCCESS);
        auto* basic = reinterpret_cast<PKEY_VALUE_BASIC_INFORMATION>(buf);
        EXPECT_EQ(len, FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name) + 8u);
        EXPECT_EQ(basic->Type, (ULONG)REG_DWORD);
        EXPECT_EQ(basic->NameLength, 8u);
        EXPECT_EQ(Narrow(basic->Name, 4), "Port") << "the stored spelling of the name";

        EXPECT_EQ(NtQueryValueKey(par, &port, KeyValueFullInformation, buf, sizeof buf, &len), STATUS_SUCCESS);
        auto* full = reinterpret_cast<PKEY_VALUE_FULL_INFORMATION>(buf);
        EXPECT_EQ(full->Type, (ULONG)REG_DWORD);
        EXPECT_EQ(full->NameLength, 8u);
        EXPECT_EQ(full->DataLength, 4u);
        EXPECT_EQ(full->DataOffset, 28u); // 20-byte fixed part + 8-byte name, ULONG-aligned
        EXPECT_EQ(len, 32u);
        ULONG v = 0;
        memcpy(&v, buf + full->DataOffset, sizeof v);
        EXPECT_EQ(v, 8080u);

        EXPECT_EQ(ZwQueryValueKey(par, &port, KeyValueFullInformation, buf, 24, &len), STATUS_BUFFER_OVERFLOW);
        EXPECT_EQ(len, 32u);
        EXPECT_EQ(ZwQueryValueKey(par, &port, KeyValueFullInformation, buf, 19, &len), STATUS_BUFFER_TOO_SMALL);
        EXPECT_EQ(len, 32u);

        EXPECT_EQ(ZwQueryValueKey(par, &port, KeyValuePartialInformationAlign64, buf, sizeof buf, &len),
                  STATUS_SUCCESS);
        auto* p64 = reinterpret_cast<PKEY_VALUE_PARTIAL_INFORMATION_ALIGN64>(buf);
        EXPECT_EQ(p64->Type, (ULONG)REG_DWORD);
        EXPECT_EQ(len, 12u);
        EXPECT_EQ(ZwClose(par), STATUS_SUCCESS);
    });
    kr.Run();
}

TEST(RegistryApi, KeyLeftOpenIsReportedAtUnload)
{
    RegistryRun kr;
    kr.Thread([&] {
        HANDLE par = nullptr;
        ASSERT_EQ(Open(kParameters, &par), STATUS_SUCCESS);
    });
    kr.Run();
    EXPECT_EQ(KrtInstanceReportLeaks(kr.inst), 1u);
    ASSERT_FALSE(kr.host.warnings.empty());
    EXPECT_NE(kr.host.warnings.back().find("registry key handle"), std::string::npos) << kr.host.warnings.back();
    EXPECT_NE(kr.host.warnings.back().find("ZwClose"), std::string::npos) << kr.host.warnings.back();
}

TEST(RegistryApi, TwoInstancesKeepSeparateValues)
{
    KernelRun a(0), b(1);
    ULONG pa = 1, pb = 2;
    ASSERT_EQ(KrtRegistrySetValue(a.inst, "Port", REG_DWORD, &pa, sizeof pa), STATUS_SUCCESS);
    ASSERT_EQ(KrtRegistrySetValue(b.inst, "Port", REG_DWORD, &pb, sizeof pb), STATUS_SUCCESS);
    EXPECT_EQ(KrtRegistrySetValue(a.inst, "PORT", REG_DWORD, &pb, sizeof pb), STATUS_OBJECT_NAME_COLLISION);
    ULONG seenA = 0, seenB = 0;
    auto body = [](ULONG* out) {
        RTL_QUERY_REGISTRY_TABLE t[2];
        memset(t, 0, sizeof t);
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
        t[0].Name = const_cast<PWSTR>(L"Port");
        t[0].EntryContext = out;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"testdrv\\Parameters", t, nullptr, nullptr),
                  STATUS_SUCCESS);
    };
    a.Thread([&] { body(&seenA); });
    b.Thread([&] { body(&seenB); });
    a.Run(); // one simulator runs both
    EXPECT_EQ(seenA, 1u);
    EXPECT_EQ(seenB, 2u);
}

TEST(RegistryApi, RtlQueryRegistryValuesDirectDefaultsAndRequired)
{
    RegistryRun kr;
    kr.Thread([&] {
        ULONG port = 0, timeout = 0, defTimeout = 30;
        UNICODE_STRING server = {0, 0, nullptr}, name = {0, 0, nullptr};
        RTL_QUERY_REGISTRY_TABLE t[5];
        memset(t, 0, sizeof t);
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
        t[0].Name = const_cast<PWSTR>(L"PORT");
        t[0].EntryContext = &port;
        t[0].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
        t[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
        t[1].Name = const_cast<PWSTR>(L"Server");
        t[1].EntryContext = &server;
        t[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
        t[2].Name = const_cast<PWSTR>(L"Timeout");
        t[2].EntryContext = &timeout;
        t[2].DefaultType = REG_DWORD;
        t[2].DefaultData = &defTimeout;
        t[2].DefaultLength = sizeof defTimeout;
        t[3].Flags = RTL_QUERY_REGISTRY_DIRECT;
        t[3].Name = const_cast<PWSTR>(L"Name");
        t[3].EntryContext = &name;
        t[3].DefaultType = REG_SZ;
        t[3].DefaultData = const_cast<wchar_t*>(L"fallback");
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr), STATUS_SUCCESS);
        EXPECT_EQ(port, 8080u);
        EXPECT_EQ(Narrow(server.Buffer, server.Length / 2), "alpha");
        EXPECT_EQ(server.Length, 10u);
        EXPECT_EQ(server.MaximumLength, 12u);
        EXPECT_EQ(server.Buffer[5], 0);
        EXPECT_EQ(timeout, 30u) << "DefaultData when the value is missing";
        EXPECT_EQ(Narrow(name.Buffer, name.Length / 2), "fallback") << "DefaultLength 0: computed";
        RtlFreeUnicodeString(&server);
        RtlFreeUnicodeString(&name);

        // a caller-supplied buffer that is too small
        WCHAR small[3];
        UNICODE_STRING tight = {0, sizeof small, small};
        memset(t, 0, sizeof t);
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
        t[0].Name = const_cast<PWSTR>(L"Server");
        t[0].EntryContext = &tight;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr),
                  STATUS_BUFFER_TOO_SMALL);

        // type check and required
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
        t[0].EntryContext = &port;
        t[0].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr),
                  STATUS_OBJECT_TYPE_MISMATCH);
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
        t[0].Name = const_cast<PWSTR>(L"Missing");
        t[0].DefaultType = REG_DWORD;
        t[0].DefaultData = &defTimeout;
        t[0].DefaultLength = sizeof defTimeout;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr),
                  STATUS_OBJECT_NAME_NOT_FOUND);

        // keys that are not there; RTL_REGISTRY_OPTIONAL makes that a success
        t[0].Name = const_cast<PWSTR>(L"Port");
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"otherdrv\\Parameters", t, nullptr, nullptr),
                  STATUS_OBJECT_NAME_NOT_FOUND);
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES | RTL_REGISTRY_OPTIONAL, L"otherdrv", t, nullptr,
                                         nullptr),
                  STATUS_SUCCESS);
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_CONTROL, L"testdrv", t, nullptr, nullptr),
                  STATUS_OBJECT_NAME_NOT_FOUND);
        // a name with DIRECT is mandatory
        t[0].Name = nullptr;
        t[0].QueryRoutine = nullptr;
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TOPKEY;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr), STATUS_SUCCESS)
            << "a bare TOPKEY entry is skipped";
    });
    kr.Run();
    EXPECT_EQ(KrtInstanceReportLeaks(kr.inst), 0u) << "the allocated strings were freed";
}

namespace {

struct Seen
{
    std::vector<std::string> lines;
};

NTSTATUS NTAPI
Record(PWSTR ValueName, ULONG ValueType, PVOID ValueData, ULONG ValueLength, PVOID Context, PVOID EntryContext)
{
    auto* seen = static_cast<Seen*>(Context);
    std::string line = (ValueName ? Narrow(ValueName, WLen(ValueName)) : "(null)") + " " +
                       std::to_string(ValueType) + " " + std::to_string(ValueLength);
    if (ValueType == REG_SZ && ValueData != nullptr)
        line += " " + Narrow(static_cast<const WCHAR*>(ValueData), ValueLength / 2 - 1);
    if (EntryContext != nullptr)
        line += " ctx";
    seen->lines.push_back(line);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI
Fail(PWSTR, ULONG, PVOID, ULONG, PVOID, PVOID)
{
    return STATUS_ACCESS_DENIED;
}

NTSTATUS NTAPI
TooSmall(PWSTR, ULONG, PVOID, ULONG, PVOID, PVOID)
{
    return STATUS_BUFFER_TOO_SMALL;
}

} // namespace

TEST(RegistryApi, RtlQueryRegistryValuesCallbacksSubkeysAndHandles)
{
    RegistryRun kr;
    Seen seen;
    kr.Thread([&] {
        RTL_QUERY_REGISTRY_TABLE t[4];
        int marker = 0;
        // every value of the key, through a SUBKEY entry relative to the service key
        memset(t, 0, sizeof t);
        t[0].QueryRoutine = Record;
        t[0].Flags = RTL_QUERY_REGISTRY_SUBKEY;
        t[0].Name = const_cast<PWSTR>(L"Parameters");
        t[1].QueryRoutine = Record;
        t[1].Name = const_cast<PWSTR>(L"Port");
        t[1].EntryContext = &marker;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kService, t, &seen, nullptr), STATUS_SUCCESS);
        ASSERT_EQ(seen.lines.size(), 3u);
        EXPECT_EQ(seen.lines[0], "Port 4 4");
        EXPECT_EQ(seen.lines[1], "Server 1 12 alpha");
        EXPECT_EQ(seen.lines[2], "Port 4 4 ctx");

        // REG_MULTI_SZ default: one REG_SZ call per string unless NOEXPAND
        seen.lines.clear();
        static const wchar_t multi[] = L"a\0bc\0";
        memset(t, 0, sizeof t);
        t[0].QueryRoutine = Record;
        t[0].Name = const_cast<PWSTR>(L"List");
        t[0].DefaultType = REG_MULTI_SZ;
        t[0].DefaultData = const_cast<wchar_t*>(multi);
        t[1] = t[0];
        t[1].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
        HANDLE par = nullptr;
        ASSERT_EQ(Open(kParameters, &par), STATUS_SUCCESS);
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_HANDLE, static_cast<PCWSTR>(par), t, &seen, nullptr),
                  STATUS_SUCCESS);
        ASSERT_EQ(seen.lines.size(), 3u);
        EXPECT_EQ(seen.lines[0], "List 1 4 a");
        EXPECT_EQ(seen.lines[1], "List 1 6 bc");
        EXPECT_EQ(seen.lines[2], "List 7 12");
        EXPECT_EQ(ZwClose(par), STATUS_SUCCESS);

        // a failing QueryRoutine stops the table; STATUS_BUFFER_TOO_SMALL from it is ignored
        memset(t, 0, sizeof t);
        t[0].QueryRoutine = TooSmall;
        t[0].Name = const_cast<PWSTR>(L"Port");
        t[1].QueryRoutine = Fail;
        t[1].Name = const_cast<PWSTR>(L"Server");
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr),
                  STATUS_ACCESS_DENIED);

        // NOVALUE: one callback with no data; REQUIRED on an empty key
        seen.lines.clear();
        memset(t, 0, sizeof t);
        t[0].QueryRoutine = Record;
        t[0].Flags = RTL_QUERY_REGISTRY_NOVALUE;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, &seen, nullptr), STATUS_SUCCESS);
        ASSERT_EQ(seen.lines.size(), 1u);
        EXPECT_EQ(seen.lines[0], "(null) 0 0");
        t[0].Flags = RTL_QUERY_REGISTRY_REQUIRED;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kService, t, &seen, nullptr),
                  STATUS_OBJECT_NAME_NOT_FOUND)
            << "the service key itself has no values";
    });
    kr.Run();
    EXPECT_TRUE(kr.host.errors.empty()) << kr.host.errors.front();
}

TEST(RegistryApi, RtlQueryRegistryValuesDirectBinaryBuffers)
{
    RegistryRun kr;
    const UCHAR blob[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_EQ(KrtRegistrySetValue(kr.inst, "Blob", REG_BINARY, blob, sizeof blob), STATUS_SUCCESS);
    kr.Thread([&] {
        RTL_QUERY_REGISTRY_TABLE t[2];
        memset(t, 0, sizeof t);
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
        t[0].Name = const_cast<PWSTR>(L"Blob");
        alignas(4) UCHAR out[16];

        LONG negative = -8; // data only
        memcpy(out, &negative, sizeof negative);
        t[0].EntryContext = out;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr), STATUS_SUCCESS);
        EXPECT_EQ(memcmp(out, blob, 8), 0);

        LONG positive = 16; // length, type, data
        memcpy(out, &positive, sizeof positive);
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr), STATUS_SUCCESS);
        ULONG head[2];
        memcpy(head, out, sizeof head);
        EXPECT_EQ(head[0], 8u);
        EXPECT_EQ(head[1], (ULONG)REG_BINARY);
        EXPECT_EQ(memcmp(out + 8, blob, 8), 0);

        LONG tooSmall = 12;
        memcpy(out, &tooSmall, sizeof tooSmall);
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr),
                  STATUS_BUFFER_TOO_SMALL);

        // RTL_QUERY_REGISTRY_DELETE removes the value once read
        ULONG port = 0;
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_DELETE;
        t[0].Name = const_cast<PWSTR>(L"Port");
        t[0].EntryContext = &port;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr), STATUS_SUCCESS);
        EXPECT_EQ(port, 8080u);
        t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
        EXPECT_EQ(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, kParameters, t, nullptr, nullptr),
                  STATUS_OBJECT_NAME_NOT_FOUND);
    });
    kr.Run();
}
