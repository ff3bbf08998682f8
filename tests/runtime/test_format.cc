// Unit tests for the Microsoft-style printf engine (capi/runtime/format.c): LLP64 size prefixes,
// narrow/wide string conversions, counted strings, %p, flags/width/precision, truncation.
#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <string>

#ifndef NOMINMAX
#define NOMINMAX
#endif
extern "C" {
#include <ntdef.h>
#include <ntstatus.h>
#include "../../capi/runtime/krt_format.h"
}

namespace {

std::string FmtA(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = KrtFormatA(buf, sizeof buf, fmt, ap);
    va_end(ap);
    EXPECT_EQ(n, (int)strlen(buf)) << "return value must equal the produced length for '" << fmt << "'";
    return std::string(buf);
}

// Renders a WCHAR string as UTF-8-ish text for comparisons: ASCII verbatim, others as \uXXXX.
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

std::string FmtW(const WCHAR *fmt, ...)
{
    WCHAR buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = KrtFormatW(buf, 512, fmt, ap);
    va_end(ap);
    size_t len = 0;
    while (buf[len]) {
        ++len;
    }
    EXPECT_EQ(n, (int)len);
    return Show(buf);
}

}  // namespace

TEST(KrtFormat, PlainTextAndPercent)
{
    EXPECT_EQ(FmtA("hello"), "hello");
    EXPECT_EQ(FmtA("100%%"), "100%");
    EXPECT_EQ(FmtA(""), "");
}

TEST(KrtFormat, SignedAndUnsignedDecimal)
{
    EXPECT_EQ(FmtA("%d", 42), "42");
    EXPECT_EQ(FmtA("%i", -42), "-42");
    EXPECT_EQ(FmtA("%d", INT_MIN), "-2147483648");
    EXPECT_EQ(FmtA("%u", 4294967295u), "4294967295");
    EXPECT_EQ(FmtA("%d %d %d", 1, 2, 3), "1 2 3");
}

TEST(KrtFormat, LongIs32Bit)
{
    // LONG/ULONG are 32-bit on Windows: %ld / %lu / %lx must print 32-bit values.
    EXPECT_EQ(FmtA("%ld", (LONG)-5), "-5");
    EXPECT_EQ(FmtA("%lu", (ULONG)0xFFFFFFFFu), "4294967295");
    EXPECT_EQ(FmtA("%lx", (ULONG)0xDEADBEEFu), "deadbeef");
    EXPECT_EQ(FmtA("%08lX", (ULONG)0xC000000Du), "C000000D");
    EXPECT_EQ(FmtA("%ld %ld", (LONG)1, (LONG)2), "1 2");
    EXPECT_EQ(FmtA("status=0x%08x", (NTSTATUS)STATUS_INVALID_PARAMETER), "status=0xc000000d");
}

TEST(KrtFormat, SixtyFourBitPrefixes)
{
    EXPECT_EQ(FmtA("%I64x", (ULONGLONG)0x123456789ABCDEFull), "123456789abcdef");
    EXPECT_EQ(FmtA("%I64X", (ULONGLONG)0xFEDCBA9876543210ull), "FEDCBA9876543210");
    EXPECT_EQ(FmtA("%I64d", (LONGLONG)-9000000000LL), "-9000000000");
    EXPECT_EQ(FmtA("%I64u", (ULONGLONG)18446744073709551615ull), "18446744073709551615");
    EXPECT_EQ(FmtA("%lld", (LONGLONG)LLONG_MIN), "-9223372036854775808");
    EXPECT_EQ(FmtA("%llu", (ULONGLONG)12345678901234ull), "12345678901234");
    EXPECT_EQ(FmtA("%llx", (ULONGLONG)0xABCDEF0123ull), "abcdef0123");
    EXPECT_EQ(FmtA("%zu", (size_t)5000000000ull), "5000000000");
    EXPECT_EQ(FmtA("%jd", (long long)-7), "-7");
    EXPECT_EQ(FmtA("%td", (ptrdiff_t)-8), "-8");
}

TEST(KrtFormat, PointerSizedAndI32)
{
    EXPECT_EQ(FmtA("%Iu", (SIZE_T)5000000000ull), "5000000000");
    EXPECT_EQ(FmtA("%Id", (SSIZE_T)-5000000000LL), "-5000000000");
    EXPECT_EQ(FmtA("%Ix", (ULONG_PTR)0x1234567890ull), "1234567890");
    EXPECT_EQ(FmtA("%IX", (ULONG_PTR)0xABCDEF12345ull), "ABCDEF12345");
    EXPECT_EQ(FmtA("%I32u", (ULONG)4000000000u), "4000000000");
    EXPECT_EQ(FmtA("%I32d", (LONG)-3), "-3");
    EXPECT_EQ(FmtA("%I32x then %d", (ULONG)0xff, 9), "ff then 9");
}

TEST(KrtFormat, ShortAndChar)
{
    EXPECT_EQ(FmtA("%hd", 70000), "4464");       // truncated to short
    EXPECT_EQ(FmtA("%hu", 65535 + 2), "1");
    EXPECT_EQ(FmtA("%hx", 0x12345), "2345");
    EXPECT_EQ(FmtA("%hhd", 255), "-1");
    EXPECT_EQ(FmtA("%hhu", 257), "1");
    EXPECT_EQ(FmtA("%hd", (SHORT)-2), "-2");
}

TEST(KrtFormat, OctalHexAndAlternateForm)
{
    EXPECT_EQ(FmtA("%o", 8), "10");
    EXPECT_EQ(FmtA("%#o", 8), "010");
    EXPECT_EQ(FmtA("%#o", 0), "0");
    EXPECT_EQ(FmtA("%x", 255), "ff");
    EXPECT_EQ(FmtA("%X", 255), "FF");
    EXPECT_EQ(FmtA("%#x", 255), "0xff");
    EXPECT_EQ(FmtA("%#X", 255), "0XFF");
    EXPECT_EQ(FmtA("%#x", 0), "0");
    EXPECT_EQ(FmtA("%#010x", 0x1f), "0x0000001f");
}

TEST(KrtFormat, FlagsWidthPrecision)
{
    EXPECT_EQ(FmtA("[%5d]", 42), "[   42]");
    EXPECT_EQ(FmtA("[%-5d]", 42), "[42   ]");
    EXPECT_EQ(FmtA("[%05d]", 42), "[00042]");
    EXPECT_EQ(FmtA("[%05d]", -42), "[-0042]");
    EXPECT_EQ(FmtA("[%+d]", 42), "[+42]");
    EXPECT_EQ(FmtA("[% d]", 42), "[ 42]");
    EXPECT_EQ(FmtA("[%+d]", -42), "[-42]");
    EXPECT_EQ(FmtA("[%.3d]", 7), "[007]");
    EXPECT_EQ(FmtA("[%6.3d]", -7), "[  -007]");
    EXPECT_EQ(FmtA("[%-6.3d]", 7), "[007   ]");
    EXPECT_EQ(FmtA("[%06.3d]", 7), "[   007]");  // '0' ignored when a precision is given
    EXPECT_EQ(FmtA("[%.0d]", 0), "[]");
    EXPECT_EQ(FmtA("[%5.0d]", 0), "[     ]");
    EXPECT_EQ(FmtA("[%-05d]", 3), "[3    ]");    // '-' overrides '0'
    EXPECT_EQ(FmtA("[%+u]", 3u), "[3]");        // sign flags only apply to signed conversions
}

TEST(KrtFormat, StarWidthAndPrecision)
{
    EXPECT_EQ(FmtA("[%*d]", 6, 12), "[    12]");
    EXPECT_EQ(FmtA("[%*d]", -6, 12), "[12    ]");  // negative width means left-justify
    EXPECT_EQ(FmtA("[%.*d]", 4, 12), "[0012]");
    EXPECT_EQ(FmtA("[%.*d]", -1, 12), "[12]");     // negative precision is ignored
    EXPECT_EQ(FmtA("[%*.*s]", 6, 2, "abcdef"), "[    ab]");
    EXPECT_EQ(FmtA("[%-*s]", 4, "x"), "[x   ]");
}

TEST(KrtFormat, PointerIs16UpperHexDigits)
{
    EXPECT_EQ(FmtA("%p", (void *)0x12345678abcdull), "000012345678ABCD");
    EXPECT_EQ(FmtA("%p", (void *)nullptr), "0000000000000000");
    EXPECT_EQ(FmtA("%p", (void *)0xFFFFFFFFFFFFFFFFull), "FFFFFFFFFFFFFFFF");
    EXPECT_EQ(FmtA("[%20p]", (void *)0x1), "[    0000000000000001]");
    EXPECT_EQ(FmtA("[%-18p]", (void *)0x1), "[0000000000000001  ]");
    EXPECT_EQ(FmtA("%p %d", (void *)0x10, 5), "0000000000000010 5");
}

TEST(KrtFormat, NarrowEngineStrings)
{
    const WCHAR wide[] = L"wide";
    EXPECT_EQ(FmtA("%s", "narrow"), "narrow");
    EXPECT_EQ(FmtA("%hs", "narrow"), "narrow");
    EXPECT_EQ(FmtA("%S", wide), "wide");
    EXPECT_EQ(FmtA("%ws", wide), "wide");
    EXPECT_EQ(FmtA("%ls", wide), "wide");
    EXPECT_EQ(FmtA("[%8s]", "ab"), "[      ab]");
    EXPECT_EQ(FmtA("[%-8ws]", wide), "[wide    ]");
    EXPECT_EQ(FmtA("[%.2s]", "abcdef"), "[ab]");
    EXPECT_EQ(FmtA("[%.3ws]", wide), "[wid]");
    EXPECT_EQ(FmtA("[%05s]", "ab"), "[000ab]");  // the Microsoft CRT zero-pads strings
}

TEST(KrtFormat, PrecisionDoesNotReadPastLimit)
{
    // A buffer without a terminator: the precision bounds the read.
    const char raw[3] = {'x', 'y', 'z'};
    EXPECT_EQ(FmtA("%.3s|", raw), "xyz|");
    const WCHAR rawW[2] = {L'p', L'q'};
    EXPECT_EQ(FmtA("%.2ws|", rawW), "pq|");
}

TEST(KrtFormat, NullStringsPrintNull)
{
    EXPECT_EQ(FmtA("%s", (const char *)nullptr), "(null)");
    EXPECT_EQ(FmtA("%ws", (const WCHAR *)nullptr), "(null)");
    EXPECT_EQ(FmtA("%S", (const WCHAR *)nullptr), "(null)");
    EXPECT_EQ(FmtA("%Z", (PANSI_STRING) nullptr), "(null)");
    EXPECT_EQ(FmtA("%wZ", (PUNICODE_STRING) nullptr), "(null)");
    UNICODE_STRING empty = {0, 0, nullptr};
    EXPECT_EQ(FmtA("%wZ", &empty), "(null)");
    EXPECT_EQ(FmtA("[%8s]", (const char *)nullptr), "[  (null)]");
}

TEST(KrtFormat, CountedStrings)
{
    WCHAR wbuf[] = L"\\Device\\Tcp-and-more";
    UNICODE_STRING us = {(USHORT)(11 * sizeof(WCHAR)), sizeof(wbuf), wbuf};  // "\Device\Tcp" only
    EXPECT_EQ(FmtA("name=%wZ.", &us), "name=\\Device\\Tcp.");
    EXPECT_EQ(FmtA("[%15wZ]", &us), "[    \\Device\\Tcp]");
    EXPECT_EQ(FmtA("[%.3wZ]", &us), "[\\De]");

    char abuf[] = "hello world";
    ANSI_STRING as = {5, sizeof(abuf), abuf};  // "hello", not NUL-terminated at 5
    EXPECT_EQ(FmtA("<%Z>", &as), "<hello>");
    EXPECT_EQ(FmtA("<%hZ>", &as), "<hello>");
    EXPECT_EQ(FmtA("<%-7Z>", &as), "<hello  >");

    UNICODE_STRING zero = {0, sizeof(wbuf), wbuf};
    EXPECT_EQ(FmtA("<%wZ>", &zero), "<>");
}

TEST(KrtFormat, Characters)
{
    EXPECT_EQ(FmtA("%c", 'A'), "A");
    EXPECT_EQ(FmtA("%hc", 'b'), "b");
    EXPECT_EQ(FmtA("%C", (int)L'W'), "W");
    EXPECT_EQ(FmtA("%wc", (int)L'x'), "x");
    EXPECT_EQ(FmtA("%lc", (int)L'y'), "y");
    EXPECT_EQ(FmtA("[%3c]", 'z'), "[  z]");
    EXPECT_EQ(FmtA("[%-3c]", 'z'), "[z  ]");
    EXPECT_EQ(FmtA("%C", 0x20AC), "\xE2\x82\xAC");  // EURO SIGN as UTF-8
}

TEST(KrtFormat, WideToUtf8)
{
    const WCHAR text[] = {L'a', 0x00E9, 0x20AC, 0xD83D, 0xDE00, 0};  // a é € U+1F600
    EXPECT_EQ(FmtA("%ws", text), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    const WCHAR lone_high[] = {L'x', 0xD800, L'y', 0};
    EXPECT_EQ(FmtA("%ws", lone_high), "x?y");
    const WCHAR lone_low[] = {0xDC00, L'z', 0};
    EXPECT_EQ(FmtA("%ws", lone_low), "?z");
    // Precision counts output bytes and never splits a UTF-8 sequence.
    EXPECT_EQ(FmtA("[%.2ws]", text), "[a]");
    EXPECT_EQ(FmtA("[%.3ws]", text), "[a\xC3\xA9]");
    // Width counts output bytes too.
    const WCHAR e_acute[] = {0x00E9, 0};
    EXPECT_EQ(FmtA("[%4ws]", e_acute), "[  \xC3\xA9]");
}

TEST(KrtFormat, Floats)
{
    EXPECT_EQ(FmtA("%f", 1.5), "1.500000");
    EXPECT_EQ(FmtA("%.2f", 3.14159), "3.14");
    EXPECT_EQ(FmtA("%8.3f|", -2.5), "  -2.500|");
    EXPECT_EQ(FmtA("%-8.1f|", 2.25), "2.2     |");
    EXPECT_EQ(FmtA("%08.2f", -3.5), "-0003.50");
    EXPECT_EQ(FmtA("%+.1f", 2.0), "+2.0");
    EXPECT_EQ(FmtA("% .1f", 2.0), " 2.0");
    EXPECT_EQ(FmtA("%e", 12345.678), "1.234568e+04");
    EXPECT_EQ(FmtA("%.2E", 0.000123), "1.23E-04");
    EXPECT_EQ(FmtA("%g", 0.0001), "0.0001");
    EXPECT_EQ(FmtA("%g", 1e20), "1e+20");
    EXPECT_EQ(FmtA("%G", 1e-10), "1E-10");
    EXPECT_EQ(FmtA("%#.0f", 3.0), "3.");
    EXPECT_EQ(FmtA("%#g", 1.0), "1.00000");
    EXPECT_EQ(FmtA("%.0f", 2.5), "2");
    EXPECT_EQ(FmtA("%5.1f%%", 99.44), " 99.4%");
    EXPECT_EQ(FmtA("%f %d", 1.0, 7), "1.000000 7");  // va_list stays in step after a double
    EXPECT_EQ(FmtA("%Lf", (long double)0.5), "0.500000");
    EXPECT_EQ(FmtA("%a", 1.0), "0x1p+0");
    EXPECT_EQ(FmtA("%06.1f", HUGE_VAL), "   inf");  // no zero padding for non-finite values
}

TEST(KrtFormat, NIsIgnoredAndConsumesItsArgument)
{
    int count = 1234;
    EXPECT_EQ(FmtA("ab%ncd%d", &count, 5), "abcd5");
    EXPECT_EQ(count, 1234);
}

TEST(KrtFormat, UnknownAndIncompleteSpecificationsPrintLiterally)
{
    EXPECT_EQ(FmtA("%y"), "%y");
    EXPECT_EQ(FmtA("50%"), "50%");
    EXPECT_EQ(FmtA("%-5"), "%-5");
}

TEST(KrtFormat, MixedArguments)
{
    UNICODE_STRING us;
    WCHAR name[] = L"eth0";
    us.Buffer = name;
    us.Length = 8;
    us.MaximumLength = 10;
    EXPECT_EQ(FmtA("%wZ: %lu pkts, %I64u bytes, ctx %p, %s", &us, (ULONG)17, (ULONGLONG)1ull << 40,
                   (void *)0xABC, "ok"),
              "eth0: 17 pkts, 1099511627776 bytes, ctx 0000000000000ABC, ok");
}

TEST(KrtFormat, TruncationReturnsFullLengthAndTerminates)
{
    char buf[8];
    memset(buf, '#', sizeof buf);
    int n = KrtSnprintfA(buf, sizeof buf, "%s-%d", "abcdef", 12345);
    EXPECT_EQ(n, 12);
    EXPECT_STREQ(buf, "abcdef-");
    memset(buf, '#', sizeof buf);
    n = KrtSnprintfA(buf, 1, "xyz");
    EXPECT_EQ(n, 3);
    EXPECT_EQ(buf[0], '\0');
    EXPECT_EQ(buf[1], '#');
    n = KrtSnprintfA(nullptr, 0, "%d", 123456);
    EXPECT_EQ(n, 6);
    memset(buf, '#', sizeof buf);
    n = KrtSnprintfA(buf, 0, "abc");
    EXPECT_EQ(n, 3);
    EXPECT_EQ(buf[0], '#');  // cap 0: nothing written
}

TEST(KrtFormat, ExactFit)
{
    char buf[4];
    EXPECT_EQ(KrtSnprintfA(buf, sizeof buf, "abc"), 3);
    EXPECT_STREQ(buf, "abc");
    EXPECT_EQ(KrtSnprintfA(buf, sizeof buf, "abcd"), 4);
    EXPECT_STREQ(buf, "abc");
}

TEST(KrtFormat, CountedNarrowWritesNoTerminator)
{
    char buf[6];
    memset(buf, '#', sizeof buf);
    auto call = [](char *b, size_t cap, const char *f, ...) {
        va_list ap;
        va_start(ap, f);
        int r = KrtFormatCountedA(b, cap, f, ap);
        va_end(ap);
        return r;
    };
    EXPECT_EQ(call(buf, 3, "%d", 12345), 5);
    EXPECT_EQ(std::string(buf, 6), "123###");
}

TEST(KrtFormatWide, WideEngineBasics)
{
    EXPECT_EQ(FmtW(L"%d|%ld|%I64x", -1, (LONG)7, (ULONGLONG)0xABCDEF012ull), "-1|7|abcdef012");
    EXPECT_EQ(FmtW(L"%p", (void *)0xBEEF), "000000000000BEEF");
    EXPECT_EQ(FmtW(L"[%5.1f]", 2.25), "[  2.2]");
    EXPECT_EQ(FmtW(L"%Iu", (SIZE_T)1 << 33), "8589934592");
}

TEST(KrtFormatWide, StringWidthsFlipInWideEngine)
{
    const WCHAR wide[] = L"wide";
    // In the wide engine %s is wide and %S narrow; %hs / %ws force a width.
    EXPECT_EQ(FmtW(L"%s", wide), "wide");
    EXPECT_EQ(FmtW(L"%S", "narrow"), "narrow");
    EXPECT_EQ(FmtW(L"%hs", "narrow"), "narrow");
    EXPECT_EQ(FmtW(L"%ws", wide), "wide");
    EXPECT_EQ(FmtW(L"%ls", wide), "wide");
    EXPECT_EQ(FmtW(L"%c%C%hc%wc", (int)L'a', 'b', 'c', (int)L'd'), "abcd");
    EXPECT_EQ(FmtW(L"[%-6s]", wide), "[wide  ]");
    EXPECT_EQ(FmtW(L"%s", (const WCHAR *)nullptr), "(null)");
}

TEST(KrtFormatWide, NarrowTextIsDecodedAsUtf8)
{
    EXPECT_EQ(FmtW(L"%hs", "a\xC3\xA9\xE2\x82\xAC"), "a\\u00E9\\u20AC");
    EXPECT_EQ(FmtW(L"%hs", "\xF0\x9F\x98\x80"), "\\uD83D\\uDE00");
    EXPECT_EQ(FmtW(L"%hs", "x\xFFy"), "x\\u00FFy");  // invalid UTF-8 byte maps to U+00FF
    const char raw[2] = {'m', 'n'};  // unterminated: the precision bounds the read
    EXPECT_EQ(FmtW(L"%.2hs|", raw), "mn|");
}

TEST(KrtFormatWide, CountedStringsInWideEngine)
{
    WCHAR wbuf[] = L"abcdef";
    UNICODE_STRING us = {6, sizeof(wbuf), wbuf};
    char abuf[] = "XYZW";
    ANSI_STRING as = {2, sizeof(abuf), abuf};
    EXPECT_EQ(FmtW(L"%wZ/%hZ/%Z", &us, &as, &us), "abc/XY/abc");
}

TEST(KrtFormatWide, TruncationAndCounted)
{
    WCHAR buf[5];
    int n = KrtSnprintfW(buf, 5, L"%s", L"abcdefgh");
    EXPECT_EQ(n, 8);
    EXPECT_EQ(Show(buf), "abcd");
    EXPECT_EQ((unsigned)buf[4], 0u);

    WCHAR out[4] = {L'#', L'#', L'#', L'#'};
    auto call = [](WCHAR *b, size_t cap, const WCHAR *f, ...) {
        va_list ap;
        va_start(ap, f);
        int r = KrtFormatCountedW(b, cap, f, ap);
        va_end(ap);
        return r;
    };
    EXPECT_EQ(call(out, 3, L"%u", 98765u), 5);
    EXPECT_EQ(Show(out, 4), "987#");
}
