// Unit tests for ntstrsafe.h (capi/runtime/strsafe.c): copy/cat/printf/length in Cch and Cb flavours,
// truncation (STATUS_BUFFER_OVERFLOW with a terminated prefix), invalid sizes, Ex flags, UNICODE_STRING.
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
#include <ntstrsafe.h>
}

namespace {

std::string Show(const WCHAR *s, size_t n = SIZE_MAX)
{
    std::string r;
    for (size_t i = 0; i < n && s[i]; ++i) {
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

std::string ShowUs(const UNICODE_STRING &us)
{
    std::string r;
    for (size_t i = 0; i < us.Length / sizeof(WCHAR); ++i) {
        r.push_back((char)us.Buffer[i]);
    }
    return r;
}

}  // namespace

TEST(Strsafe, Constants)
{
    EXPECT_EQ(NTSTRSAFE_MAX_CCH, 2147483647);
    EXPECT_EQ(NTSTRSAFE_UNICODE_STRING_MAX_CCH, 32767);
    EXPECT_EQ(STRSAFE_FILL_BYTE(0xAB), 0x2ABu);
    EXPECT_EQ(STRSAFE_FAILURE_BYTE(0xCD), 0x4CDu);
    EXPECT_EQ(STRSAFE_GET_FILL_PATTERN(0x2AB), 0xAB);
}

TEST(Strsafe, CchCopyA)
{
    char buf[8];
    EXPECT_EQ(RtlStringCchCopyA(buf, sizeof buf, "hello"), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "hello");
    EXPECT_EQ(RtlStringCchCopyA(buf, sizeof buf, "1234567"), STATUS_SUCCESS);  // exactly fits
    EXPECT_STREQ(buf, "1234567");
    EXPECT_EQ(RtlStringCchCopyA(buf, sizeof buf, "truncated!"), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "truncat");
    EXPECT_EQ(RtlStringCchCopyA(buf, sizeof buf, ""), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "");
}

TEST(Strsafe, CchCopyInvalidSizes)
{
    char buf[4] = {'x', 'y', 'z', 0};
    EXPECT_EQ(RtlStringCchCopyA(buf, 0, "a"), STATUS_INVALID_PARAMETER);
    EXPECT_STREQ(buf, "xyz");  // nothing written for a zero-sized destination
    EXPECT_EQ(RtlStringCchCopyA(buf, (size_t)NTSTRSAFE_MAX_CCH + 1, "a"), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(buf[0], '\0');  // a too-large destination is left empty
    EXPECT_EQ(RtlStringCchCopyA(nullptr, 4, "a"), STATUS_INVALID_PARAMETER);
}

TEST(Strsafe, CbCopyW)
{
    WCHAR buf[6];
    EXPECT_EQ(RtlStringCbCopyW(buf, sizeof buf, L"abc"), STATUS_SUCCESS);
    EXPECT_EQ(Show(buf), "abc");
    EXPECT_EQ(RtlStringCbCopyW(buf, sizeof buf, L"abcdefgh"), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(buf), "abcde");
    // An odd byte count rounds down to whole characters: 5 bytes = 2 WCHARs.
    EXPECT_EQ(RtlStringCbCopyW(buf, 5, L"xyz"), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(buf), "x");
    EXPECT_EQ(RtlStringCbCopyW(buf, 1, L"x"), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlStringCbCopyW(buf, (size_t)NTSTRSAFE_MAX_CCH * sizeof(WCHAR) + 2, L"x"), STATUS_INVALID_PARAMETER);
}

TEST(Strsafe, CchCopyWAndCbCopyA)
{
    WCHAR w[3];
    EXPECT_EQ(RtlStringCchCopyW(w, 3, L"ab"), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "ab");
    EXPECT_EQ(RtlStringCchCopyW(w, 3, L"abc"), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "ab");
    char a[3];
    EXPECT_EQ(RtlStringCbCopyA(a, 3, "xyz"), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(a, "xy");
}

TEST(Strsafe, CopyN)
{
    char buf[8];
    EXPECT_EQ(RtlStringCchCopyNA(buf, sizeof buf, "abcdef", 3), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "abc");
    EXPECT_EQ(RtlStringCchCopyNA(buf, sizeof buf, "ab", 5), STATUS_SUCCESS);  // stops at the terminator
    EXPECT_STREQ(buf, "ab");
    EXPECT_EQ(RtlStringCchCopyNA(buf, 4, "abcdef", 5), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "abc");
    EXPECT_EQ(RtlStringCchCopyNA(buf, sizeof buf, "abc", (size_t)NTSTRSAFE_MAX_CCH + 1), STATUS_INVALID_PARAMETER);
    EXPECT_STREQ(buf, "");

    const char unterminated[4] = {'w', 'x', 'y', 'z'};
    EXPECT_EQ(RtlStringCbCopyNA(buf, sizeof buf, unterminated, 4), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "wxyz");

    WCHAR w[8];
    EXPECT_EQ(RtlStringCchCopyNW(w, 8, L"abcdef", 2), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "ab");
    EXPECT_EQ(RtlStringCbCopyNW(w, sizeof w, L"abcdef", 4 * sizeof(WCHAR)), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "abcd");
    EXPECT_EQ(RtlStringCbCopyNW(w, 3 * sizeof(WCHAR), L"abcdef", 6 * sizeof(WCHAR)), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "ab");
}

TEST(Strsafe, Cat)
{
    char buf[10] = "abc";
    EXPECT_EQ(RtlStringCchCatA(buf, sizeof buf, "def"), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "abcdef");
    EXPECT_EQ(RtlStringCchCatA(buf, sizeof buf, "ghijk"), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "abcdefghi");
    EXPECT_EQ(RtlStringCchCatA(buf, sizeof buf, "x"), STATUS_BUFFER_OVERFLOW);  // already full
    EXPECT_STREQ(buf, "abcdefghi");
    EXPECT_EQ(RtlStringCchCatA(buf, sizeof buf, ""), STATUS_SUCCESS);

    char unterminated[4] = {'a', 'b', 'c', 'd'};
    EXPECT_EQ(RtlStringCchCatA(unterminated, 4, "x"), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(unterminated[0], 'a');  // left alone

    WCHAR w[6] = L"ab";
    EXPECT_EQ(RtlStringCbCatW(w, sizeof w, L"cd"), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "abcd");
    EXPECT_EQ(RtlStringCchCatW(w, 6, L"efg"), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "abcde");
    char a2[6] = "ab";
    EXPECT_EQ(RtlStringCbCatA(a2, sizeof a2, "cdefgh"), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(a2, "abcde");
}

TEST(Strsafe, CatN)
{
    char buf[10] = "ab";
    EXPECT_EQ(RtlStringCbCatNA(buf, sizeof buf, "cdefgh", 2), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "abcd");
    EXPECT_EQ(RtlStringCchCatNA(buf, 6, "xyz", 3), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "abcdx");
    WCHAR w[8] = L"1";
    EXPECT_EQ(RtlStringCbCatNW(w, sizeof w, L"23456", 2 * sizeof(WCHAR)), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "123");
    EXPECT_EQ(RtlStringCchCatNW(w, 8, L"4", 10), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "1234");
}

TEST(Strsafe, Length)
{
    size_t n = 99;
    EXPECT_EQ(RtlStringCchLengthA("hello", 10, &n), STATUS_SUCCESS);
    EXPECT_EQ(n, 5u);
    EXPECT_EQ(RtlStringCchLengthA("hello", 6, &n), STATUS_SUCCESS);
    EXPECT_EQ(n, 5u);
    EXPECT_EQ(RtlStringCchLengthA("hello", 5, &n), STATUS_INVALID_PARAMETER);  // no terminator within 5
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(RtlStringCchLengthA("x", 0, &n), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlStringCchLengthA(nullptr, 10, &n), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlStringCchLengthA("x", (size_t)NTSTRSAFE_MAX_CCH + 1, &n), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlStringCchLengthA("abc", 10, nullptr), STATUS_SUCCESS);

    EXPECT_EQ(RtlStringCbLengthA("abc", 4, &n), STATUS_SUCCESS);
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(RtlStringCchLengthW(L"abcd", 10, &n), STATUS_SUCCESS);
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(RtlStringCbLengthW(L"abcd", 20, &n), STATUS_SUCCESS);
    EXPECT_EQ(n, 8u);  // bytes
    EXPECT_EQ(RtlStringCbLengthW(L"abcd", 8, &n), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(n, 0u);
}

TEST(Strsafe, Printf)
{
    char buf[16];
    EXPECT_EQ(RtlStringCbPrintfA(buf, sizeof buf, "%s-%lu", "id", (ULONG)42), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "id-42");
    EXPECT_EQ(RtlStringCchPrintfA(buf, 6, "%d", 1234567), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "12345");
    EXPECT_EQ(RtlStringCchPrintfA(buf, 6, "%d", 12345), STATUS_SUCCESS);  // exactly fits
    EXPECT_STREQ(buf, "12345");
    EXPECT_EQ(RtlStringCbPrintfA(buf, 0, "x"), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlStringCchPrintfA(buf, (size_t)NTSTRSAFE_MAX_CCH + 1, "x"), STATUS_INVALID_PARAMETER);

    WCHAR w[12];
    EXPECT_EQ(RtlStringCbPrintfW(w, sizeof w, L"%ws=%I64x", L"k", (ULONGLONG)0xABCDEF12345ull), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "k=abcdef123");
    EXPECT_EQ(RtlStringCchPrintfW(w, 12, L"%s:%d", L"port", 80), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "port:80");
    UNICODE_STRING us;
    WCHAR name[] = L"Tcpip";
    us.Buffer = name;
    us.Length = 10;
    us.MaximumLength = 12;
    EXPECT_EQ(RtlStringCchPrintfW(w, 12, L"<%wZ>", &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "<Tcpip>");
}

static NTSTATUS CallVPrintfA(char *buf, size_t cb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS s = RtlStringCbVPrintfA(buf, cb, fmt, ap);
    va_end(ap);
    return s;
}

static NTSTATUS CallVPrintfW(WCHAR *buf, size_t cch, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS s = RtlStringCchVPrintfW(buf, cch, fmt, ap);
    va_end(ap);
    return s;
}

static NTSTATUS CallCchVPrintfA(char *buf, size_t cch, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS s = RtlStringCchVPrintfA(buf, cch, fmt, ap);
    va_end(ap);
    return s;
}

static NTSTATUS CallCbVPrintfW(WCHAR *buf, size_t cb, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS s = RtlStringCbVPrintfW(buf, cb, fmt, ap);
    va_end(ap);
    return s;
}

TEST(Strsafe, VPrintf)
{
    char buf[8];
    EXPECT_EQ(CallVPrintfA(buf, sizeof buf, "%02x%02x", 0xA, 0xB), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "0a0b");
    EXPECT_EQ(CallCchVPrintfA(buf, 4, "%s", "abcdef"), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "abc");
    WCHAR w[8];
    EXPECT_EQ(CallVPrintfW(w, 8, L"%u", 1234567u), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "1234567");
    EXPECT_EQ(CallCbVPrintfW(w, 6, L"%u", 1234u), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "12");
}

TEST(StrsafeEx, PrintfExReportsEndAndRemaining)
{
    char buf[16];
    char *end = nullptr;
    size_t remaining = 0;
    EXPECT_EQ(RtlStringCbPrintfExA(buf, sizeof buf, &end, &remaining, 0, "%d-%d", 1, 2), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "1-2");
    EXPECT_EQ(end, buf + 3);
    EXPECT_EQ(*end, '\0');
    EXPECT_EQ(remaining, 13u);  // 16 - 3, terminator included

    WCHAR w[10];
    WCHAR *wend = nullptr;
    EXPECT_EQ(RtlStringCbPrintfExW(w, sizeof w, &wend, &remaining, 0, L"%ls", L"abcd"), STATUS_SUCCESS);
    EXPECT_EQ(wend, w + 4);
    EXPECT_EQ(remaining, (10u - 4u) * sizeof(WCHAR));  // Cb variant: bytes

    EXPECT_EQ(RtlStringCchPrintfExW(w, 10, &wend, &remaining, 0, L"%ls", L"abcd"), STATUS_SUCCESS);
    EXPECT_EQ(remaining, 6u);  // Cch variant: characters

    // Truncation still reports the end of what was written.
    EXPECT_EQ(RtlStringCchPrintfExA(buf, 4, &end, &remaining, 0, "%s", "abcdef"), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "abc");
    EXPECT_EQ(end, buf + 3);
    EXPECT_EQ(remaining, 1u);
}

TEST(StrsafeEx, FillBehindNull)
{
    char buf[8];
    memset(buf, 0, sizeof buf);
    EXPECT_EQ(RtlStringCchPrintfExA(buf, sizeof buf, nullptr, nullptr, STRSAFE_FILL_BYTE('*'), "ab"), STATUS_SUCCESS);
    EXPECT_EQ(std::string(buf, 8), std::string("ab\0*****", 8));

    WCHAR w[4];
    EXPECT_EQ(RtlStringCbPrintfExW(w, sizeof w, nullptr, nullptr, STRSAFE_FILL_BYTE(0x11), L"a"), STATUS_SUCCESS);
    EXPECT_EQ((unsigned)w[0], (unsigned)L'a');
    EXPECT_EQ((unsigned)w[1], 0u);
    EXPECT_EQ((unsigned)w[2], 0x1111u);
    EXPECT_EQ((unsigned)w[3], 0x1111u);
}

TEST(StrsafeEx, FailureFlags)
{
    char buf[6];
    char *end = nullptr;
    size_t remaining = 0;

    // NULL_ON_FAILURE: a truncated result becomes an empty string.
    EXPECT_EQ(RtlStringCchPrintfExA(buf, sizeof buf, &end, &remaining, STRSAFE_NULL_ON_FAILURE, "%s", "too long"),
              STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "");
    EXPECT_EQ(end, buf);
    EXPECT_EQ(remaining, sizeof buf);

    // NO_TRUNCATION: same observable result for truncation.
    EXPECT_EQ(RtlStringCchCopyExA(buf, sizeof buf, "overflowing", &end, &remaining, STRSAFE_NO_TRUNCATION),
              STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(buf, "");
    EXPECT_EQ(remaining, sizeof buf);

    // FILL_ON_FAILURE: whole buffer filled, last character terminates.
    EXPECT_EQ(RtlStringCbPrintfExA(buf, sizeof buf, &end, &remaining, STRSAFE_FAILURE_BYTE('x'), "%s", "123456789"),
              STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(std::string(buf, 6), std::string("xxxxx\0", 6));
    EXPECT_EQ(end, buf + 5);
    EXPECT_EQ(remaining, 1u);

    // FILL_ON_FAILURE with a zero pattern: empty string, whole buffer remaining.
    EXPECT_EQ(RtlStringCbCopyExA(buf, sizeof buf, "123456789", &end, &remaining, STRSAFE_FAILURE_BYTE(0)),
              STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(std::string(buf, 6), std::string(6, '\0'));
    EXPECT_EQ(end, buf);
    EXPECT_EQ(remaining, 6u);

    // Success is unaffected by failure flags.
    EXPECT_EQ(RtlStringCchCopyExA(buf, sizeof buf, "ok", &end, &remaining, STRSAFE_NULL_ON_FAILURE), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "ok");
    EXPECT_EQ(remaining, 4u);

    // Unknown flag bits are rejected.
    EXPECT_EQ(RtlStringCchCopyExA(buf, sizeof buf, "ok", &end, &remaining, 0x10000), STATUS_INVALID_PARAMETER);
}

TEST(StrsafeEx, IgnoreNulls)
{
    char buf[4] = "zz";
    char *end = nullptr;
    size_t remaining = 7;
    EXPECT_EQ(RtlStringCchCopyExA(buf, sizeof buf, nullptr, &end, &remaining, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "");
    EXPECT_EQ(remaining, 4u);
    // A NULL zero-sized destination is accepted: empty source succeeds, anything else overflows.
    EXPECT_EQ(RtlStringCchCopyExA(nullptr, 0, "", &end, &remaining, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    EXPECT_EQ(remaining, 0u);
    EXPECT_EQ(RtlStringCchCopyExA(nullptr, 0, "a", &end, &remaining, STRSAFE_IGNORE_NULLS), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(RtlStringCchCopyExA(nullptr, 0, "a", &end, &remaining, 0), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlStringCchPrintfExA(buf, sizeof buf, &end, &remaining, STRSAFE_IGNORE_NULLS, nullptr), STATUS_SUCCESS);
    EXPECT_STREQ(buf, "");
}

TEST(StrsafeEx, CopyExCatExW)
{
    WCHAR w[8];
    WCHAR *end = nullptr;
    size_t remaining = 0;
    EXPECT_EQ(RtlStringCchCopyExW(w, 8, L"abc", &end, &remaining, 0), STATUS_SUCCESS);
    EXPECT_EQ(end, w + 3);
    EXPECT_EQ(remaining, 5u);
    EXPECT_EQ(RtlStringCchCatExW(w, 8, L"de", &end, &remaining, 0), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "abcde");
    EXPECT_EQ(end, w + 5);
    EXPECT_EQ(remaining, 3u);
    EXPECT_EQ(RtlStringCbCatExW(w, sizeof w, L"fghij", &end, &remaining, 0), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "abcdefg");
    EXPECT_EQ(remaining, 1u * sizeof(WCHAR));
    EXPECT_EQ(RtlStringCbCopyExW(w, sizeof w, L"xy", &end, &remaining, 0), STATUS_SUCCESS);
    EXPECT_EQ(remaining, 6u * sizeof(WCHAR));

    char a[8] = "12";
    char *aend = nullptr;
    EXPECT_EQ(RtlStringCchCatExA(a, sizeof a, "345", &aend, &remaining, 0), STATUS_SUCCESS);
    EXPECT_STREQ(a, "12345");
    EXPECT_EQ(aend, a + 5);
    EXPECT_EQ(RtlStringCbCatExA(a, sizeof a, "6789", &aend, &remaining, STRSAFE_NULL_ON_FAILURE),
              STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(a, "");
}

TEST(StrsafeEx, CopyNEx)
{
    char a[8];
    char *end = nullptr;
    size_t remaining = 0;
    EXPECT_EQ(RtlStringCchCopyNExA(a, sizeof a, "abcdef", 2, &end, &remaining, 0), STATUS_SUCCESS);
    EXPECT_STREQ(a, "ab");
    EXPECT_EQ(remaining, 6u);
    EXPECT_EQ(RtlStringCbCopyNExA(a, 4, "abcdef", 6, &end, &remaining, 0), STATUS_BUFFER_OVERFLOW);
    EXPECT_STREQ(a, "abc");
    WCHAR w[8];
    WCHAR *wend = nullptr;
    EXPECT_EQ(RtlStringCchCopyNExW(w, 8, L"abcdef", 3, &wend, &remaining, 0), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "abc");
    EXPECT_EQ(RtlStringCbCopyNExW(w, sizeof w, L"abcdef", 4, &wend, &remaining, 0), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "ab");
    EXPECT_EQ(remaining, 6u * sizeof(WCHAR));
}

TEST(StrsafeEx, VPrintfExVariants)
{
    auto cch = [](char *b, size_t n, char **e, size_t *r, DWORD f, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        NTSTATUS s = RtlStringCchVPrintfExA(b, n, e, r, f, fmt, ap);
        va_end(ap);
        return s;
    };
    auto cbw = [](WCHAR *b, size_t n, WCHAR **e, size_t *r, DWORD f, const WCHAR *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        NTSTATUS s = RtlStringCbVPrintfExW(b, n, e, r, f, fmt, ap);
        va_end(ap);
        return s;
    };
    char a[8];
    char *end;
    size_t remaining;
    EXPECT_EQ(cch(a, 8, &end, &remaining, 0, "%x", 0xbeef), STATUS_SUCCESS);
    EXPECT_STREQ(a, "beef");
    EXPECT_EQ(remaining, 4u);
    WCHAR w[4];
    WCHAR *wend;
    EXPECT_EQ(cbw(w, sizeof w, &wend, &remaining, 0, L"%d", 12345), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "123");
    EXPECT_EQ(remaining, 2u);
}

TEST(StrsafeUnicodeString, InitAndValidate)
{
    UNICODE_STRING us;
    EXPECT_EQ(RtlUnicodeStringInit(&us, L"abc"), STATUS_SUCCESS);
    EXPECT_EQ(us.Length, 6);
    EXPECT_EQ(us.MaximumLength, 8);
    EXPECT_EQ(RtlUnicodeStringValidate(&us), STATUS_SUCCESS);
    EXPECT_EQ(RtlUnicodeStringInit(&us, nullptr), STATUS_SUCCESS);
    EXPECT_EQ(us.Length, 0);
    EXPECT_EQ(us.MaximumLength, 0);
    EXPECT_EQ(us.Buffer, nullptr);
    EXPECT_EQ(RtlUnicodeStringInit(nullptr, L"x"), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlUnicodeStringInitEx(nullptr, nullptr, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    EXPECT_EQ(RtlUnicodeStringInitEx(&us, L"x", STRSAFE_FILL_BEHIND_NULL), STATUS_INVALID_PARAMETER);

    std::vector<WCHAR> big(NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1, L'a');
    big[NTSTRSAFE_UNICODE_STRING_MAX_CCH - 1] = 0;  // 32766 characters: the longest that fits
    EXPECT_EQ(RtlUnicodeStringInit(&us, big.data()), STATUS_SUCCESS);
    EXPECT_EQ(us.Length, 65532);
    EXPECT_EQ(us.MaximumLength, 65534);
    big[NTSTRSAFE_UNICODE_STRING_MAX_CCH - 1] = L'a';
    big[NTSTRSAFE_UNICODE_STRING_MAX_CCH] = 0;  // 32767 characters: too long
    EXPECT_EQ(RtlUnicodeStringInit(&us, big.data()), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(us.Length, 0);

    WCHAR b[4];
    UNICODE_STRING bad = {3, 8, b};  // odd length
    EXPECT_EQ(RtlUnicodeStringValidate(&bad), STATUS_INVALID_PARAMETER);
    bad = {10, 8, b};  // Length > MaximumLength
    EXPECT_EQ(RtlUnicodeStringValidate(&bad), STATUS_INVALID_PARAMETER);
    bad = {2, 4, nullptr};  // no buffer
    EXPECT_EQ(RtlUnicodeStringValidate(&bad), STATUS_INVALID_PARAMETER);
    bad = {0, 65535, b};
    EXPECT_EQ(RtlUnicodeStringValidate(&bad), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlUnicodeStringValidate(nullptr), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlUnicodeStringValidateEx(nullptr, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    UNICODE_STRING empty = {0, 0, nullptr};
    EXPECT_EQ(RtlUnicodeStringValidate(&empty), STATUS_SUCCESS);
}

TEST(StrsafeUnicodeString, CopyAndCat)
{
    WCHAR buf[6];
    UNICODE_STRING dst = {0, sizeof buf, buf};
    UNICODE_STRING src;
    RtlUnicodeStringInit(&src, L"abcd");
    EXPECT_EQ(RtlUnicodeStringCopy(&dst, &src), STATUS_SUCCESS);
    EXPECT_EQ(ShowUs(dst), "abcd");
    EXPECT_EQ(dst.Length, 8);
    EXPECT_EQ(RtlUnicodeStringCat(&dst, &src), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(ShowUs(dst), "abcdab");  // counted strings use the whole buffer, no terminator
    EXPECT_EQ(dst.Length, 12);
    EXPECT_EQ(RtlUnicodeStringCopyString(&dst, L"xy"), STATUS_SUCCESS);
    EXPECT_EQ(ShowUs(dst), "xy");
    EXPECT_EQ(RtlUnicodeStringCatString(&dst, L"z"), STATUS_SUCCESS);
    EXPECT_EQ(ShowUs(dst), "xyz");
    EXPECT_EQ(RtlUnicodeStringCatString(&dst, L"1234"), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(ShowUs(dst), "xyz123");
    EXPECT_EQ(RtlUnicodeStringCopyString(&dst, L"0123456789"), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(ShowUs(dst), "012345");

    UNICODE_STRING bad = {1, 4, buf};
    EXPECT_EQ(RtlUnicodeStringCopy(&bad, &src), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlUnicodeStringCopy(&dst, &bad), STATUS_INVALID_PARAMETER);
    EXPECT_EQ(RtlUnicodeStringCopyString(&dst, nullptr), STATUS_INVALID_PARAMETER);
}

TEST(StrsafeUnicodeString, Printf)
{
    WCHAR buf[8];
    UNICODE_STRING dst = {0, sizeof buf, buf};
    EXPECT_EQ(RtlUnicodeStringPrintf(&dst, L"%s-%u", L"ab", 12u), STATUS_SUCCESS);
    EXPECT_EQ(ShowUs(dst), "ab-12");
    EXPECT_EQ(dst.Length, 10);
    // The full MaximumLength can be used: no terminator is needed in a counted string.
    EXPECT_EQ(RtlUnicodeStringPrintf(&dst, L"%08x", 0xabcu), STATUS_SUCCESS);
    EXPECT_EQ(ShowUs(dst), "00000abc");
    EXPECT_EQ(dst.Length, 16);
    EXPECT_EQ(RtlUnicodeStringPrintf(&dst, L"%d", 123456789), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(ShowUs(dst), "12345678");
    EXPECT_EQ(dst.Length, 16);
    EXPECT_EQ(RtlUnicodeStringPrintf(&dst, nullptr), STATUS_INVALID_PARAMETER);
    UNICODE_STRING us;
    RtlUnicodeStringInit(&us, L"nic");
    EXPECT_EQ(RtlUnicodeStringPrintf(&dst, L"[%wZ]", &us), STATUS_SUCCESS);
    EXPECT_EQ(ShowUs(dst), "[nic]");
}

TEST(StrsafeUnicodeString, CopyUnicodeStringToBuffer)
{
    UNICODE_STRING us;
    RtlUnicodeStringInit(&us, L"abcdef");
    us.Length = 8;  // "abcd"
    WCHAR w[8];
    EXPECT_EQ(RtlStringCchCopyUnicodeString(w, 8, &us), STATUS_SUCCESS);
    EXPECT_EQ(Show(w), "abcd");
    EXPECT_EQ(RtlStringCbCopyUnicodeString(w, 3 * sizeof(WCHAR), &us), STATUS_BUFFER_OVERFLOW);
    EXPECT_EQ(Show(w), "ab");
    EXPECT_EQ(RtlStringCchCopyUnicodeString(w, 0, &us), STATUS_INVALID_PARAMETER);
}
