/*
 * format.c - Microsoft-style printf engine (see krt_format.h for the dialect).
 *
 * One engine serves both character widths: the format string is read through fmt_at() and output goes
 * through a sink that stores either bytes or WCHARs, counting every unit even when it no longer fits so
 * that the caller learns the untruncated length.
 */
/* strfromd / strfroml (ISO/IEC TS 18661-1, in glibc since 2.25) */
#define __STDC_WANT_IEC_60559_BFP_EXT__ 1

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <ntdef.h>

#include "krt_format.h"

/* ---------------------------------------------------------------------------------------------
 * Output sink
 * --------------------------------------------------------------------------------------------- */

typedef struct {
    int wide;    /* units are WCHAR (else char) */
    void *buf;
    size_t cap;  /* units that may be stored */
    size_t len;  /* units produced so far (may exceed cap) */
} sink_t;

static void put_unit(sink_t *s, unsigned u)
{
    if (s->len < s->cap) {
        if (s->wide) {
            ((WCHAR *)s->buf)[s->len] = (WCHAR)u;
        } else {
            ((char *)s->buf)[s->len] = (char)u;
        }
    }
    s->len++;
}

static void put_repeat(sink_t *s, unsigned u, size_t n)
{
    while (n--) {
        put_unit(s, u);
    }
}

static void put_ascii(sink_t *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_unit(s, (unsigned char)p[i]);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Text sources: narrow (bytes) or wide (UTF-16 units), NUL-terminated or counted, re-encoded for
 * the sink in chunks that are never split by a precision limit.
 * --------------------------------------------------------------------------------------------- */

typedef struct {
    const void *p;
    int wide;
    int counted;  /* counted string: a NUL unit is text, not the end */
    size_t n;     /* never read more than n source units (length of a counted string, precision) */
    size_t i;     /* next source unit */
} source_t;

static int src_unit(const source_t *s, size_t i, unsigned *u)
{
    if (i >= s->n) {
        return 0;
    }
    *u = s->wide ? (unsigned)((const WCHAR *)s->p)[i] : (unsigned)((const unsigned char *)s->p)[i];
    if (!s->counted && *u == 0) {
        return 0;
    }
    return 1;
}

/* Decodes a UTF-8 sequence at source position i; returns the number of bytes used, or 0 when the bytes
 * do not form a valid sequence (the caller then takes the single byte as U+0000-U+00FF). */
static size_t src_utf8(const source_t *s, size_t i, unsigned long *cp)
{
    unsigned b0, b;
    size_t need;
    unsigned long v, min;
    if (!src_unit(s, i, &b0)) {
        return 0;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        v = b0 & 0x1F;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        v = b0 & 0x0F;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        v = b0 & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        if (!src_unit(s, i + k, &b) || (b & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (b & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    *cp = v;
    return need + 1;
}

/* Produces the next chunk of sink units for the source; returns its length (0 at the end). */
static size_t src_next(source_t *s, int sink_wide, unsigned out[4])
{
    unsigned u;
    if (!src_unit(s, s->i, &u)) {
        return 0;
    }
    if (s->wide == sink_wide) {
        /* Same width: copy units (a surrogate pair in wide-to-wide stays together). */
        if (s->wide && u >= 0xD800 && u <= 0xDBFF) {
            unsigned lo;
            if (src_unit(s, s->i + 1, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                out[0] = u;
                out[1] = lo;
                s->i += 2;
                return 2;
            }
        }
        out[0] = u;
        s->i++;
        return 1;
    }
    unsigned long cp;
    if (s->wide) {
        /* UTF-16 -> UTF-8 */
        if (u >= 0xD800 && u <= 0xDBFF) {
            unsigned lo;
            if (src_unit(s, s->i + 1, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) + (lo - 0xDC00);
                s->i += 2;
            } else {
                out[0] = '?';
                s->i++;
                return 1;
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            out[0] = '?';
            s->i++;
            return 1;
        } else {
            cp = u;
            s->i++;
        }
        if (cp < 0x80) {
            out[0] = (unsigned)cp;
            return 1;
        }
        if (cp < 0x800) {
            out[0] = 0xC0 | (unsigned)(cp >> 6);
            out[1] = 0x80 | (unsigned)(cp & 0x3F);
            return 2;
        }
        if (cp < 0x10000) {
            out[0] = 0xE0 | (unsigned)(cp >> 12);
            out[1] = 0x80 | (unsigned)((cp >> 6) & 0x3F);
            out[2] = 0x80 | (unsigned)(cp & 0x3F);
            return 3;
        }
        out[0] = 0xF0 | (unsigned)(cp >> 18);
        out[1] = 0x80 | (unsigned)((cp >> 12) & 0x3F);
        out[2] = 0x80 | (unsigned)((cp >> 6) & 0x3F);
        out[3] = 0x80 | (unsigned)(cp & 0x3F);
        return 4;
    }
    /* UTF-8 (or stray bytes) -> UTF-16 */
    size_t used = u < 0x80 ? 0 : src_utf8(s, s->i, &cp);
    if (used == 0) {
        out[0] = u;
        s->i++;
        return 1;
    }
    s->i += used;
    if (cp >= 0x10000) {
        out[0] = 0xD800 + (unsigned)((cp - 0x10000) >> 10);
        out[1] = 0xDC00 + (unsigned)((cp - 0x10000) & 0x3FF);
        return 2;
    }
    out[0] = (unsigned)cp;
    return 1;
}

/* Number of sink units the source yields, limited to max (whole chunks only). */
static size_t src_measure(source_t s, int sink_wide, size_t max)
{
    unsigned chunk[4];
    size_t total = 0, n;
    while ((n = src_next(&s, sink_wide, chunk)) != 0 && total + n <= max) {
        total += n;
    }
    return total;
}

static void src_emit(source_t s, sink_t *sink, size_t units)
{
    unsigned chunk[4];
    size_t done = 0, n;
    while (done < units && (n = src_next(&s, sink->wide, chunk)) != 0) {
        for (size_t k = 0; k < n; k++) {
            put_unit(sink, chunk[k]);
        }
        done += n;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Conversion specification
 * --------------------------------------------------------------------------------------------- */

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

enum size_mod {
    SZ_NONE,
    SZ_HH,
    SZ_H,    /* h: short; narrow char/string */
    SZ_L,    /* l / w: 32-bit integer; wide char/string */
    SZ_64,   /* ll, I64, I, j, z, t, q */
    SZ_I32,
    SZ_LD,   /* L: long double */
};

typedef struct {
    int flags;
    int width;      /* -1 = none */
    int precision;  /* -1 = none */
    enum size_mod size;
    unsigned conv;
} spec_t;

static void pad_and_emit_source(sink_t *sink, const spec_t *sp, source_t src)
{
    size_t max = sp->precision >= 0 ? (size_t)sp->precision : (size_t)-1;
    /* The precision also bounds how much of the source is read: "%.3s" may be given an unterminated
     * buffer of 3 characters. */
    if (src.n > max) {
        src.n = max;
    }
    size_t n = src_measure(src, sink->wide, max);
    size_t pad = (sp->width > 0 && (size_t)sp->width > n) ? (size_t)sp->width - n : 0;
    if (!(sp->flags & F_LEFT)) {
        put_repeat(sink, (sp->flags & F_ZERO) ? '0' : ' ', pad);
    }
    src_emit(src, sink, n);
    if (sp->flags & F_LEFT) {
        put_repeat(sink, ' ', pad);
    }
}

static void emit_null(sink_t *sink, const spec_t *sp)
{
    source_t src = {"(null)", 0, 0, (size_t)-1, 0};
    pad_and_emit_source(sink, sp, src);
}

/* Decides whether a c/s/Z conversion takes wide text. */
static int wants_wide(const spec_t *sp, int engine_wide)
{
    if (sp->size == SZ_H) {
        return 0;
    }
    if (sp->size == SZ_L) {
        return 1;
    }
    int natural = engine_wide;
    if (sp->conv == 'S' || sp->conv == 'C') {
        natural = !natural;
    }
    return natural;
}

static void emit_integer(sink_t *sink, const spec_t *sp, unsigned long long mag, int negative)
{
    char digits[72];
    size_t nd = 0;
    char prefix[3];
    size_t np = 0;
    unsigned base = 10;
    const char *set = "0123456789abcdef";
    switch (sp->conv) {
    case 'o':
        base = 8;
        break;
    case 'x':
        base = 16;
        break;
    case 'X':
        base = 16;
        set = "0123456789ABCDEF";
        break;
    default:
        break;
    }
    /* digits in reverse */
    char rev[72];
    size_t nr = 0;
    if (!(mag == 0 && sp->precision == 0)) {
        unsigned long long v = mag;
        do {
            rev[nr++] = set[v % base];
            v /= base;
        } while (v);
    }
    size_t min_digits = sp->precision >= 0 ? (size_t)sp->precision : 1;
    if (sp->precision == 0 && mag == 0) {
        min_digits = 0;
    }
    if (sp->conv == 'o' && (sp->flags & F_ALT) && (nr == 0 || rev[nr - 1] != '0') && min_digits <= nr) {
        min_digits = nr + 1;
    }
    if (sp->conv == 'd' || sp->conv == 'i') {
        if (negative) {
            prefix[np++] = '-';
        } else if (sp->flags & F_PLUS) {
            prefix[np++] = '+';
        } else if (sp->flags & F_SPACE) {
            prefix[np++] = ' ';
        }
    } else if ((sp->conv == 'x' || sp->conv == 'X') && (sp->flags & F_ALT) && mag != 0) {
        prefix[np++] = '0';
        prefix[np++] = (char)sp->conv;
    }
    size_t zeros = min_digits > nr ? min_digits - nr : 0;
    for (size_t k = 0; k < nr; k++) {
        digits[nd++] = rev[nr - 1 - k];
    }
    size_t body = np + zeros + nd;
    size_t pad = (sp->width > 0 && (size_t)sp->width > body) ? (size_t)sp->width - body : 0;
    if (sp->flags & F_LEFT) {
        put_ascii(sink, prefix, np);
        put_repeat(sink, '0', zeros);
        put_ascii(sink, digits, nd);
        put_repeat(sink, ' ', pad);
    } else if ((sp->flags & F_ZERO) && sp->precision < 0) {
        put_ascii(sink, prefix, np);
        put_repeat(sink, '0', zeros + pad);
        put_ascii(sink, digits, nd);
    } else {
        put_repeat(sink, ' ', pad);
        put_ascii(sink, prefix, np);
        put_repeat(sink, '0', zeros);
        put_ascii(sink, digits, nd);
    }
}

static void emit_pointer(sink_t *sink, const spec_t *sp, const void *p)
{
    static const char hex[] = "0123456789ABCDEF";
    char text[16];
    unsigned long long v = (unsigned long long)(ULONG_PTR)p;
    for (int k = 15; k >= 0; k--) {
        text[k] = hex[v & 0xF];
        v >>= 4;
    }
    size_t pad = (sp->width > 16) ? (size_t)sp->width - 16 : 0;
    if (!(sp->flags & F_LEFT)) {
        put_repeat(sink, ' ', pad);
    }
    put_ascii(sink, text, 16);
    if (sp->flags & F_LEFT) {
        put_repeat(sink, ' ', pad);
    }
}

/* Formats one floating-point value with strfromd/strfroml as "%.<prec><conv>" (or "%<conv>" when
 * prec < 0). Those are used rather than snprintf because drivers are linked with --wrap for the printf
 * family (krt/crt.h): calling snprintf here could land back in this engine. They take no flags, so
 * sign, '#' and padding are applied by the caller. */
static int float_text(char *out, size_t cap, unsigned conv, int prec, int is_ld, long double ld, double d)
{
    char fmt[24];
    size_t n = 0;
    fmt[n++] = '%';
    if (prec >= 0) {
        char digits[12];
        size_t nd = 0;
        unsigned p = (unsigned)prec;
        fmt[n++] = '.';
        do {
            digits[nd++] = (char)('0' + p % 10);
            p /= 10;
        } while (p);
        while (nd) {
            fmt[n++] = digits[--nd];
        }
    }
    fmt[n++] = (char)conv;
    fmt[n] = 0;
    return is_ld ? strfroml(out, cap, fmt, ld) : strfromd(out, cap, fmt, d);
}

static int has_digit_after_sign(const char *t)
{
    if (*t == '-') {
        t++;
    }
    return *t >= '0' && *t <= '9';
}

/* '#' for %e/%f/%a: make sure a radix point is present (before the exponent, if any). */
static size_t force_radix_point(char *t, size_t len, size_t cap, unsigned conv)
{
    if (memchr(t, '.', len) || !has_digit_after_sign(t) || len + 1 >= cap) {
        return len;
    }
    char exp_ch = (conv == 'a' || conv == 'A') ? 'p' : 'e';
    size_t at = len;
    for (size_t k = 0; k < len; k++) {
        if (t[k] == exp_ch || t[k] == exp_ch - 0x20) {
            at = k;
            break;
        }
    }
    memmove(t + at + 1, t + at, len - at + 1);
    t[at] = '.';
    return len + 1;
}

static void emit_float(sink_t *sink, const spec_t *sp, va_list *ap)
{
    char text[1100];
    int prec = sp->precision > 350 ? 350 : sp->precision;
    int is_ld = sp->size == SZ_LD;
    long double ld = 0;
    double d = 0;
    if (is_ld) {
        ld = va_arg(*ap, long double);
    } else {
        d = va_arg(*ap, double);
    }
    unsigned conv = sp->conv;
    int n;
    if ((sp->flags & F_ALT) && (conv == 'g' || conv == 'G')) {
        /* %#g keeps trailing zeros: apply the C rule for choosing between %e and %f with P significant
         * digits ourselves. */
        int P = prec < 0 ? 6 : (prec == 0 ? 1 : prec);
        n = float_text(text, sizeof text, conv == 'g' ? 'e' : 'E', P - 1, is_ld, ld, d);
        const char *e = strchr(text, conv == 'g' ? 'e' : 'E');
        if (e && has_digit_after_sign(text)) {
            int X = atoi(e + 1);
            if (X < P && X >= -4) {
                n = float_text(text, sizeof text, conv == 'g' ? 'f' : 'F', P - 1 - X, is_ld, ld, d);
            }
        }
        if (n >= 0) {
            size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
            n = (int)force_radix_point(text, len, sizeof text, conv == 'g' ? 'e' : 'E');
        }
    } else {
        n = float_text(text, sizeof text, conv, prec, is_ld, ld, d);
        if (n >= 0 && (sp->flags & F_ALT) && conv != 'g' && conv != 'G') {
            size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
            n = (int)force_radix_point(text, len, sizeof text, conv);
        }
    }
    if (n < 0) {
        return;
    }
    size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
    char sign = 0;
    if (text[0] != '-') {
        if (sp->flags & F_PLUS) {
            sign = '+';
        } else if (sp->flags & F_SPACE) {
            sign = ' ';
        }
    }
    size_t total = len + (sign ? 1 : 0);
    size_t pad = (sp->width > 0 && (size_t)sp->width > total) ? (size_t)sp->width - total : 0;
    if (sp->flags & F_LEFT) {
        if (sign) {
            put_unit(sink, (unsigned char)sign);
        }
        put_ascii(sink, text, len);
        put_repeat(sink, ' ', pad);
        return;
    }
    /* Zero padding goes after any sign and "0x" prefix, and only for finite values. */
    size_t lead = text[0] == '-' ? 1 : 0;
    if ((conv == 'a' || conv == 'A') && len >= lead + 2 && text[lead] == '0' &&
        (text[lead + 1] == 'x' || text[lead + 1] == 'X')) {
        lead += 2;
    }
    int finite = has_digit_after_sign(text);
    if ((sp->flags & F_ZERO) && finite) {
        if (sign) {
            put_unit(sink, (unsigned char)sign);
        }
        put_ascii(sink, text, lead);
        put_repeat(sink, '0', pad);
        put_ascii(sink, text + lead, len - lead);
    } else {
        put_repeat(sink, ' ', pad);
        if (sign) {
            put_unit(sink, (unsigned char)sign);
        }
        put_ascii(sink, text, len);
    }
}

static unsigned fmt_at(const void *fmt, int wide, size_t i)
{
    return wide ? (unsigned)((const WCHAR *)fmt)[i] : (unsigned)((const unsigned char *)fmt)[i];
}

static void format_engine(sink_t *sink, const void *fmt, int fmt_wide, va_list *ap)
{
    size_t i = 0;
    unsigned c;
    while ((c = fmt_at(fmt, fmt_wide, i)) != 0) {
        if (c != '%') {
            put_unit(sink, c);
            i++;
            continue;
        }
        size_t start = i++;
        spec_t sp = {0, -1, -1, SZ_NONE, 0};

        /* flags */
        for (;; i++) {
            c = fmt_at(fmt, fmt_wide, i);
            if (c == '-') {
                sp.flags |= F_LEFT;
            } else if (c == '+') {
                sp.flags |= F_PLUS;
            } else if (c == ' ') {
                sp.flags |= F_SPACE;
            } else if (c == '#') {
                sp.flags |= F_ALT;
            } else if (c == '0') {
                sp.flags |= F_ZERO;
            } else {
                break;
            }
        }
        /* width */
        if (c == '*') {
            int w = va_arg(*ap, int);
            if (w < 0) {
                sp.flags |= F_LEFT;
                w = (w == INT_MIN) ? INT_MAX : -w;
            }
            sp.width = w;
            c = fmt_at(fmt, fmt_wide, ++i);
        } else {
            while (c >= '0' && c <= '9') {
                long long w = (sp.width < 0 ? 0 : sp.width) * 10LL + (c - '0');
                sp.width = w > INT_MAX ? INT_MAX : (int)w;
                c = fmt_at(fmt, fmt_wide, ++i);
            }
        }
        /* precision */
        if (c == '.') {
            c = fmt_at(fmt, fmt_wide, ++i);
            if (c == '*') {
                int p = va_arg(*ap, int);
                sp.precision = p < 0 ? -1 : p;
                c = fmt_at(fmt, fmt_wide, ++i);
            } else {
                sp.precision = 0;
                while (c >= '0' && c <= '9') {
                    long long p = sp.precision * 10LL + (c - '0');
                    sp.precision = p > INT_MAX ? INT_MAX : (int)p;
                    c = fmt_at(fmt, fmt_wide, ++i);
                }
            }
        }
        /* size prefix */
        switch (c) {
        case 'h':
            sp.size = SZ_H;
            c = fmt_at(fmt, fmt_wide, ++i);
            if (c == 'h') {
                sp.size = SZ_HH;
                c = fmt_at(fmt, fmt_wide, ++i);
            }
            break;
        case 'l':
            sp.size = SZ_L;
            c = fmt_at(fmt, fmt_wide, ++i);
            if (c == 'l') {
                sp.size = SZ_64;
                c = fmt_at(fmt, fmt_wide, ++i);
            }
            break;
        case 'w':
            sp.size = SZ_L;
            c = fmt_at(fmt, fmt_wide, ++i);
            break;
        case 'L':
            sp.size = SZ_LD;
            c = fmt_at(fmt, fmt_wide, ++i);
            break;
        case 'j':
        case 'z':
        case 't':
        case 'q':
            sp.size = SZ_64;
            c = fmt_at(fmt, fmt_wide, ++i);
            break;
        case 'I':
            if (fmt_at(fmt, fmt_wide, i + 1) == '6' && fmt_at(fmt, fmt_wide, i + 2) == '4') {
                sp.size = SZ_64;
                i += 3;
            } else if (fmt_at(fmt, fmt_wide, i + 1) == '3' && fmt_at(fmt, fmt_wide, i + 2) == '2') {
                sp.size = SZ_I32;
                i += 3;
            } else {
                sp.size = SZ_64; /* pointer-sized on x64 */
                i += 1;
            }
            c = fmt_at(fmt, fmt_wide, i);
            break;
        default:
            break;
        }
        sp.conv = c;
        if (c == 0) {
            /* Incomplete specification at the end of the format: print it as text. */
            for (size_t k = start; k < i; k++) {
                put_unit(sink, fmt_at(fmt, fmt_wide, k));
            }
            break;
        }
        i++;

        switch (c) {
        case '%':
            put_unit(sink, '%');
            break;
        case 'd':
        case 'i': {
            long long v;
            if (sp.size == SZ_64 || sp.size == SZ_LD) {
                v = va_arg(*ap, long long);
            } else {
                int iv = va_arg(*ap, int);
                if (sp.size == SZ_H) {
                    iv = (short)iv;
                } else if (sp.size == SZ_HH) {
                    iv = (signed char)iv;
                }
                v = iv;
            }
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            emit_integer(sink, &sp, mag, v < 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            unsigned long long v;
            if (sp.size == SZ_64 || sp.size == SZ_LD) {
                v = va_arg(*ap, unsigned long long);
            } else {
                unsigned uv = va_arg(*ap, unsigned);
                if (sp.size == SZ_H) {
                    uv = (unsigned short)uv;
                } else if (sp.size == SZ_HH) {
                    uv = (unsigned char)uv;
                }
                v = uv;
            }
            emit_integer(sink, &sp, v, 0);
            break;
        }
        case 'p':
            emit_pointer(sink, &sp, va_arg(*ap, void *));
            break;
        case 'c':
        case 'C': {
            int v = va_arg(*ap, int);
            spec_t one = sp;
            one.precision = -1;
            if (wants_wide(&sp, sink->wide)) {
                WCHAR w = (WCHAR)v;
                source_t src = {&w, 1, 1, 1, 0};
                pad_and_emit_source(sink, &one, src);
            } else {
                unsigned char b = (unsigned char)v;
                source_t src = {&b, 0, 1, 1, 0};
                pad_and_emit_source(sink, &one, src);
            }
            break;
        }
        case 's':
        case 'S': {
            const void *p = va_arg(*ap, const void *);
            if (!p) {
                emit_null(sink, &sp);
            } else {
                source_t src = {p, wants_wide(&sp, sink->wide), 0, (size_t)-1, 0};
                pad_and_emit_source(sink, &sp, src);
            }
            break;
        }
        case 'Z': {
            /* UNICODE_STRING and ANSI_STRING share the layout {USHORT Length, USHORT MaximumLength, Buffer}. */
            const void *p = va_arg(*ap, const void *);
            int wide = wants_wide(&sp, sink->wide);
            if (!p) {
                emit_null(sink, &sp);
            } else if (wide) {
                const UNICODE_STRING *us = (const UNICODE_STRING *)p;
                if (!us->Buffer) {
                    emit_null(sink, &sp);
                } else {
                    source_t src = {us->Buffer, 1, 1, us->Length / sizeof(WCHAR), 0};
                    pad_and_emit_source(sink, &sp, src);
                }
            } else {
                const STRING *as = (const STRING *)p;
                if (!as->Buffer) {
                    emit_null(sink, &sp);
                } else {
                    source_t src = {as->Buffer, 0, 1, as->Length, 0};
                    pad_and_emit_source(sink, &sp, src);
                }
            }
            break;
        }
        case 'n':
            (void)va_arg(*ap, void *);
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            emit_float(sink, &sp, ap);
            break;
        default:
            /* Unknown conversion: print the specification as text. */
            for (size_t k = start; k < i; k++) {
                put_unit(sink, fmt_at(fmt, fmt_wide, k));
            }
            break;
        }
    }
}

static int clamp_len(size_t n)
{
    return n > (size_t)INT_MAX ? INT_MAX : (int)n;
}

static int run(void *out, size_t cap, int terminate, const void *fmt, int wide, va_list ap)
{
    sink_t sink = {wide, out, 0, 0};
    va_list copy;
    if (terminate) {
        sink.cap = cap ? cap - 1 : 0;
    } else {
        sink.cap = cap;
    }
    if (!out) {
        sink.cap = 0;
    }
    va_copy(copy, ap);
    if (fmt) {
        format_engine(&sink, fmt, wide, &copy);
    }
    va_end(copy);
    if (terminate && out && cap > 0) {
        size_t at = sink.len < sink.cap ? sink.len : sink.cap;
        if (wide) {
            ((WCHAR *)out)[at] = 0;
        } else {
            ((char *)out)[at] = 0;
        }
    }
    return clamp_len(sink.len);
}

int KrtFormatA(char *out, size_t cap, const char *fmt, va_list ap)
{
    return run(out, cap, 1, fmt, 0, ap);
}

int KrtFormatW(WCHAR *out, size_t capChars, const WCHAR *fmt, va_list ap)
{
    return run(out, capChars, 1, fmt, 1, ap);
}

int KrtFormatCountedA(char *out, size_t cap, const char *fmt, va_list ap)
{
    return run(out, cap, 0, fmt, 0, ap);
}

int KrtFormatCountedW(WCHAR *out, size_t capChars, const WCHAR *fmt, va_list ap)
{
    return run(out, capChars, 0, fmt, 1, ap);
}

int KrtSnprintfA(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = KrtFormatA(out, cap, fmt, ap);
    va_end(ap);
    return n;
}

int KrtSnprintfW(WCHAR *out, size_t capChars, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = KrtFormatW(out, capChars, fmt, ap);
    va_end(ap);
    return n;
}
