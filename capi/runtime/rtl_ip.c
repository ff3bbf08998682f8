/*
 * rtl_ip.c - IPv4/IPv6 address <-> text conversions (ip2string.h), written from the behaviour Windows
 * documents (and, where the documentation is silent, the behaviour Windows is known to show):
 *
 *  IPv4 to text: dotted decimal; the Ex form appends ":port" when Port (network order) is non-zero.
 *  IPv6 to text: lower-case hex words without leading zeros; the longest run of two or more zero words
 *    (the first one on a tie) becomes "::"; the last 32 bits are written as a dotted quad for
 *    IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and IPv4-compatible (::a.b.c.d)
 *    addresses - those three only when the embedded address is at least 0.1.0.0, so ::1 stays "::1" -
 *    and for ISATAP interface identifiers (…:0:5efe:a.b.c.d and …:200:5efe:a.b.c.d). The Ex form adds
 *    "%scope" when ScopeId is non-zero and "[…]:port" when Port is non-zero.
 *  Ex to-text functions fail with STATUS_INVALID_PARAMETER when the buffer (*AddressStringLength
 *    characters, terminator included) is too small, storing the needed length; on success the length
 *    written (terminator included) is stored.
 *  IPv4 parsing: Strict accepts exactly four decimal parts 0-255 (no leading zeros); otherwise the
 *    inet_addr forms a, a.b, a.b.c, a.b.c.d with decimal, 0-prefixed octal and 0x-prefixed hex parts, the
 *    last part filling the remaining bytes. *Terminator receives the first character not used.
 *  IPv6 parsing: hex words of 1-4 digits, one "::", an embedded dotted quad in the last 32 bits. Parsing
 *    stops once the address is complete; *Terminator receives the first character not used.
 *  Ex parsing: the whole string must be "addr", "addr%scope", "[addr]", "[addr%scope]" or
 *    "[addr%scope]:port" (IPv6; port decimal or 0x hex) or "a.b.c.d[:port]" (IPv4; port decimal, octal or
 *    hex). Ports must be 1-65535. Outputs are written only on success.
 *  Not reproduced: a few oddities of Windows' own parser on malformed text, e.g. accepting "::0x80000000"
 *    (as ::ffff), "1.1.1.008" (as 1.1.1.0) or 9-digit hex IPv4 numbers truncated to 32 bits; this
 *    parser rejects or stops at such input instead.
 */
#include <limits.h>
#include <string.h>

#include <ntdef.h>
#include <ntstatus.h>
#include <ip2string.h>

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#endif

/* Longest texts, terminator included: "255.255.255.255:65535" and
 * "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%4294967295]:65535". */
#define V4_TEXT_MAX 22
#define V6_TEXT_MAX 65

/* ---------------------------------------------------------------------------------------------
 * Text rendering
 * --------------------------------------------------------------------------------------------- */

static size_t put_decimal(char *out, unsigned long v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

static size_t put_hex_word(char *out, unsigned w)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    int started = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (w >> shift) & 0xF;
        if (d || started || shift == 0) {
            out[n++] = hex[d];
            started = 1;
        }
    }
    return n;
}

static size_t v4_text(const UCHAR b[4], char *out)
{
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i) {
            out[n++] = '.';
        }
        n += put_decimal(out + n, b[i]);
    }
    out[n] = 0;
    return n;
}

static size_t v6_text(const UCHAR b[16], char *out)
{
    unsigned w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = ((unsigned)b[2 * i] << 8) | b[2 * i + 1];
    }
    int zero_0_3 = !w[0] && !w[1] && !w[2] && !w[3];
    int embed = 0;
    if (zero_0_3 && !w[4] && w[5] == 0xFFFF && w[6]) {
        embed = 1; /* IPv4-mapped */
    } else if (zero_0_3 && w[4] == 0xFFFF && !w[5] && w[6]) {
        embed = 1; /* IPv4-translated */
    } else if (zero_0_3 && !w[4] && !w[5] && w[6]) {
        embed = 1; /* IPv4-compatible */
    } else if ((w[4] == 0 || w[4] == 0x0200) && w[5] == 0x5EFE) {
        embed = 1; /* ISATAP */
    }
    int nwords = embed ? 6 : 8;

    int best_start = -1, best_len = 0;
    for (int i = 0; i < nwords;) {
        if (w[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < nwords && !w[j]) {
            j++;
        }
        if (j - i > best_len) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2) {
        best_start = -1;
    }

    size_t n = 0;
    int after_double_colon = 0;
    for (int i = 0; i < nwords; i++) {
        if (i == best_start) {
            out[n++] = ':';
            out[n++] = ':';
            i += best_len - 1;
            after_double_colon = 1;
            continue;
        }
        if (i > 0 && !after_double_colon) {
            out[n++] = ':';
        }
        n += put_hex_word(out + n, w[i]);
        after_double_colon = 0;
    }
    if (embed) {
        if (!after_double_colon) {
            out[n++] = ':';
        }
        n += v4_text(b + 12, out + n);
    }
    out[n] = 0;
    return n;
}

static void widen(PWSTR dst, const char *src, size_t n_with_nul)
{
    for (size_t i = 0; i < n_with_nul; i++) {
        dst[i] = (WCHAR)(unsigned char)src[i];
    }
}

/* Stores text (len chars + NUL) into an A or W buffer following the Ex length protocol. */
static NTSTATUS store_ex(const char *text, size_t len, void *dst, int wide, PULONG AddressStringLength)
{
    ULONG need = (ULONG)len + 1;
    if (*AddressStringLength < need) {
        *AddressStringLength = need;
        return STATUS_INVALID_PARAMETER;
    }
    if (wide) {
        widen((PWSTR)dst, text, need);
    } else {
        memcpy(dst, text, need);
    }
    *AddressStringLength = need;
    return STATUS_SUCCESS;
}

static size_t v4_ex_text(const struct in_addr *Address, USHORT Port, char *out)
{
    UCHAR b[4];
    memcpy(b, Address, 4);
    size_t n = v4_text(b, out);
    if (Port) {
        out[n++] = ':';
        n += put_decimal(out + n, (unsigned)((Port >> 8) | ((Port & 0xFF) << 8)));
        out[n] = 0;
    }
    return n;
}

static size_t v6_ex_text(const struct in6_addr *Address, ULONG ScopeId, USHORT Port, char *out)
{
    size_t n = 0;
    if (Port) {
        out[n++] = '[';
    }
    n += v6_text(Address->u.Byte, out + n);
    if (ScopeId) {
        out[n++] = '%';
        n += put_decimal(out + n, ScopeId);
    }
    if (Port) {
        out[n++] = ']';
        out[n++] = ':';
        n += put_decimal(out + n, (unsigned)((Port >> 8) | ((Port & 0xFF) << 8)));
    }
    out[n] = 0;
    return n;
}

PSTR NTAPI RtlIpv4AddressToStringA(const struct in_addr *Addr, PSTR S)
{
    UCHAR b[4];
    if (!Addr || !S) {
        return NULL;
    }
    memcpy(b, Addr, 4);
    return S + v4_text(b, S);
}

PWSTR NTAPI RtlIpv4AddressToStringW(const struct in_addr *Addr, PWSTR S)
{
    char text[V4_TEXT_MAX];
    UCHAR b[4];
    if (!Addr || !S) {
        return NULL;
    }
    memcpy(b, Addr, 4);
    size_t n = v4_text(b, text);
    widen(S, text, n + 1);
    return S + n;
}

NTSTATUS NTAPI RtlIpv4AddressToStringExA(const struct in_addr *Address, USHORT Port, PSTR AddressString,
                                         PULONG AddressStringLength)
{
    char text[V4_TEXT_MAX];
    if (!Address || !AddressString || !AddressStringLength) {
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = v4_ex_text(Address, Port, text);
    return store_ex(text, n, AddressString, 0, AddressStringLength);
}

NTSTATUS NTAPI RtlIpv4AddressToStringExW(const struct in_addr *Address, USHORT Port, PWSTR AddressString,
                                         PULONG AddressStringLength)
{
    char text[V4_TEXT_MAX];
    if (!Address || !AddressString || !AddressStringLength) {
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = v4_ex_text(Address, Port, text);
    return store_ex(text, n, AddressString, 1, AddressStringLength);
}

PSTR NTAPI RtlIpv6AddressToStringA(const struct in6_addr *Addr, PSTR S)
{
    if (!Addr || !S) {
        return NULL;
    }
    return S + v6_text(Addr->u.Byte, S);
}

PWSTR NTAPI RtlIpv6AddressToStringW(const struct in6_addr *Addr, PWSTR S)
{
    char text[V6_TEXT_MAX];
    if (!Addr || !S) {
        return NULL;
    }
    size_t n = v6_text(Addr->u.Byte, text);
    widen(S, text, n + 1);
    return S + n;
}

NTSTATUS NTAPI RtlIpv6AddressToStringExA(const struct in6_addr *Address, ULONG ScopeId, USHORT Port,
                                         PSTR AddressString, PULONG AddressStringLength)
{
    char text[V6_TEXT_MAX];
    if (!Address || !AddressString || !AddressStringLength) {
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = v6_ex_text(Address, ScopeId, Port, text);
    return store_ex(text, n, AddressString, 0, AddressStringLength);
}

NTSTATUS NTAPI RtlIpv6AddressToStringExW(const struct in6_addr *Address, ULONG ScopeId, USHORT Port,
                                         PWSTR AddressString, PULONG AddressStringLength)
{
    char text[V6_TEXT_MAX];
    if (!Address || !AddressString || !AddressStringLength) {
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = v6_ex_text(Address, ScopeId, Port, text);
    return store_ex(text, n, AddressString, 1, AddressStringLength);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing (over narrow or wide text)
 * --------------------------------------------------------------------------------------------- */

typedef struct {
    const void *p;
    int wide;
} text_t;

static unsigned at(text_t t, size_t i)
{
    return t.wide ? (unsigned)((const WCHAR *)t.p)[i] : (unsigned)((const unsigned char *)t.p)[i];
}

static int is_dec(unsigned c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(unsigned c)
{
    if (c >= '0' && c <= '9') {
        return (int)(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (int)(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return (int)(c - 'A' + 10);
    }
    return -1;
}

/* Parses one number in C notation (0x hex, 0 octal, else decimal) at *pos. Returns 0 on a malformed
 * number (no digits after 0x, an 8 or 9 in an octal number) or a value above max. */
static int parse_c_number(text_t t, size_t *pos, unsigned long long max, unsigned long long *value)
{
    size_t i = *pos;
    unsigned long long v = 0;
    if (!is_dec(at(t, i))) {
        return 0;
    }
    if (at(t, i) == '0' && (at(t, i + 1) == 'x' || at(t, i + 1) == 'X')) {
        i += 2;
        if (hex_val(at(t, i)) < 0) {
            *pos = i;
            return 0;
        }
        while (hex_val(at(t, i)) >= 0) {
            v = v * 16 + (unsigned)hex_val(at(t, i));
            i++;
            if (v > max) {
                *pos = i;
                return 0;
            }
        }
    } else if (at(t, i) == '0') {
        i++;
        while (is_dec(at(t, i))) {
            if (at(t, i) >= '8') {
                *pos = i;
                return 0;
            }
            v = v * 8 + (at(t, i) - '0');
            i++;
            if (v > max) {
                *pos = i;
                return 0;
            }
        }
    } else {
        while (is_dec(at(t, i))) {
            v = v * 10 + (at(t, i) - '0');
            i++;
            if (v > max) {
                *pos = i;
                return 0;
            }
        }
    }
    *pos = i;
    *value = v;
    return 1;
}

/* IPv4 text at t; on return *end is the first unused position (or where parsing failed). */
static NTSTATUS parse_v4(text_t t, BOOLEAN Strict, size_t *end, UCHAR out[4])
{
    size_t pos = 0;
    if (Strict) {
        for (int part = 0; part < 4; part++) {
            if (part) {
                if (at(t, pos) != '.') {
                    *end = pos;
                    return STATUS_INVALID_PARAMETER;
                }
                pos++;
            }
            if (!is_dec(at(t, pos))) {
                *end = pos;
                return STATUS_INVALID_PARAMETER;
            }
            if (at(t, pos) == '0' && (is_dec(at(t, pos + 1)) || at(t, pos + 1) == 'x' || at(t, pos + 1) == 'X')) {
                *end = pos + 1;
                return STATUS_INVALID_PARAMETER;
            }
            unsigned v = 0;
            while (is_dec(at(t, pos))) {
                v = v * 10 + (at(t, pos) - '0');
                pos++;
                if (v > 255) {
                    *end = pos;
                    return STATUS_INVALID_PARAMETER;
                }
            }
            out[part] = (UCHAR)v;
        }
        *end = pos;
        /* A fifth part ("1.2.3.4.") is not a trailing character but a malformed address. */
        return at(t, pos) == '.' ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    }

    unsigned long long parts[4];
    int count = 0;
    for (;;) {
        if (!parse_c_number(t, &pos, 0xFFFFFFFFull, &parts[count])) {
            *end = pos;
            return STATUS_INVALID_PARAMETER;
        }
        count++;
        if (at(t, pos) != '.') {
            break;
        }
        if (count == 4) {
            *end = pos;
            return STATUS_INVALID_PARAMETER;
        }
        pos++;
    }
    *end = pos;
    for (int k = 0; k < count - 1; k++) {
        if (parts[k] > 255) {
            return STATUS_INVALID_PARAMETER;
        }
    }
    unsigned long long last_max = count == 1 ? 0xFFFFFFFFull : (1ull << (8 * (5 - count))) - 1;
    if (parts[count - 1] > last_max) {
        return STATUS_INVALID_PARAMETER;
    }
    unsigned long addr = 0;
    for (int k = 0; k < count - 1; k++) {
        addr |= (unsigned long)parts[k] << (24 - 8 * k);
    }
    addr |= (unsigned long)parts[count - 1];
    out[0] = (UCHAR)(addr >> 24);
    out[1] = (UCHAR)(addr >> 16);
    out[2] = (UCHAR)(addr >> 8);
    out[3] = (UCHAR)addr;
    return STATUS_SUCCESS;
}

/* Dotted quad inside an IPv6 address: four decimal parts of 1-3 digits, each 0-255. */
static int parse_embedded_v4(text_t t, size_t *pos, UCHAR out[4])
{
    size_t i = *pos;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (at(t, i) != '.') {
                *pos = i;
                return 0;
            }
            i++;
        }
        unsigned v = 0;
        int digits = 0;
        while (is_dec(at(t, i))) {
            if (++digits > 3) {
                *pos = i;
                return 0;
            }
            v = v * 10 + (at(t, i) - '0');
            i++;
        }
        if (digits == 0 || v > 255) {
            *pos = i;
            return 0;
        }
        out[part] = (UCHAR)v;
    }
    *pos = i;
    return 1;
}

static NTSTATUS parse_v6(text_t t, size_t *end, UCHAR out[16])
{
    unsigned w[8];
    int n = 0;
    int dc = -1;      /* index in w[] where "::" stands, -1 if none */
    size_t pos = 0;

    if (at(t, 0) == ':') {
        if (at(t, 1) != ':') {
            *end = 0;
            return STATUS_INVALID_PARAMETER;
        }
        dc = 0;
        pos = 2;
    }
    for (;;) {
        int max = dc >= 0 ? 7 : 8;
        if (n >= max) {
            break;
        }
        if (hex_val(at(t, pos)) < 0) {
            if (dc >= 0 && pos >= 2 && at(t, pos - 1) == ':' && at(t, pos - 2) == ':') {
                break; /* the address ends with "::" */
            }
            *end = pos;
            return STATUS_INVALID_PARAMETER;
        }
        size_t k = 0;
        int all_dec = 1;
        while (hex_val(at(t, pos + k)) >= 0) {
            if (!is_dec(at(t, pos + k))) {
                all_dec = 0;
            }
            k++;
        }
        if (at(t, pos + k) == '.' && all_dec && n + 2 <= max) {
            UCHAR q[4];
            if (!parse_embedded_v4(t, &pos, q)) {
                *end = pos;
                return STATUS_INVALID_PARAMETER;
            }
            w[n++] = ((unsigned)q[0] << 8) | q[1];
            w[n++] = ((unsigned)q[2] << 8) | q[3];
            break; /* a dotted quad is always last */
        }
        if (k > 4) {
            *end = pos + k;
            return STATUS_INVALID_PARAMETER;
        }
        unsigned v = 0;
        for (size_t d = 0; d < k; d++) {
            v = v * 16 + (unsigned)hex_val(at(t, pos + d));
        }
        w[n++] = v;
        pos += k;
        if (n >= max || at(t, pos) != ':') {
            break;
        }
        if (at(t, pos + 1) == ':') {
            if (dc >= 0) {
                break; /* a second "::" is not part of the address */
            }
            dc = n;
            pos += 2;
            continue;
        }
        if (hex_val(at(t, pos + 1)) < 0) {
            *end = pos + 1;
            return STATUS_INVALID_PARAMETER;
        }
        pos++;
    }
    *end = pos;
    if (dc < 0 && n != 8) {
        return STATUS_INVALID_PARAMETER;
    }
    unsigned full[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (dc < 0) {
        memcpy(full, w, sizeof full);
    } else {
        for (int i = 0; i < dc; i++) {
            full[i] = w[i];
        }
        int tail = n - dc;
        for (int i = 0; i < tail; i++) {
            full[8 - tail + i] = w[dc + i];
        }
    }
    for (int i = 0; i < 8; i++) {
        out[2 * i] = (UCHAR)(full[i] >> 8);
        out[2 * i + 1] = (UCHAR)full[i];
    }
    return STATUS_SUCCESS;
}

static USHORT to_network16(unsigned v)
{
    return (USHORT)(((v & 0xFF) << 8) | ((v >> 8) & 0xFF));
}

/* ---- IPv4 entry points ---- */

static NTSTATUS v4_string_to_address(text_t t, BOOLEAN Strict, size_t *end, struct in_addr *Addr)
{
    UCHAR b[4];
    NTSTATUS status = parse_v4(t, Strict, end, b);
    if (status == STATUS_SUCCESS) {
        memcpy(Addr, b, 4);
    }
    return status;
}

NTSTATUS NTAPI RtlIpv4StringToAddressA(PCSTR S, BOOLEAN Strict, PCSTR *Terminator, struct in_addr *Addr)
{
    text_t t = {S, 0};
    size_t end = 0;
    if (!S || !Terminator || !Addr) {
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS status = v4_string_to_address(t, Strict, &end, Addr);
    *Terminator = S + end;
    return status;
}

NTSTATUS NTAPI RtlIpv4StringToAddressW(PCWSTR S, BOOLEAN Strict, LPCWSTR *Terminator, struct in_addr *Addr)
{
    text_t t = {S, 1};
    size_t end = 0;
    if (!S || !Terminator || !Addr) {
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS status = v4_string_to_address(t, Strict, &end, Addr);
    *Terminator = S + end;
    return status;
}

static NTSTATUS v4_ex(text_t t, BOOLEAN Strict, struct in_addr *Address, PUSHORT Port)
{
    UCHAR b[4];
    size_t pos = 0;
    unsigned long long port = 0;
    if (!t.p || !Address || !Port) {
        return STATUS_INVALID_PARAMETER;
    }
    if (parse_v4(t, Strict, &pos, b) != STATUS_SUCCESS) {
        return STATUS_INVALID_PARAMETER;
    }
    if (at(t, pos) == ':') {
        pos++;
        if (!parse_c_number(t, &pos, 0xFFFF, &port) || port == 0) {
            return STATUS_INVALID_PARAMETER;
        }
    }
    if (at(t, pos) != 0) {
        return STATUS_INVALID_PARAMETER;
    }
    memcpy(Address, b, 4);
    *Port = to_network16((unsigned)port);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlIpv4StringToAddressExA(PCSTR AddressString, BOOLEAN Strict, struct in_addr *Address, PUSHORT Port)
{
    text_t t = {AddressString, 0};
    return v4_ex(t, Strict, Address, Port);
}

NTSTATUS NTAPI RtlIpv4StringToAddressExW(PCWSTR AddressString, BOOLEAN Strict, struct in_addr *Address, PUSHORT Port)
{
    text_t t = {AddressString, 1};
    return v4_ex(t, Strict, Address, Port);
}

/* ---- IPv6 entry points ---- */

NTSTATUS NTAPI RtlIpv6StringToAddressA(PCSTR S, PCSTR *Terminator, struct in6_addr *Addr)
{
    text_t t = {S, 0};
    size_t end = 0;
    UCHAR b[16];
    if (!S || !Terminator || !Addr) {
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS status = parse_v6(t, &end, b);
    if (status == STATUS_SUCCESS) {
        memcpy(Addr->u.Byte, b, 16);
    }
    *Terminator = S + end;
    return status;
}

NTSTATUS NTAPI RtlIpv6StringToAddressW(PCWSTR S, PCWSTR *Terminator, struct in6_addr *Addr)
{
    text_t t = {S, 1};
    size_t end = 0;
    UCHAR b[16];
    if (!S || !Terminator || !Addr) {
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS status = parse_v6(t, &end, b);
    if (status == STATUS_SUCCESS) {
        memcpy(Addr->u.Byte, b, 16);
    }
    *Terminator = S + end;
    return status;
}

static NTSTATUS v6_ex(text_t t, struct in6_addr *Address, PULONG ScopeId, PUSHORT Port)
{
    UCHAR b[16];
    size_t pos = 0, end = 0;
    int bracket = 0;
    unsigned long long scope = 0, port = 0;
    if (!t.p || !Address || !ScopeId || !Port) {
        return STATUS_INVALID_PARAMETER;
    }
    if (at(t, 0) == '[') {
        bracket = 1;
        pos = 1;
    }
    text_t inner = {t.wide ? (const void *)((const WCHAR *)t.p + pos) : (const void *)((const char *)t.p + pos),
                    t.wide};
    if (parse_v6(inner, &end, b) != STATUS_SUCCESS) {
        return STATUS_INVALID_PARAMETER;
    }
    pos += end;
    if (at(t, pos) == '%') {
        pos++;
        if (!is_dec(at(t, pos))) {
            return STATUS_INVALID_PARAMETER;
        }
        while (is_dec(at(t, pos))) {
            scope = scope * 10 + (at(t, pos) - '0');
            pos++;
            if (scope > 0xFFFFFFFFull) {
                return STATUS_INVALID_PARAMETER;
            }
        }
    }
    if (bracket) {
        if (at(t, pos) != ']') {
            return STATUS_INVALID_PARAMETER;
        }
        pos++;
        if (at(t, pos) == ':') {
            pos++;
            if (!is_dec(at(t, pos))) {
                return STATUS_INVALID_PARAMETER;
            }
            if (at(t, pos) == '0' && (at(t, pos + 1) == 'x' || at(t, pos + 1) == 'X')) {
                pos += 2;
                if (hex_val(at(t, pos)) < 0) {
                    return STATUS_INVALID_PARAMETER;
                }
                while (hex_val(at(t, pos)) >= 0) {
                    port = port * 16 + (unsigned)hex_val(at(t, pos));
                    pos++;
                    if (port > 0xFFFF) {
                        return STATUS_INVALID_PARAMETER;
                    }
                }
            } else {
                if (at(t, pos) == '0') {
                    return STATUS_INVALID_PARAMETER; /* no leading zeros (and no port 0) */
                }
                while (is_dec(at(t, pos))) {
                    port = port * 10 + (at(t, pos) - '0');
                    pos++;
                    if (port > 0xFFFF) {
                        return STATUS_INVALID_PARAMETER;
                    }
                }
            }
            if (port == 0) {
                return STATUS_INVALID_PARAMETER;
            }
        }
    }
    if (at(t, pos) != 0) {
        return STATUS_INVALID_PARAMETER;
    }
    memcpy(Address->u.Byte, b, 16);
    *ScopeId = (ULONG)scope;
    *Port = to_network16((unsigned)port);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlIpv6StringToAddressExA(PCSTR AddressString, struct in6_addr *Address, PULONG ScopeId, PUSHORT Port)
{
    text_t t = {AddressString, 0};
    return v6_ex(t, Address, ScopeId, Port);
}

NTSTATUS NTAPI RtlIpv6StringToAddressExW(PCWSTR AddressString, struct in6_addr *Address, PULONG ScopeId,
                                         PUSHORT Port)
{
    text_t t = {AddressString, 1};
    return v6_ex(t, Address, ScopeId, Port);
}
