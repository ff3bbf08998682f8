// Unit tests for krt/rtl.h (capi/runtime/rtl_string.c): counted strings, case, comparison,
// conversions (ANSI, UTF-8), integer <-> text, memory helpers, byte swaps, random numbers, and that every
// allocation goes through the runtime's pool hook (KrtRtlAlloc / KrtRtlFree).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#ifndef NOMINMAX
#define NOMINMAX
#endif
extern "C" {
#include <ntdef.h>
#include <ntstatus.h>
#include <krt/rtl.h>
#include "../../capi/runtime/krt_rtl_alloc.h"
}

#ifndef STATUS_NAME_TOO_LONG  // not (yet) in capi/include/ntstatus.h; same value as rtl_string.c uses
#define STATUS_NAME_TOO_LONG ((NTSTATUS)0xC0000106L)
#endif

// Strong definitions override the weak malloc/free defaults (capi/runtime/rtl_alloc_default.c), the same
// way the pool implementation does, so the tests can see that allocations go through the hook.
namespace {
int g_live_blocks = 0;
int g_total_allocs = 0;
bool g_fail_next_alloc = false;
}  // namespace

extern "C" PVOID KrtRtlAlloc(SIZE_T n)
{
    if (g_fail_next_alloc) {
        g_fail_next_alloc = false;
        return nullptr;
    }
    ++g_live_blocks;
    ++g_total_allocs;
    return malloc(n ? n : 1);
}

extern "C" void KrtRtlFree(PVOID p)
{
    if (p) {
        --g_live_blocks;
    }
    free(p);
}

namespace {

std::string Show(const WCHAR *s, size_t n)
{
    std::string r;
    for (size_t i = 0; i < n; ++i) {
        unsigned u = (unsigned)s[i];
        if (u < 0x80) {
            r.push_back((char)u);
        } else {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04X", u);
            r += esc;
        }
    }
    return r;
}

std::string Show(const UNICODE_STRING &us)
{
    return Show(us.Buffer, us.Length / sizeof(WCHAR));
}

std::string Show(const STRING &s)
{
    return std::string(s.Buffer, s.Length);
}

class RtlStrings : public ::testing::Test {
protected:
    void SetUp() override { live_at_start_ = g_live_blocks; }
    void TearDown() override { EXPECT_EQ(g_live_blocks, live_at_start_) << "Rtl allocation leaked"; }
    int live_at_start_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Initialisation
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, InitUnicodeString)
{
    UNICODE_STRING us;
    const WCHAR *src = L"\\Device\\Afd";
    RtlInitUnicodeString(&us, src);
    EXPECT_EQ(us.Length, 22);
    EXPECT_EQ(us.MaximumLength, 24);
    EXPECT_EQ(us.Buffer, src);
    RtlInitUnicodeString(&us, L"");
    EXPECT_EQ(us.Length, 0);
    EXPECT_EQ(us.MaximumLength, 2);
    RtlInitUnicodeString(&us, nullptr);
    EXPECT_EQ(us.Length, 0);
    EXPECT_EQ(us.MaximumLength, 0);
    EXPECT_EQ(us.Buffer, nullptr);
}

TEST_F(RtlStrings, InitUnicodeStringExAndClamping)
{
    std::vector<WCHAR> big(40000, L'x');
    big.back() = 0;
    UNICODE_STRING us;
    EXPECT_EQ(RtlInitUnicodeStringEx(&us, big.data()), STATUS_NAME_TOO_LONG);
    RtlInitUnicodeString(&us, big.data());  // clamps instead
    EXPECT_EQ(us.Length, 65532);
    EXPECT_EQ(us.MaximumLength, 65534);
    EXPECT_EQ(RtlInitUnicodeStringEx(&us, L"ok"), STATUS_SUCCESS);
    EXPECT_EQ(us.Length, 4);
}

TEST_F(RtlStrings, InitNarrowStrings)
{
    ANSI_STRING as;
    RtlInitAnsiString(&as, "hello");
    EXPECT_EQ(as.Length, 5);
    EXPECT_EQ(as.MaximumLength, 6);
    RtlInitAnsiString(&as, nullptr);
    EXPECT_EQ(as.Length, 0);
    EXPECT_EQ(as.MaximumLength, 0);
    EXPECT_EQ(as.Buffer, nullptr);
    STRING s;
    RtlInitString(&s, "ab");
    EXPECT_EQ(s.Length, 2);
    EXPECT_EQ(s.MaximumLength, 3);
    UTF8_STRING u;
    RtlInitUTF8String(&u, "\xC3\xA9");
    EXPECT_EQ(u.Length, 2);
    EXPECT_EQ(u.MaximumLength, 3);
    EXPECT_EQ(RtlInitAnsiStringEx(&as, "xyz"), STATUS_SUCCESS);
    EXPECT_EQ(as.Length, 3);
    std::string big(70000, 'a');
    EXPECT_EQ(RtlInitStringEx(&s, big.c_str()), STATUS_NAME_TOO_LONG);
    EXPECT_EQ(RtlInitUTF8StringEx(&u, "q"), STATUS_SUCCESS);
    EXPECT_EQ(u.Length, 1);
}

// ---------------------------------------------------------------------------------------------
// Copy / append
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, CopyUnicodeString)
{
    WCHAR buf[8];
    UNICODE_STRING dst = {0, sizeof buf, buf};
    UNICODE_STRING src;
    RtlInitUnicodeString(&src, L"abc");
    RtlCopyUnicodeString(&dst, &src);
    EXPECT_EQ(dst.Length, 6);
    EXPECT_EQ(Show(dst), "abc");
    EXPECT_EQ((unsigned)buf[3], 0u);  // terminated when there is room

    WCHAR small[2] = {L'#', L'#'};
    UNICODE_STRING tiny = {0, sizeof small, small};
    RtlCopyUnicodeString(&tiny, &src);  // truncated to MaximumLength, no room for a terminator
    EXPECT_EQ(tiny.Length, 4);
    EXPECT_EQ(Show(tiny), "ab");

    RtlCopyUnicodeString(&dst, nullptr);
    EXPECT_EQ(dst.Length, 0);
}

TEST_F(RtlStrings, CopyString)
{
    char buf[4] = {'#', '#', '#', '#'};
    STRING dst = {0, sizeof buf, buf};
    STRING src;
    RtlInitString(&src, "hello");
    RtlCopyString(&dst, &src);
    EXPECT_EQ(dst.Length, 4);
    EXPECT_EQ(Show(dst), "hell");
    RtlInitString(&src, "hi");
    RtlCopyString(&dst, &src);
    EXPECT_EQ(Show(dst), "hi");
    EXPECT_EQ(buf[2], '\0');
    RtlCopyString(&dst, nullptr);
    EXPECT_EQ(dst.Length, 0);
}

TEST_F(RtlStrings, AppendUnicode)
{
    WCHAR buf[8];
    UNICODE_STRING dst = {0, sizeof buf, buf};
    EXPECT_EQ(RtlAppendUnicodeToString(&dst, L"abc"), STATUS_SUCCESS);
    EXPECT_EQ(RtlAppendUnicodeToString(&dst, L"de"), STATUS_SUCCESS);
    EXPECT_EQ(Show(dst), "abcde");
    EXPECT_EQ((unsigned)buf[5], 0u);
    EXPECT_EQ(RtlAppendUnicodeToString(&dst, L"xyz9"), STATUS_BUFFER_TOO_SMALL);
    EXPECT_EQ(Show(dst), "abcde");  // unchanged
    EXPECT_EQ(RtlAppendUnicodeToString(&dst, nullptr), STATUS_SUCCESS);

    UNICODE_STRING more;
    RtlInitUnicodeString(&more, L"fgh");
    EXPECT_EQ(RtlAppendUnicodeStringToString(&dst, &more), STATUS_SUCCESS);  // exactly fills, no terminator
    EXPECT_EQ(Show(dst), "abcdefgh");
    EXPECT_EQ(dst.Length, 16);
    EXPECT_EQ(RtlAppendUnicodeStringToString(&dst, &more), STATUS_BUFFER_TOO_SMALL);
    UNICODE_STRING empty = {0, 0, nullptr};
    EXPECT_EQ(RtlAppendUnicodeStringToString(&dst, &empty), STATUS_SUCCESS);
}

TEST_F(RtlStrings, AppendNarrow)
{
    char buf[6];
    STRING dst = {0, sizeof buf, buf};
    EXPECT_EQ(RtlAppendAsciizToString(&dst, "abc"), STATUS_SUCCESS);
    STRING more;
    RtlInitString(&more, "de");
    EXPECT_EQ(RtlAppendStringToString(&dst, &more), STATUS_SUCCESS);
    EXPECT_EQ(Show(dst), "abcde");
    EXPECT_EQ(RtlAppendStringToString(&dst, &more), STATUS_BUFFER_TOO_SMALL);
    EXPECT_EQ(Show(dst), "abcde");
}

// ---------------------------------------------------------------------------------------------
// Comparison and case
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, CompareUnicode)
{
    UNICODE_STRING a, b, c, d;
    RtlInitUnicodeString(&a, L"Hello");
    RtlInitUnicodeString(&b, L"hello");
    RtlInitUnicodeString(&c, L"hello world");
    RtlInitUnicodeString(&d, L"help");
    EXPECT_LT(RtlCompareUnicodeString(&a, &b, FALSE), 0);  // 'H' < 'h'
    EXPECT_EQ(RtlCompareUnicodeString(&a, &b, TRUE), 0);
    EXPECT_LT(RtlCompareUnicodeString(&b, &c, FALSE), 0);  // prefix sorts first
    EXPECT_GT(RtlCompareUnicodeString(&c, &b, FALSE), 0);
    EXPECT_LT(RtlCompareUnicodeString(&b, &d, FALSE), 0);  // 'l' < 'p'
    EXPECT_FALSE(RtlEqualUnicodeString(&a, &b, FALSE));
    EXPECT_TRUE(RtlEqualUnicodeString(&a, &b, TRUE));
    EXPECT_FALSE(RtlEqualUnicodeString(&b, &c, TRUE));
    EXPECT_TRUE(RtlPrefixUnicodeString(&b, &c, FALSE));
    EXPECT_TRUE(RtlPrefixUnicodeString(&a, &c, TRUE));
    EXPECT_FALSE(RtlPrefixUnicodeString(&a, &c, FALSE));
    EXPECT_FALSE(RtlPrefixUnicodeString(&c, &b, TRUE));

    // Counted, not NUL-terminated: only Length counts.
    WCHAR raw[] = L"abcXYZ";
    UNICODE_STRING part = {6, sizeof raw, raw};
    UNICODE_STRING abc;
    RtlInitUnicodeString(&abc, L"ABC");
    EXPECT_TRUE(RtlEqualUnicodeString(&part, &abc, TRUE));

    // Case folding beyond ASCII.
    UNICODE_STRING g1, g2;
    const WCHAR greek_lower[] = {0x03B1, 0x03B2, 0x03C2, 0};
    const WCHAR greek_upper[] = {0x0391, 0x0392, 0x03A3, 0};
    RtlInitUnicodeString(&g1, greek_lower);
    RtlInitUnicodeString(&g2, greek_upper);
    EXPECT_TRUE(RtlEqualUnicodeString(&g1, &g2, TRUE));
    EXPECT_FALSE(RtlEqualUnicodeString(&g1, &g2, FALSE));
}

TEST_F(RtlStrings, CompareNarrow)
{
    STRING a, b, c;
    RtlInitString(&a, "ABC");
    RtlInitString(&b, "abc");
    RtlInitString(&c, "abcd");
    EXPECT_NE(RtlCompareString(&a, &b, FALSE), 0);
    EXPECT_EQ(RtlCompareString(&a, &b, TRUE), 0);
    EXPECT_LT(RtlCompareString(&b, &c, FALSE), 0);
    EXPECT_TRUE(RtlEqualString(&a, &b, TRUE));
    EXPECT_FALSE(RtlEqualString(&a, &b, FALSE));
    EXPECT_TRUE(RtlPrefixString(&a, &c, TRUE));
    EXPECT_FALSE(RtlPrefixString(&c, &a, TRUE));
    // High bytes compare as unsigned.
    STRING hi, lo;
    RtlInitString(&hi, "\xE9");
    RtlInitString(&lo, "a");
    EXPECT_GT(RtlCompareString(&hi, &lo, FALSE), 0);
}

TEST_F(RtlStrings, CaseMappingOfCharacters)
{
    struct {
        unsigned lower, upper;
    } pairs[] = {
        {'a', 'A'},         {'z', 'Z'},         {0x00E9, 0x00C9},   {0x00FE, 0x00DE},
        {0x0101, 0x0100},   {0x017A, 0x0179},   {0x0142, 0x0141},   {0x03B1, 0x0391},
        {0x03C9, 0x03A9},   {0x03AC, 0x0386},   {0x0430, 0x0410},   {0x044F, 0x042F},
        {0x0451, 0x0401},   {0xFF41, 0xFF21},
    };
    for (const auto &p : pairs) {
        EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar((WCHAR)p.lower), p.upper) << std::hex << p.lower;
        EXPECT_EQ((unsigned)RtlDowncaseUnicodeChar((WCHAR)p.upper), p.lower) << std::hex << p.upper;
        EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar((WCHAR)p.upper), p.upper);
        EXPECT_EQ((unsigned)RtlDowncaseUnicodeChar((WCHAR)p.lower), p.lower);
    }
    EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar(0x00FF), 0x0178u);
    EXPECT_EQ((unsigned)RtlDowncaseUnicodeChar(0x0178), 0x00FFu);
    EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar(0x03C2), 0x03A3u);  // final sigma
    EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar(0x00F7), 0x00F7u);  // division sign has no case
    EXPECT_EQ((unsigned)RtlDowncaseUnicodeChar(0x00D7), 0x00D7u);
    EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar('1'), (unsigned)'1');
    EXPECT_EQ((unsigned)RtlUpcaseUnicodeChar(0x4E2D), 0x4E2Du);
    EXPECT_EQ(RtlUpperChar('q'), 'Q');
    EXPECT_EQ(RtlUpperChar('Q'), 'Q');
    EXPECT_EQ(RtlUpperChar('7'), '7');
}

TEST_F(RtlStrings, UpcaseDowncaseStrings)
{
    UNICODE_STRING src;
    RtlInitUnicodeString(&src, L"MiXeD 123");
    WCHAR buf[16];
    UNICODE_STRING dst = {0, sizeof buf, buf};
    EXPECT_EQ(RtlUpcaseUnicodeString(&dst, &src, FALSE), STATUS_SUCCESS);
    EXPECT_EQ(Show(dst), "MIXED 123");
    EXPECT_EQ(RtlDowncaseUnicodeString(&dst, &src, FALSE), STATUS_SUCCESS);
    EXPECT_EQ(Show(dst), "mixed 123");

    WCHAR small[3];
    UNICODE_STRING tiny = {0, sizeof small, small};
    EXPECT_EQ(RtlUpcaseUnicodeString(&tiny, &src, FALSE), STATUS_BUFFER_OVERFLOW);

    int before = g_total_allocs;
    UNICODE_STRING alloc;
    EXPECT_EQ(RtlUpcaseUnicodeString(&alloc, &src, TRUE), STATUS_SUCCESS);
    EXPECT_EQ(g_total_allocs, before + 1);
    EXPECT_EQ(Show(alloc), "MIXED 123");
    EXPECT_EQ(alloc.MaximumLength, src.Length);
    RtlFreeUnicodeString(&alloc);
    EXPECT_EQ(alloc.Buffer, nullptr);

    g_fail_next_alloc = true;
    EXPECT_EQ(RtlDowncaseUnicodeString(&alloc, &src, TRUE), STATUS_NO_MEMORY);

    char nb[8];
    STRING ndst = {0, sizeof nb, nb};
    STRING nsrc;
    RtlInitString(&nsrc, "abC1");
    RtlUpperString(&ndst, &nsrc);
    EXPECT_EQ(Show(ndst), "ABC1");
}

// ---------------------------------------------------------------------------------------------
// Allocation
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, CreateAndFreeUnicodeString)
{
    int before = g_live_blocks;
    UNICODE_STRING us;
    ASSERT_TRUE(RtlCreateUnicodeString(&us, L"created"));
    EXPECT_EQ(g_live_blocks, before + 1);
    EXPECT_EQ(us.Length, 14);
    EXPECT_EQ(us.MaximumLength, 16);
    EXPECT_EQ(Show(us), "created");
    EXPECT_EQ((unsigned)us.Buffer[7], 0u);
    RtlFreeUnicodeString(&us);
    EXPECT_EQ(g_live_blocks, before);
    EXPECT_EQ(us.Buffer, nullptr);
    EXPECT_EQ(us.Length, 0);
    EXPECT_EQ(us.MaximumLength, 0);
    RtlFreeUnicodeString(&us);  // freeing an empty string is harmless

    g_fail_next_alloc = true;
    EXPECT_FALSE(RtlCreateUnicodeString(&us, L"x"));
}

TEST_F(RtlStrings, DuplicateUnicodeString)
{
    UNICODE_STRING src;
    RtlInitUnicodeString(&src, L"dup");
    UNICODE_STRING out;

    EXPECT_EQ(RtlDuplicateUnicodeString(0, &src, &out), STATUS_SUCCESS);
    EXPECT_EQ(Show(out), "dup");
    EXPECT_EQ(out.Length, 6);
    EXPECT_EQ(out.MaximumLength, 6);
    EXPECT_NE(out.Buffer, src.Buffer);
    RtlFreeUnicodeString(&out);

    EXPECT_EQ(RtlDuplicateUnicodeString(RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE, &src, &out), STATUS_SUCCESS);
    EXPECT_EQ(out.MaximumLength, 8);
    EXPECT_EQ((unsigned)out.Buffer[3], 0u);
    RtlFreeUnicodeString(&out);

    UNICODE_STRING empty = {0, 0, nullptr};
    EXPECT_EQ(RtlDuplicateUnicodeString(RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE, &empty, &out), STATUS_SUCCESS);
    EXPECT_EQ(out.Buffer, nullptr);  // empty input: nothing allocated
    EXPECT_EQ(out.Length, 0);
    EXPECT_EQ(out.MaximumLength, 0);

    EXPECT_EQ(RtlDuplicateUnicodeString(RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE |
                                            RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING,
                                        &empty, &out),
              STATUS_SUCCESS);
    ASSERT_NE(out.Buffer, nullptr);
    EXPECT_EQ(out.Length, 0);
    EXPECT_EQ(out.MaximumLength, 2);
    EXPECT_EQ((unsigned)out.Buffer[0], 0u);
    RtlFreeUnicodeString(&out);

    EXPECT_EQ(RtlDuplicateUnicodeString(4, &src, &out), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlDuplicateUnicodeString(0, nullptr, &out), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlDuplicateUnicodeString(0, &src, nullptr), STATUS_INVALID_PARAMETER);
    UNICODE_STRING odd = {3, 8, src.Buffer};
    EXPECT_EQ(RtlDuplicateUnicodeString(0, &odd, &out), STATUS_INVALID_PARAMETER);
    g_fail_next_alloc = true;
    EXPECT_EQ(RtlDuplicateUnicodeString(0, &src, &out), STATUS_NO_MEMORY);
}

// ---------------------------------------------------------------------------------------------
// ANSI conversions
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, UnicodeToAnsi)
{
    UNICODE_STRING src;
    RtlInitUnicodeString(&src, L"Tcp/IP");
    ANSI_STRING as;
    int before = g_total_allocs;
    EXPECT_EQ(RtlUnicodeStringToAnsiString(&as, &src, TRUE), STATUS_SUCCESS);
    EXPECT_EQ(g_total_allocs, before + 1);
    EXPECT_EQ(as.Length, 6);
    EXPECT_EQ(as.MaximumLength, 7);
    EXPECT_STREQ(as.Buffer, "Tcp/IP");
    RtlFreeAnsiString(&as);
    EXPECT_EQ(as.Buffer, nullptr);

    const WCHAR mixed[] = {L'a', 0x00E9, 0x20AC, 0};
    UNICODE_STRING m;
    RtlInitUnicodeString(&m, mixed);
    char buf[8];
    ANSI_STRING fixed = {0, sizeof buf, buf};
    EXPECT_EQ(RtlUnicodeStringToAnsiString(&fixed, &m, FALSE), STATUS_SUCCESS);
    EXPECT_EQ(fixed.Length, 3);
    EXPECT_EQ(std::string(buf), "a\xE9?");  // Latin-1 maps directly, the rest becomes '?'

    char small[4] = {'#', '#', '#', '#'};
    ANSI_STRING tiny = {0, sizeof small, small};
    UNICODE_STRING longer;
    RtlInitUnicodeString(&longer, L"abcdef");
    EXPECT_EQ(RtlUnicodeStringToAnsiString(&tiny, &longer, FALSE), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(tiny.Length, 3);
    EXPECT_STREQ(small, "abc");
    ANSI_STRING none = {0, 0, nullptr};
    EXPECT_EQ(RtlUnicodeStringToAnsiString(&none, &longer, FALSE), STATUS_BUFFER_OVERFLOW);

    EXPECT_EQ(RtlxUnicodeStringToAnsiSize(&longer), 7u);
    EXPECT_EQ(RtlUnicodeStringToAnsiSize(&longer), 7u);

    g_fail_next_alloc = true;
    EXPECT_EQ(RtlUnicodeStringToAnsiString(&as, &src, TRUE), STATUS_NO_MEMORY);
}

TEST_F(RtlStrings, AnsiToUnicode)
{
    ANSI_STRING src;
    RtlInitAnsiString(&src, "net\xE9");
    UNICODE_STRING us;
    EXPECT_EQ(RtlAnsiStringToUnicodeString(&us, &src, TRUE), STATUS_SUCCESS);
    EXPECT_EQ(us.Length, 8);
    EXPECT_EQ(us.MaximumLength, 10);
    EXPECT_EQ(Show(us), "net\\u00E9");
    EXPECT_EQ((unsigned)us.Buffer[4], 0u);
    RtlFreeUnicodeString(&us);

    WCHAR buf[5];
    UNICODE_STRING fixed = {0, sizeof buf, buf};
    EXPECT_EQ(RtlAnsiStringToUnicodeString(&fixed, &src, FALSE), STATUS_SUCCESS);  // 4 chars + NUL fit
    EXPECT_EQ(Show(fixed), "net\\u00E9");
    WCHAR small[4];
    UNICODE_STRING tiny = {0, sizeof small, small};
    EXPECT_EQ(RtlAnsiStringToUnicodeString(&tiny, &src, FALSE), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(RtlxAnsiStringToUnicodeSize(&src), 10u);

    // Round trip through both conversions.
    UNICODE_STRING orig;
    RtlInitUnicodeString(&orig, L"Round Trip 42");
    ANSI_STRING mid;
    ASSERT_EQ(RtlUnicodeStringToAnsiString(&mid, &orig, TRUE), STATUS_SUCCESS);
    UNICODE_STRING back;
    ASSERT_EQ(RtlAnsiStringToUnicodeString(&back, &mid, TRUE), STATUS_SUCCESS);
    EXPECT_TRUE(RtlEqualUnicodeString(&orig, &back, FALSE));
    RtlFreeAnsiString(&mid);
    RtlFreeUnicodeString(&back);
}

// ---------------------------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, UnicodeToUtf8N)
{
    const WCHAR text[] = {L'a', 0x00E9, 0x20AC, 0xD83D, 0xDE00};  // a é € U+1F600
    const char want[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    ULONG actual = 0;
    EXPECT_EQ(RtlUnicodeToUTF8N(nullptr, 0, &actual, text, sizeof text), STATUS_SUCCESS);
    EXPECT_EQ(actual, 10u);
    char out[16];
    EXPECT_EQ(RtlUnicodeToUTF8N(out, sizeof out, &actual, text, sizeof text), STATUS_SUCCESS);
    EXPECT_EQ(actual, 10u);
    EXPECT_EQ(std::string(out, actual), std::string(want));

    // Too small: whole characters only, then STATUS_BUFFER_TOO_SMALL.
    EXPECT_EQ(RtlUnicodeToUTF8N(out, 5, &actual, text, sizeof text), STATUS_BUFFER_TOO_SMALL);
    EXPECT_EQ(actual, 3u);
    EXPECT_EQ(std::string(out, 3), "a\xC3\xA9");

    // Unpaired surrogates become U+FFFD.
    const WCHAR bad[] = {0xD800, L'x', 0xDC00};
    EXPECT_EQ(RtlUnicodeToUTF8N(out, sizeof out, &actual, bad, sizeof bad), STATUS_SOME_NOT_MAPPED);
    EXPECT_EQ(std::string(out, actual), "\xEF\xBF\xBDx\xEF\xBF\xBD");

    // The terminator is converted only if it is part of the count.
    const WCHAR z[] = L"hi";
    EXPECT_EQ(RtlUnicodeToUTF8N(out, sizeof out, &actual, z, sizeof z), STATUS_SUCCESS);
    EXPECT_EQ(actual, 3u);
    EXPECT_EQ(out[2], '\0');

    EXPECT_EQ(RtlUnicodeToUTF8N(out, sizeof out, &actual, nullptr, 2), STATUS_INVALID_PARAMETER_4);
    EXPECT_EQ(RtlUnicodeToUTF8N(nullptr, 0, nullptr, text, 2), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlUnicodeToUTF8N(out, sizeof out, &actual, text, 3), STATUS_INVALID_PARAMETER_5);
}

TEST_F(RtlStrings, Utf8ToUnicodeN)
{
    const char text[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    ULONG actual = 0;
    EXPECT_EQ(RtlUTF8ToUnicodeN(nullptr, 0, &actual, text, 10), STATUS_SUCCESS);
    EXPECT_EQ(actual, 10u);  // 5 UTF-16 units
    WCHAR out[8];
    EXPECT_EQ(RtlUTF8ToUnicodeN(out, sizeof out, &actual, text, 10), STATUS_SUCCESS);
    EXPECT_EQ(Show(out, actual / 2), "a\\u00E9\\u20AC\\uD83D\\uDE00");

    // Too small: a surrogate pair is never split.
    EXPECT_EQ(RtlUTF8ToUnicodeN(out, 8, &actual, text, 10), STATUS_BUFFER_TOO_SMALL);
    EXPECT_EQ(actual, 6u);

    // Malformed input: stray continuation, overlong form, truncated sequence, encoded surrogate.
    const char bad[] = "\x80" "A" "\xC0\xAF" "B" "\xED\xA0\x80" "C" "\xE2\x82";
    EXPECT_EQ(RtlUTF8ToUnicodeN(out, 14, &actual, bad, sizeof bad - 1), STATUS_BUFFER_TOO_SMALL);  // needs 16
    EXPECT_EQ(actual, 14u);
    WCHAR big[32];
    EXPECT_EQ(RtlUTF8ToUnicodeN(big, sizeof big, &actual, bad, sizeof bad - 1), STATUS_SOME_NOT_MAPPED);
    std::string shown = Show(big, actual / 2);
    EXPECT_EQ(shown.substr(0, 7), "\\uFFFDA");
    EXPECT_NE(shown.find("B"), std::string::npos);
    EXPECT_NE(shown.find("C"), std::string::npos);
    EXPECT_EQ(shown.substr(shown.size() - 6), "\\uFFFD");

    EXPECT_EQ(RtlUTF8ToUnicodeN(out, sizeof out, &actual, nullptr, 1), STATUS_INVALID_PARAMETER_4);
    EXPECT_EQ(RtlUTF8ToUnicodeN(nullptr, 0, nullptr, text, 1), STATUS_INVALID_PARAMETER);
}

TEST_F(RtlStrings, Utf8StringConversionsAllocate)
{
    UNICODE_STRING src;
    const WCHAR text[] = {L'k', 0x00F6, 0};
    RtlInitUnicodeString(&src, text);
    UTF8_STRING u8;
    ASSERT_EQ(RtlUnicodeStringToUTF8String(&u8, &src, TRUE), STATUS_SUCCESS);
    EXPECT_EQ(u8.Length, 3);
    EXPECT_EQ(u8.MaximumLength, 4);
    EXPECT_STREQ(u8.Buffer, "k\xC3\xB6");
    UNICODE_STRING back;
    ASSERT_EQ(RtlUTF8StringToUnicodeString(&back, &u8, TRUE), STATUS_SUCCESS);
    EXPECT_TRUE(RtlEqualUnicodeString(&src, &back, FALSE));
    EXPECT_EQ((unsigned)back.Buffer[2], 0u);
    RtlFreeUTF8String(&u8);
    RtlFreeUnicodeString(&back);

    char small[3];
    UTF8_STRING tiny = {0, sizeof small, small};
    EXPECT_EQ(RtlUnicodeStringToUTF8String(&tiny, &src, FALSE), STATUS_BUFFER_OVERFLOW);
}

// ---------------------------------------------------------------------------------------------
// Integers and text
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, UnicodeStringToInteger)
{
    struct {
        const WCHAR *text;
        ULONG base;
        ULONG value;
    } cases[] = {
        {L"123", 10, 123},      {L"123", 0, 123},        {L"  -42", 0, (ULONG)-42}, {L"+7", 10, 7},
        {L"0x1F", 0, 0x1F},     {L"0X1f", 0, 0x1F},      {L"1F", 16, 0x1F},         {L"0b101", 0, 5},
        {L"0o17", 0, 15},       {L"17", 8, 15},          {L"101", 2, 5},            {L"12abc", 10, 12},
        {L"", 10, 0},           {L"xyz", 10, 0},         {L"4294967295", 10, 0xFFFFFFFFu},
        {L"4294967296", 10, 0}, // wraps modulo 2^32
    };
    for (const auto &c : cases) {
        UNICODE_STRING us;
        RtlInitUnicodeString(&us, c.text);
        ULONG v = 0xDEAD;
        EXPECT_EQ(RtlUnicodeStringToInteger(&us, c.base, &v), STATUS_SUCCESS) << Show(us);
        EXPECT_EQ(v, c.value) << Show(us);
    }
    UNICODE_STRING us;
    RtlInitUnicodeString(&us, L"12");
    ULONG v;
    EXPECT_EQ(RtlUnicodeStringToInteger(&us, 3, &v), STATUS_INVALID_PARAMETER);
    // Only Length counts.
    WCHAR raw[] = L"12345";
    UNICODE_STRING part = {4, sizeof raw, raw};
    EXPECT_EQ(RtlUnicodeStringToInteger(&part, 10, &v), STATUS_SUCCESS);
    EXPECT_EQ(v, 12u);
}

TEST_F(RtlStrings, CharToInteger)
{
    ULONG v = 0;
    EXPECT_EQ(RtlCharToInteger("8080", 10, &v), STATUS_SUCCESS);
    EXPECT_EQ(v, 8080u);
    EXPECT_EQ(RtlCharToInteger("0x50", 0, &v), STATUS_SUCCESS);
    EXPECT_EQ(v, 0x50u);
    EXPECT_EQ(RtlCharToInteger("\t-1", 0, &v), STATUS_SUCCESS);
    EXPECT_EQ(v, 0xFFFFFFFFu);
    EXPECT_EQ(RtlCharToInteger("777", 8, &v), STATUS_SUCCESS);
    EXPECT_EQ(v, 511u);
    EXPECT_EQ(RtlCharToInteger("1", 7, &v), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlCharToInteger("1", 10, nullptr), STATUS_INVALID_PARAMETER);
}

TEST_F(RtlStrings, IntegerToUnicodeString)
{
    WCHAR buf[40];
    UNICODE_STRING us = {0, sizeof buf, buf};
    EXPECT_EQ(RtlIntegerToUnicodeString(1234, 10, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "1234");
    EXPECT_EQ(us.Length, 8);
    EXPECT_EQ((unsigned)buf[4], 0u);
    EXPECT_EQ(RtlIntegerToUnicodeString(255, 16, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "FF");
    EXPECT_EQ(RtlIntegerToUnicodeString(5, 2, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "101");
    EXPECT_EQ(RtlIntegerToUnicodeString(8, 8, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "10");
    EXPECT_EQ(RtlIntegerToUnicodeString(0, 0, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "0");
    EXPECT_EQ(RtlIntegerToUnicodeString(4294967295u, 10, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "4294967295");
    EXPECT_EQ(RtlIntegerToUnicodeString(1, 5, &us), STATUS_INVALID_PARAMETER);

    WCHAR small[4];
    UNICODE_STRING tiny = {0, sizeof small, small};
    EXPECT_EQ(RtlIntegerToUnicodeString(123, 10, &tiny), STATUS_SUCCESS);  // 3 digits + NUL fit
    EXPECT_EQ(RtlIntegerToUnicodeString(1234, 10, &tiny), STATUS_BUFFER_OVERFLOW);

    EXPECT_EQ(RtlInt64ToUnicodeString(0x123456789ull, 16, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "123456789");
    EXPECT_EQ(RtlInt64ToUnicodeString(18446744073709551615ull, 10, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(us), "18446744073709551615");
}

TEST_F(RtlStrings, IntegerToChar)
{
    char buf[16];
    memset(buf, '#', sizeof buf);
    EXPECT_EQ(RtlIntegerToChar(4096, 16, sizeof buf, buf), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "1000");
    memset(buf, '#', sizeof buf);
    EXPECT_EQ(RtlIntegerToChar(123, 10, 3, buf), STATUS_SUCCESS);  // fits without a terminator
    EXPECT_EQ(std::string(buf, 4), "123#");
    EXPECT_EQ(RtlIntegerToChar(1234, 10, 3, buf), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(RtlIntegerToChar(1, 9, 3, buf), STATUS_INVALID_PARAMETER);
}

// ---------------------------------------------------------------------------------------------
// Memory, byte order, random
// ---------------------------------------------------------------------------------------------

TEST_F(RtlStrings, CompareMemory)
{
    const char a[] = "abcdefgh";
    const char b[] = "abcXefgh";
    EXPECT_EQ(RtlCompareMemory(a, a, 8), 8u);
    EXPECT_EQ(RtlCompareMemory(a, b, 8), 3u);
    EXPECT_EQ(RtlCompareMemory(a, b, 2), 2u);
    EXPECT_EQ(RtlCompareMemory(a, b, 0), 0u);

    ULONG words[4] = {0x11111111, 0x11111111, 0x22222222, 0x11111111};
    EXPECT_EQ(RtlCompareMemoryUlong(words, sizeof words, 0x11111111), 8u);
    EXPECT_EQ(RtlCompareMemoryUlong(words, 7, 0x11111111), 4u);  // length rounded down to ULONGs
    EXPECT_EQ(RtlCompareMemoryUlong(words, sizeof words, 0x22222222), 0u);
    GUID g1 = {1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
    GUID g2 = g1;
    EXPECT_TRUE(IsEqualGUID(&g1, &g2));
    g2.Data4[7] = 0;
    EXPECT_FALSE(IsEqualGUID(&g1, &g2));
}

TEST_F(RtlStrings, MemoryMacros)
{
    char buf[16];
    RtlFillMemory(buf, sizeof buf, 'z');
    EXPECT_EQ(buf[0], 'z');
    EXPECT_EQ(buf[15], 'z');
    RtlZeroMemory(buf, 8);
    EXPECT_EQ(buf[7], 0);
    EXPECT_EQ(buf[8], 'z');
    RtlCopyMemory(buf, "hello", 6);
    EXPECT_STREQ(buf, "hello");
    RtlMoveMemory(buf + 1, buf, 5);  // overlapping
    EXPECT_EQ(std::string(buf, 6), "hhello");
    EXPECT_TRUE(RtlEqualMemory(buf + 1, "hello", 5));
    EXPECT_FALSE(RtlEqualMemory(buf, "hello", 5));
    RtlCopyBytes(buf, "AB", 2);
    EXPECT_EQ(buf[1], 'B');
    RtlZeroBytes(buf, 2);
    EXPECT_EQ(buf[1], 0);
    RtlFillBytes(buf, 2, 'q');
    EXPECT_EQ(buf[1], 'q');
    EXPECT_EQ(RtlSecureZeroMemory(buf, sizeof buf), (PVOID)buf);
    for (char c : buf) {
        EXPECT_EQ(c, 0);
    }
}

TEST_F(RtlStrings, ByteSwaps)
{
    EXPECT_EQ(RtlUshortByteSwap(0x1234), 0x3412);
    EXPECT_EQ(RtlUlongByteSwap(0x12345678u), 0x78563412u);
    EXPECT_EQ(RtlUlonglongByteSwap(0x0102030405060708ull), 0x0807060504030201ull);
    // The usual htons built from it: port 80 in network order is the bytes 00 50.
    USHORT port = RtlUshortByteSwap(80);
    const UCHAR *p = (const UCHAR *)&port;
    EXPECT_EQ(p[0], 0x00);
    EXPECT_EQ(p[1], 0x50);
}

TEST_F(RtlStrings, RandomNumbers)
{
    // RtlUniform is the documented linear congruential generator.
    ULONG seed = 0;
    EXPECT_EQ(RtlUniform(&seed), 0x7fffffc3u);
    EXPECT_EQ(seed, 0x7fffffc3u);
    seed = 1;
    EXPECT_EQ(RtlUniform(&seed), 0x7fffffb1u);

    // RtlRandomEx: a pure function of the seed, values in [0, MAXLONG), seed updated.
    ULONG s1 = 12345, s2 = 12345;
    std::set<ULONG> seen;
    for (int i = 0; i < 1000; ++i) {
        ULONG a = RtlRandomEx(&s1);
        ULONG b = RtlRandomEx(&s2);
        EXPECT_EQ(a, b);
        EXPECT_LT(a, (ULONG)MAXLONG);
        seen.insert(a);
    }
    EXPECT_GT(seen.size(), 990u);
    EXPECT_NE(s1, 12345u);
    ULONG s3 = 12346;
    ULONG s4 = 12345;
    EXPECT_NE(RtlRandomEx(&s3), RtlRandomEx(&s4));
    ULONG s5 = 7, s6 = 7;
    EXPECT_EQ(RtlRandom(&s5), RtlRandomEx(&s6));
}
