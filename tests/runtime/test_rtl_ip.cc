// Unit tests for ip2string.h (capi/runtime/rtl_ip.c): IPv4/IPv6 address <-> text in both character
// widths, Windows' IPv6 text rules (compression, embedded IPv4 forms), Ex variants with scope and port.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef NOMINMAX
#define NOMINMAX
#endif
extern "C" {
#include <ntdef.h>
#include <ntstatus.h>
#include <inaddr.h>
#include <in6addr.h>
#include <ip2string.h>
}

namespace {

// Words are given in the usual text order (0x2001 is the first two bytes 20 01).
IN6_ADDR V6(std::initializer_list<unsigned> words)
{
    IN6_ADDR a;
    memset(&a, 0, sizeof a);
    int i = 0;
    for (unsigned w : words) {
        a.u.Byte[2 * i] = (UCHAR)(w >> 8);
        a.u.Byte[2 * i + 1] = (UCHAR)w;
        ++i;
    }
    return a;
}

IN_ADDR V4(unsigned b1, unsigned b2, unsigned b3, unsigned b4)
{
    IN_ADDR a;
    a.S_un.S_un_b.s_b1 = (UCHAR)b1;
    a.S_un.S_un_b.s_b2 = (UCHAR)b2;
    a.S_un.S_un_b.s_b3 = (UCHAR)b3;
    a.S_un.S_un_b.s_b4 = (UCHAR)b4;
    return a;
}

std::string Show(const WCHAR *s)
{
    std::string r;
    for (size_t i = 0; s[i]; ++i) {
        r.push_back((unsigned)s[i] < 0x80 ? (char)s[i] : '?');
    }
    return r;
}

std::vector<WCHAR> Widen(const char *s)
{
    std::vector<WCHAR> w;
    for (; *s; ++s) {
        w.push_back((WCHAR)(unsigned char)*s);
    }
    w.push_back(0);
    return w;
}

std::string V6Text(const IN6_ADDR &a)
{
    char buf[64];
    memset(buf, '#', sizeof buf);
    char *end = RtlIpv6AddressToStringA(&a, buf);
    EXPECT_EQ(end, buf + strlen(buf));
    return buf;
}

USHORT Htons(unsigned v)
{
    return (USHORT)(((v & 0xFF) << 8) | ((v >> 8) & 0xFF));
}

struct V6Case {
    const char *text;
    std::initializer_list<unsigned> words;
};

// Canonical Windows text for a range of addresses (these also round-trip through the parser).
const V6Case kCanonical[] = {
    {"::", {0, 0, 0, 0, 0, 0, 0, 0}},
    {"::1", {0, 0, 0, 0, 0, 0, 0, 1}},
    {"::2", {0, 0, 0, 0, 0, 0, 0, 2}},
    {"::ffff", {0, 0, 0, 0, 0, 0, 0, 0xffff}},
    {"1::", {1, 0, 0, 0, 0, 0, 0, 0}},
    {"1111::", {0x1111, 0, 0, 0, 0, 0, 0, 0}},
    {"1:2:3:4:5:6:7:8", {1, 2, 3, 4, 5, 6, 7, 8}},
    {"0:1:2:3:4:5:6:7", {0, 1, 2, 3, 4, 5, 6, 7}},
    {"1:2:3:4:5:6::", {1, 2, 3, 4, 5, 6, 0, 0}},
    {"1:2:3:4:5:6:0:8", {1, 2, 3, 4, 5, 6, 0, 8}},  // a single zero word is not compressed
    {"1080::8:800:200c:417a", {0x1080, 0, 0, 0, 8, 0x800, 0x200c, 0x417a}},
    {"2001:db8::1428:57ab", {0x2001, 0xdb8, 0, 0, 0, 0, 0x1428, 0x57ab}},
    {"2001:0:1234::c1c0:abcd:876", {0x2001, 0, 0x1234, 0, 0, 0xc1c0, 0xabcd, 0x876}},
    {"3ffe:b00::1:0:0:a", {0x3ffe, 0xb00, 0, 0, 1, 0, 0, 0xa}},  // tie: the first run is compressed
    {"1:0:0:2::3", {1, 0, 0, 2, 0, 0, 0, 3}},                     // the longer run wins
    {"::a:b:c:d:e", {0, 0, 0, 0xa, 0xb, 0xc, 0xd, 0xe}},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", {0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}},
    {"fe80::1", {0xfe80, 0, 0, 0, 0, 0, 0, 1}},
    {"ff02::1:ff00:1", {0xff02, 0, 0, 0, 0, 1, 0xff00, 1}},
    {"2001:db8:85a3::8a2e:370:7334", {0x2001, 0xdb8, 0x85a3, 0, 0, 0x8a2e, 0x370, 0x7334}},
    // IPv4-compatible, when the embedded address is at least 0.1.0.0
    {"::13.1.68.3", {0, 0, 0, 0, 0, 0, 0x0d01, 0x4403}},
    {"::0.1.0.0", {0, 0, 0, 0, 0, 0, 0x0001, 0}},
    {"::123.123.123.123", {0, 0, 0, 0, 0, 0, 0x7b7b, 0x7b7b}},
    // IPv4-mapped
    {"::ffff:13.1.68.3", {0, 0, 0, 0, 0, 0xffff, 0x0d01, 0x4403}},
    {"::ffff:129.144.52.38", {0, 0, 0, 0, 0, 0xffff, 0x8190, 0x3426}},
    {"::ffff:255.255.255.255", {0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff}},
    {"::ffff:0:4403", {0, 0, 0, 0, 0, 0xffff, 0, 0x4403}},  // below 0.1.0.0: plain hex
    {"::ffff:0:0", {0, 0, 0, 0, 0, 0xffff, 0, 0}},
    // IPv4-translated
    {"::ffff:0:13.1.68.3", {0, 0, 0, 0, 0xffff, 0, 0x0d01, 0x4403}},
    // near misses print in hex
    {"::1:d01:4403", {0, 0, 0, 0, 0, 1, 0x0d01, 0x4403}},
    {"::fffe:d01:4403", {0, 0, 0, 0, 0, 0xfffe, 0x0d01, 0x4403}},
    {"::1:0:d01:4403", {0, 0, 0, 0, 1, 0, 0x0d01, 0x4403}},
    {"::ffff:ffff:d01:4403", {0, 0, 0, 0, 0xffff, 0xffff, 0x0d01, 0x4403}},
    {"::ffff:0:0:d01:4403", {0, 0, 0, 0xffff, 0, 0, 0x0d01, 0x4403}},
    // ISATAP interface identifiers
    {"::5efe:0.0.0.0", {0, 0, 0, 0, 0, 0x5efe, 0, 0}},
    {"::5efe:129.144.52.38", {0, 0, 0, 0, 0, 0x5efe, 0x8190, 0x3426}},
    {"fe80::5efe:10.0.0.1", {0xfe80, 0, 0, 0, 0, 0x5efe, 0x0a00, 0x0001}},
    {"1111:2222:3333:4444:0:5efe:129.144.52.38", {0x1111, 0x2222, 0x3333, 0x4444, 0, 0x5efe, 0x8190, 0x3426}},
    {"1111:2222:3333::5efe:129.144.52.38", {0x1111, 0x2222, 0x3333, 0, 0, 0x5efe, 0x8190, 0x3426}},
    {"::200:5efe:129.144.52.38", {0, 0, 0, 0, 0x200, 0x5efe, 0x8190, 0x3426}},
    {"::300:5efe:8190:3426", {0, 0, 0, 0, 0x300, 0x5efe, 0x8190, 0x3426}},
    {"::100:5efe:8190:3426", {0, 0, 0, 0, 0x100, 0x5efe, 0x8190, 0x3426}},
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// IPv6 to text
// ---------------------------------------------------------------------------------------------

TEST(RtlIpv6ToString, CanonicalForms)
{
    for (const V6Case &c : kCanonical) {
        EXPECT_EQ(V6Text(V6(c.words)), c.text);
    }
}

TEST(RtlIpv6ToString, WideVariantMatchesNarrow)
{
    for (const V6Case &c : kCanonical) {
        IN6_ADDR a = V6(c.words);
        WCHAR buf[64];
        WCHAR *end = RtlIpv6AddressToStringW(&a, buf);
        EXPECT_EQ(Show(buf), c.text);
        EXPECT_EQ(end, buf + strlen(c.text));
    }
}

TEST(RtlIpv6ToString, ExWithScopeAndPort)
{
    IN6_ADDR a = V6({0, 0, 0, 0, 0, 0, 0x0d01, 0x4403});
    char buf[80];
    ULONG len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&a, 0, 0, buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "::13.1.68.3");
    EXPECT_EQ(len, strlen(buf) + 1);

    len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&a, 1, 0, buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "::13.1.68.3%1");

    len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&a, 0xffffbbbb, Htons(65518), buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "[::13.1.68.3%4294949819]:65518");
    EXPECT_EQ(len, strlen(buf) + 1);

    len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&a, 0, Htons(256), buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "[::13.1.68.3]:256");

    IN6_ADDR b = V6({0x2001, 0, 0, 0, 0, 0, 0, 0xffd3});
    len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&b, 5, Htons(8080), buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "[2001::ffd3%5]:8080");

    // Port is taken in network byte order: the bytes 01 00 mean port 256.
    len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&b, 0, (USHORT)1, buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "[2001::ffd3]:256");
}

TEST(RtlIpv6ToString, ExLongestText)
{
    IN6_ADDR a = V6({0xffff, 0xffff, 0xffff, 0xffff, 0, 0x5efe, 0xffff, 0xffff});
    char buf[80];
    ULONG len = sizeof buf;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&a, 0xffffffff, Htons(65535), buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "[ffff:ffff:ffff:ffff:0:5efe:255.255.255.255%4294967295]:65535");
    EXPECT_EQ(len, strlen(buf) + 1);
    EXPECT_LE(len, 65u);  // INET6_ADDRSTRLEN
}

TEST(RtlIpv6ToString, ExBufferTooSmall)
{
    IN6_ADDR zero = V6({0, 0, 0, 0, 0, 0, 0, 0});
    char buf[8];
    memset(buf, '#', sizeof buf);
    ULONG len = 2;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&zero, 0, 0, buf, &len), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(len, 3u);  // "::" plus terminator
    EXPECT_EQ(buf[0], '#');
    len = 3;
    EXPECT_EQ(RtlIpv6AddressToStringExA(&zero, 0, 0, buf, &len), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "::");

    EXPECT_EQ(RtlIpv6AddressToStringExA(nullptr, 0, 0, buf, &len), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv6AddressToStringExA(&zero, 0, 0, nullptr, &len), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv6AddressToStringExA(&zero, 0, 0, buf, nullptr), STATUS_INVALID_PARAMETER);
}

TEST(RtlIpv6ToString, ExWide)
{
    IN6_ADDR a = V6({0xfe80, 0, 0, 0, 0, 0, 0, 1});
    WCHAR buf[64];
    ULONG len = 64;
    EXPECT_EQ(RtlIpv6AddressToStringExW(&a, 3, Htons(443), buf, &len), STATUS_SUCCESS);
    EXPECT_EQ(Show(buf), "[fe80::1%3]:443");
    EXPECT_EQ(len, 16u);
    len = 10;
    EXPECT_EQ(RtlIpv6AddressToStringExW(&a, 3, Htons(443), buf, &len), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(len, 16u);
}

// ---------------------------------------------------------------------------------------------
// IPv6 from text
// ---------------------------------------------------------------------------------------------

TEST(RtlIpv6FromString, CanonicalRoundTrip)
{
    for (const V6Case &c : kCanonical) {
        IN6_ADDR got;
        memset(&got, 0xAB, sizeof got);
        PCSTR term = nullptr;
        ASSERT_EQ(RtlIpv6StringToAddressA(c.text, &term, &got), STATUS_SUCCESS) << c.text;
        EXPECT_EQ(term, c.text + strlen(c.text)) << c.text;
        IN6_ADDR want = V6(c.words);
        EXPECT_EQ(memcmp(&got, &want, sizeof got), 0) << c.text;
        EXPECT_EQ(V6Text(got), c.text);

        std::vector<WCHAR> w = Widen(c.text);
        PCWSTR wterm = nullptr;
        memset(&got, 0, sizeof got);
        ASSERT_EQ(RtlIpv6StringToAddressW(w.data(), &wterm, &got), STATUS_SUCCESS) << c.text;
        EXPECT_EQ(wterm, w.data() + strlen(c.text));
        EXPECT_EQ(memcmp(&got, &want, sizeof got), 0) << c.text;
    }
}

TEST(RtlIpv6FromString, NonCanonicalInputs)
{
    struct {
        const char *text;
        size_t term;
        std::initializer_list<unsigned> words;
    } cases[] = {
        {"0000:0000:0000:0000:0000:0000:0000:0001", 39, {0, 0, 0, 0, 0, 0, 0, 1}},
        {"0:0:0:0:0:0:0:0", 15, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"0:0:0:0:0:0:13.1.68.3", 21, {0, 0, 0, 0, 0, 0, 0x0d01, 0x4403}},
        {"0:0:0:0:0:FFFF:129.144.52.38", 28, {0, 0, 0, 0, 0, 0xffff, 0x8190, 0x3426}},
        {"FEDC:BA98:7654:3210:FEDC:BA98:7654:3210", 39,
         {0xfedc, 0xba98, 0x7654, 0x3210, 0xfedc, 0xba98, 0x7654, 0x3210}},
        {"1080:0:0:0:8:800:200C:417A", 26, {0x1080, 0, 0, 0, 8, 0x800, 0x200c, 0x417a}},
        {"0::", 3, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"0:0:0:0:0:0:0::", 15, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"::0:0:0:0:0:0:0", 15, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"::0:a:b:c:d:e:f", 15, {0, 0, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf}},
        {"1111:2222:3333:4444:5555:6666:7777::", 36, {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0}},
        {"1111::3333:4444:5555:6666:123.123.123.123", 41, {0x1111, 0, 0x3333, 0x4444, 0x5555, 0x6666, 0x7b7b, 0x7b7b}},
        {"1::001.2.3.4", 12, {1, 0, 0, 0, 0, 0, 0x0102, 0x0304}},
        // Parsing stops once the address is complete; the rest is left to the caller.
        {"1111:2222:3333:4444:5555:6666:7777:8888:9999", 39,
         {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888}},
        {"1111:2222:3333:4444:5555:6666:7777:8888:", 39,
         {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888}},
        {"1111:2222:3333:4444:5555:6666::7777:8888", 35,
         {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0, 0x7777}},
        {"1111:2222:3333:4444:5555:6666::1.2.3.4", 32, {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0, 1}},
        {"1111:2222:::", 11, {0x1111, 0x2222, 0, 0, 0, 0, 0, 0}},
        {"1::2::3", 4, {1, 0, 0, 0, 0, 0, 0, 2}},
        {"2001::FFD3::57ab", 10, {0x2001, 0, 0, 0, 0, 0, 0, 0xffd3}},
        {"1::1.2.3.4::1", 10, {1, 0, 0, 0, 0, 0, 0x0102, 0x0304}},
        {"1::1a.2.3.4", 5, {1, 0, 0, 0, 0, 0, 0, 0x1a}},
        {"::%16", 2, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"::/16", 2, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"::.", 2, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"2001:0000:1234:0000:0000:C1C0:ABCD:0876  0", 39, {0x2001, 0, 0x1234, 0, 0, 0xc1c0, 0xabcd, 0x876}},
    };
    for (const auto &c : cases) {
        IN6_ADDR got;
        PCSTR term = nullptr;
        ASSERT_EQ(RtlIpv6StringToAddressA(c.text, &term, &got), STATUS_SUCCESS) << c.text;
        EXPECT_EQ((size_t)(term - c.text), c.term) << c.text;
        IN6_ADDR want = V6(c.words);
        EXPECT_EQ(memcmp(&got, &want, sizeof got), 0) << c.text << " -> " << V6Text(got);
    }
}

TEST(RtlIpv6FromString, Invalid)
{
    const char *bad[] = {
        "",
        ":",
        ":1111::",
        ":1111:2222:3333:4444:5555:6666:7777:8888",
        "1111",
        "1111:2222",
        "1111:2222:3333",
        "1111:2222:",
        "1111::5555:",
        "1.2.3.4",
        "1.2.3.4::5555",
        "0x1111",
        "-1",
        "12345::6:7:8",
        "02001:0000:1234:0000:0000:C1C0:ABCD:0876",
        "2001:00000:1234:0000:0000:C1C0:ABCD:0876",
        "1111:2222:3333:4444:5555::08888",
        "1111:2222:3333:4444:5555:6666:7777:fffff:",
        "1111:2222:3333::fffff",
        "1111:2222:1.2.3.4",
        "1111:2222:3333:4444:x555:6666:7777:8888",
        "1::1.2",
        "1::1.2.",
        "1::1.2.3",
        "1::1.2.3.",
        "1::1.2.3.256",
        "1::1.256.3.4",
        "1::256.2.3.4",
        "1::0001.2.3.4",
        "1::1.2.3.300.",
        "1::1.2::1",
        "2001:0000:1234: 0000:0000:C1C0:ABCD:0876",
        "2001:1:1:1:1:1:255Z255X255Y255",
        "XXXX:XXXX:XXXX:XXXX:XXXX:XXXX:1.2.3.4",
        "[::]",
        " ::1",
    };
    for (const char *s : bad) {
        IN6_ADDR got;
        PCSTR term = nullptr;
        EXPECT_EQ(RtlIpv6StringToAddressA(s, &term, &got), STATUS_INVALID_PARAMETER) << s;
        EXPECT_NE(term, nullptr) << s;
        std::vector<WCHAR> w = Widen(s);
        PCWSTR wterm = nullptr;
        EXPECT_EQ(RtlIpv6StringToAddressW(w.data(), &wterm, &got), STATUS_INVALID_PARAMETER) << s;
    }
}

TEST(RtlIpv6FromString, ExForms)
{
    struct {
        const char *text;
        ULONG scope;
        unsigned port;  // host order
        std::initializer_list<unsigned> words;
    } ok[] = {
        {"::", 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"[::]", 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}},
        {"::1%5", 5, 0, {0, 0, 0, 0, 0, 0, 0, 1}},
        {"[::1]:8080", 0, 8080, {0, 0, 0, 0, 0, 0, 0, 1}},
        {"[::1]:0x80", 0, 0x80, {0, 0, 0, 0, 0, 0, 0, 1}},
        {"[::1]:0X80", 0, 0x80, {0, 0, 0, 0, 0, 0, 0, 1}},
        {"[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:80", 0, 80,
         {0xfedc, 0xba98, 0x7654, 0x3210, 0xfedc, 0xba98, 0x7654, 0x3210}},
        {"[1080:0:0:0:8:800:200C:417A]:1234", 0, 1234, {0x1080, 0, 0, 0, 8, 0x800, 0x200c, 0x417a}},
        {"[::FFFF:129.144.52.38]:80", 0, 80, {0, 0, 0, 0, 0, 0xffff, 0x8190, 0x3426}},
        {"[ff01::8:800:200C:417A%16]:8080", 16, 8080, {0xff01, 0, 0, 0, 8, 0x800, 0x200c, 0x417a}},
        {"[ff01::8:800:200C:417A%4294967295]:8080", 0xffffffff, 8080, {0xff01, 0, 0, 0, 8, 0x800, 0x200c, 0x417a}},
        {"[ff01::8:800:200C:417A%0]:8080", 0, 8080, {0xff01, 0, 0, 0, 8, 0x800, 0x200c, 0x417a}},
        {"[fe80::1%3]", 3, 0, {0xfe80, 0, 0, 0, 0, 0, 0, 1}},
        {"[::1]:65535", 0, 65535, {0, 0, 0, 0, 0, 0, 0, 1}},
    };
    for (const auto &c : ok) {
        IN6_ADDR got;
        ULONG scope = 0xbadf00d;
        USHORT port = 0xbeef;
        ASSERT_EQ(RtlIpv6StringToAddressExA(c.text, &got, &scope, &port), STATUS_SUCCESS) << c.text;
        IN6_ADDR want = V6(c.words);
        EXPECT_EQ(memcmp(&got, &want, sizeof got), 0) << c.text;
        EXPECT_EQ(scope, c.scope) << c.text;
        EXPECT_EQ(port, Htons(c.port)) << c.text;  // network byte order

        std::vector<WCHAR> w = Widen(c.text);
        scope = 0;
        port = 0;
        ASSERT_EQ(RtlIpv6StringToAddressExW(w.data(), &got, &scope, &port), STATUS_SUCCESS) << c.text;
        EXPECT_EQ(scope, c.scope);
        EXPECT_EQ(port, Htons(c.port));
    }
}

TEST(RtlIpv6FromString, ExRejects)
{
    const char *bad[] = {
        "[::1]:080",
        "[::1]:800000000080",
        "[::1]:65536",
        "[::1]:",
        "[::1]:0",
        "[ 3ffe:2a00:100:7031::1]:8080",
        "[3ffe:2a00:100:7031::1 ]:8080",
        "[3ffe:2a00:100:7031::1].8080",
        "[1080::8:800:200C:417A]!8080",
        "[::FFFF:129.144.52.38]:-80",
        "[::FFFF:129.144.52.38%-8]:80",
        "[12345::6:7:8]:80",
        "[ff01::8:800:200C:417A%4294967296]:8080",
        "[ff01::8:800:200C:417A%1",
        "[ff01::8:800:200C:417A%0x1000]:8080",
        "[ff01::8:800:200C:417A/16]:8080",
        "::1%",
        "::1:80]",
        "::/16",
        "1::2::3",
        "1111:2222:3333:4444:5555:6666::7777:8888",
        "::1 ",
    };
    for (const char *s : bad) {
        IN6_ADDR got;
        memset(&got, 0xAB, sizeof got);
        ULONG scope = 0xbadf00d;
        USHORT port = 0xbeef;
        EXPECT_EQ(RtlIpv6StringToAddressExA(s, &got, &scope, &port), STATUS_INVALID_PARAMETER) << s;
        // Outputs are untouched on failure.
        EXPECT_EQ(scope, 0xbadf00du) << s;
        EXPECT_EQ(port, 0xbeef) << s;
        EXPECT_EQ(got.u.Byte[0], 0xAB) << s;
    }
    IN6_ADDR got;
    ULONG scope;
    USHORT port;
    EXPECT_EQ(RtlIpv6StringToAddressExA(nullptr, &got, &scope, &port), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv6StringToAddressExA("::", nullptr, &scope, &port), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv6StringToAddressExA("::", &got, nullptr, &port), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv6StringToAddressExA("::", &got, &scope, nullptr), STATUS_INVALID_PARAMETER);
}

TEST(RtlIpv6, ExRoundTripWithScopeAndPort)
{
    for (const V6Case &c : kCanonical) {
        IN6_ADDR a = V6(c.words);
        char buf[80];
        ULONG len = sizeof buf;
        ASSERT_EQ(RtlIpv6AddressToStringExA(&a, 42, Htons(5555), buf, &len), STATUS_SUCCESS);
        IN6_ADDR back;
        ULONG scope = 0;
        USHORT port = 0;
        ASSERT_EQ(RtlIpv6StringToAddressExA(buf, &back, &scope, &port), STATUS_SUCCESS) << buf;
        EXPECT_EQ(memcmp(&a, &back, sizeof a), 0) << buf;
        EXPECT_EQ(scope, 42u);
        EXPECT_EQ(port, Htons(5555));
    }
}

// ---------------------------------------------------------------------------------------------
// IPv4
// ---------------------------------------------------------------------------------------------

TEST(RtlIpv4ToString, Basic)
{
    char buf[32];
    memset(buf, '#', sizeof buf);
    IN_ADDR a = V4(1, 2, 3, 4);
    char *end = RtlIpv4AddressToStringA(&a, buf);
    EXPECT_STREQ(buf, "1.2.3.4");
    EXPECT_EQ(end, buf + 7);
    IN_ADDR b = V4(255, 255, 255, 255);
    RtlIpv4AddressToStringA(&b, buf);
    EXPECT_STREQ(buf, "255.255.255.255");
    IN_ADDR z = V4(0, 0, 0, 0);
    RtlIpv4AddressToStringA(&z, buf);
    EXPECT_STREQ(buf, "0.0.0.0");
    IN_ADDR c = V4(10, 0, 100, 9);
    WCHAR w[32];
    WCHAR *wend = RtlIpv4AddressToStringW(&c, w);
    EXPECT_EQ(Show(w), "10.0.100.9");
    EXPECT_EQ(wend, w + 10);
}

TEST(RtlIpv4ToString, ExPortAndLength)
{
    IN_ADDR a = V4(1, 2, 3, 4);
    char buf[30];
    ULONG size = sizeof buf;
    EXPECT_EQ(RtlIpv4AddressToStringExA(&a, Htons(80), buf, &size), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "1.2.3.4:80");
    EXPECT_EQ(size, 11u);
    size = 11;  // exactly enough
    EXPECT_EQ(RtlIpv4AddressToStringExA(&a, Htons(80), buf, &size), STATUS_SUCCESS);
    size = 10;
    memset(buf, '#', sizeof buf);
    EXPECT_EQ(RtlIpv4AddressToStringExA(&a, Htons(80), buf, &size), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(size, 11u);
    EXPECT_EQ(buf[0], '#');
    size = sizeof buf;
    EXPECT_EQ(RtlIpv4AddressToStringExA(&a, 0, buf, &size), STATUS_SUCCESS);  // port 0: address only
    EXPECT_STREQ(buf, "1.2.3.4");
    EXPECT_EQ(size, 8u);
    EXPECT_EQ(RtlIpv4AddressToStringExA(&a, 0, buf, nullptr), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv4AddressToStringExA(&a, 0, nullptr, &size), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv4AddressToStringExA(nullptr, 0, buf, &size), STATUS_INVALID_PARAMETER);

    WCHAR w[30];
    size = 30;
    IN_ADDR m = V4(255, 255, 255, 255);
    EXPECT_EQ(RtlIpv4AddressToStringExW(&m, Htons(65535), w, &size), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "255.255.255.255:65535");
    EXPECT_EQ(size, 22u);
}

namespace {

struct V4Case {
    const char *text;
    NTSTATUS status;
    int term;
    int b[4];  // expected bytes on success
};

void CheckV4(const V4Case &c, BOOLEAN strict)
{
    IN_ADDR got;
    got.S_un.S_addr = 0xabababab;
    PCSTR term = nullptr;
    NTSTATUS s = RtlIpv4StringToAddressA(c.text, strict, &term, &got);
    EXPECT_EQ(s, c.status) << c.text << (strict ? " (strict)" : "");
    if (c.term >= 0) {
        EXPECT_EQ(term - c.text, c.term) << c.text << (strict ? " (strict)" : "");
    }
    if (c.status == STATUS_SUCCESS) {
        IN_ADDR want = V4(c.b[0], c.b[1], c.b[2], c.b[3]);
        EXPECT_EQ(got.S_un.S_addr, want.S_un.S_addr) << c.text;
    } else {
        EXPECT_EQ(got.S_un.S_addr, 0xababababu) << c.text << ": address must not change on failure";
    }
    // Same result through the wide entry point.
    std::vector<WCHAR> w = Widen(c.text);
    LPCWSTR wterm = nullptr;
    got.S_un.S_addr = 0xabababab;
    EXPECT_EQ(RtlIpv4StringToAddressW(w.data(), strict, &wterm, &got), c.status) << c.text;
    if (c.term >= 0) {
        EXPECT_EQ(wterm - w.data(), c.term) << c.text;
    }
}

}  // namespace

TEST(RtlIpv4FromString, NonStrict)
{
    const NTSTATUS OK = STATUS_SUCCESS, BAD = STATUS_INVALID_PARAMETER;
    const V4Case cases[] = {
        {"1.1.1.1", OK, 7, {1, 1, 1, 1}},
        {"0.0.0.0", OK, 7, {0, 0, 0, 0}},
        {"255.255.255.255", OK, 15, {255, 255, 255, 255}},
        {"255.255.255.255:123", OK, 15, {255, 255, 255, 255}},
        {"3.4.5.6 ", OK, 7, {3, 4, 5, 6}},
        {"1.1.1.0xaA", OK, 10, {1, 1, 1, 170}},
        {"1.1.1.0XFF", OK, 10, {1, 1, 1, 255}},
        {"1.1.1.010", OK, 9, {1, 1, 1, 8}},
        {"1.1.1.00", OK, 8, {1, 1, 1, 0}},
        {"1.1.1.0a", OK, 7, {1, 1, 1, 0}},
        {"1", OK, 1, {0, 0, 0, 1}},
        {"1.2", OK, 3, {1, 0, 0, 2}},
        {"1.2.3", OK, 5, {1, 2, 0, 3}},
        {"203569230", OK, 9, {12, 34, 56, 78}},
        {"1.223756", OK, 8, {1, 3, 106, 12}},
        {"3.4.756", OK, 7, {3, 4, 2, 244}},
        {"0x00010203", OK, 10, {0, 1, 2, 3}},
        {"0x1234", OK, 6, {0, 0, 18, 52}},
        {"017700000001", OK, 12, {127, 0, 0, 1}},
        {"0777", OK, 4, {0, 0, 1, 255}},
        {"1234BEEF", OK, 4, {0, 0, 4, 210}},
        {"0x00010Q03", OK, 7, {0, 0, 0, 16}},
        {"", BAD, 0, {}},
        {" ", BAD, 0, {}},
        {"a", BAD, 0, {}},
        {"-1", BAD, 0, {}},
        {" 3.4.5.6", BAD, 0, {}},
        {"255.255.255.256", BAD, -1, {}},
        {"255.255.255.4294967296", BAD, -1, {}},
        {"1.1.1.0x", BAD, -1, {}},
        {"1.1.1.0x100", BAD, -1, {}},
        {"1.1.1.08", BAD, -1, {}},
        {"1.1.1.-2", BAD, -1, {}},
        {"1000.2000", BAD, -1, {}},
        {"1.2.", BAD, -1, {}},
        {"1..2", BAD, -1, {}},
        {"1.2.3.", BAD, -1, {}},
        {"756.3.4", BAD, -1, {}},
        {"3.756.4", BAD, -1, {}},
        {"3.4.756.1", BAD, -1, {}},
        {"3.4.65536", BAD, -1, {}},
        {"3.4.5.6.7", BAD, -1, {}},
        {"3.4.5.+6", BAD, -1, {}},
        {"3. 4.5.6", BAD, -1, {}},
        {".1.2.3", BAD, 0, {}},
        {"[0.1.2.3]", BAD, 0, {}},
        {"x00010203", BAD, 0, {}},
        {"::1", BAD, 0, {}},
    };
    for (const V4Case &c : cases) {
        CheckV4(c, FALSE);
    }
}

TEST(RtlIpv4FromString, Strict)
{
    const NTSTATUS OK = STATUS_SUCCESS, BAD = STATUS_INVALID_PARAMETER;
    const V4Case cases[] = {
        {"1.1.1.1", OK, 7, {1, 1, 1, 1}},
        {"0.1.2.3", OK, 7, {0, 1, 2, 3}},
        {"255.255.255.255:80", OK, 15, {255, 255, 255, 255}},
        {"192.168.0.10", OK, 12, {192, 168, 0, 10}},
        {"1.1.1.0a", OK, 7, {1, 1, 1, 0}},
        {"1", BAD, -1, {}},
        {"1.2", BAD, -1, {}},
        {"1.2.3", BAD, -1, {}},
        {"1.1.1.0xaA", BAD, -1, {}},
        {"1.1.1.010", BAD, -1, {}},
        {"1.1.1.00", BAD, -1, {}},
        {"0x00010203", BAD, -1, {}},
        {"017700000001", BAD, -1, {}},
        {"203569230", BAD, -1, {}},
        {"256.1.1.1", BAD, -1, {}},
        {"1.2.3.4.", BAD, -1, {}},
    };
    for (const V4Case &c : cases) {
        CheckV4(c, TRUE);
    }
}

TEST(RtlIpv4FromString, ExWithPort)
{
    struct {
        const char *text;
        NTSTATUS status;
        int b[4];
        unsigned port;
    } cases[] = {
        {"1.1.1.1", STATUS_SUCCESS, {1, 1, 1, 1}, 0},
        {"1.1.1.1:1", STATUS_SUCCESS, {1, 1, 1, 1}, 1},
        {"0.0.0.0:1", STATUS_SUCCESS, {0, 0, 0, 0}, 1},
        {"1.2.3.4:65535", STATUS_SUCCESS, {1, 2, 3, 4}, 65535},
        {"1.2.3.4:0xffff", STATUS_SUCCESS, {1, 2, 3, 4}, 65535},
        {"1.2.3.4:0XfFfF", STATUS_SUCCESS, {1, 2, 3, 4}, 65535},
        {"1.2.3.4:011064", STATUS_SUCCESS, {1, 2, 3, 4}, 0x1234},
        {"", STATUS_INVALID_PARAMETER, {}, 0},
        {"1.1.1.1:", STATUS_INVALID_PARAMETER, {}, 0},
        {"1.1.1.1+", STATUS_INVALID_PARAMETER, {}, 0},
        {"256.1.1.1:1", STATUS_INVALID_PARAMETER, {}, 0},
        {"-1.1.1.1:1", STATUS_INVALID_PARAMETER, {}, 0},
        {"0.0.0.0:0", STATUS_INVALID_PARAMETER, {}, 0},
        {"1.2.3.4:65536", STATUS_INVALID_PARAMETER, {}, 0},
        {"1.2.3.4:1234a", STATUS_INVALID_PARAMETER, {}, 0},
        {"1.2.3.4: 1234", STATUS_INVALID_PARAMETER, {}, 0},
        {"3.4.5.6 ", STATUS_INVALID_PARAMETER, {}, 0},
        {"1234BEEF", STATUS_INVALID_PARAMETER, {}, 0},
    };
    for (const auto &c : cases) {
        for (BOOLEAN strict = 0; strict < 2; ++strict) {
            IN_ADDR got;
            got.S_un.S_addr = 0xabababab;
            USHORT port = 0xdead;
            NTSTATUS s = RtlIpv4StringToAddressExA(c.text, strict, &got, &port);
            EXPECT_EQ(s, c.status) << c.text;
            if (s == STATUS_SUCCESS) {
                IN_ADDR want = V4(c.b[0], c.b[1], c.b[2], c.b[3]);
                EXPECT_EQ(got.S_un.S_addr, want.S_un.S_addr) << c.text;
                EXPECT_EQ(port, Htons(c.port)) << c.text;
            } else {
                EXPECT_EQ(got.S_un.S_addr, 0xababababu) << c.text;
                EXPECT_EQ(port, 0xdead) << c.text;
            }
            std::vector<WCHAR> w = Widen(c.text);
            EXPECT_EQ(RtlIpv4StringToAddressExW(w.data(), strict, &got, &port), c.status) << c.text;
        }
    }
    // Strict only concerns the address part.
    IN_ADDR got;
    USHORT port;
    EXPECT_EQ(RtlIpv4StringToAddressExA("10.1:80", FALSE, &got, &port), STATUS_SUCCESS);
    EXPECT_EQ(RtlIpv4StringToAddressExA("10.1:80", TRUE, &got, &port), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv4StringToAddressExA(nullptr, FALSE, &got, &port), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv4StringToAddressExA("1.1.1.1", FALSE, nullptr, &port), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlIpv4StringToAddressExA("1.1.1.1", FALSE, &got, nullptr), STATUS_INVALID_PARAMETER);
}

TEST(RtlIpv4, RoundTripAllByteValues)
{
    for (unsigned v = 0; v < 256; ++v) {
        IN_ADDR a = V4(v, 255 - v, (v * 7) & 0xff, (v * 13) & 0xff);
        char buf[32];
        ULONG len = sizeof buf;
        ASSERT_EQ(RtlIpv4AddressToStringExA(&a, Htons(v + 1), buf, &len), STATUS_SUCCESS);
        IN_ADDR back;
        USHORT port = 0;
        ASSERT_EQ(RtlIpv4StringToAddressExA(buf, TRUE, &back, &port), STATUS_SUCCESS) << buf;
        EXPECT_EQ(back.S_un.S_addr, a.S_un.S_addr);
        EXPECT_EQ(port, Htons(v + 1));
    }
}

TEST(Ip2String, UnsuffixedNamesMapToAnsi)
{
    IN_ADDR a = V4(9, 8, 7, 6);
    char buf[20];
    RtlIpv4AddressToString(&a, buf);
    EXPECT_STREQ(buf, "9.8.7.6");
}
