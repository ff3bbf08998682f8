/*
 * crt.c - the kernel C runtime functions whose Windows meaning differs from glibc's: 16-bit wide strings
 * and Microsoft printf formats. Drivers reach the __wrap_ versions through the linker's --wrap option
 * (see wsk_add_driver); the Microsoft-only names are exported directly.
 */
#include "krt_internal.h"
#include "krt_format.h"

static WCHAR KrtWUpper(WCHAR c) { return (c >= 'a' && c <= 'z') ? (WCHAR)(c - 32) : c; }
static int KrtUpper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

size_t __wrap_wcslen(const WCHAR *s) { return KrtWcsLen(s); }

size_t __wrap_wcsnlen(const WCHAR *s, size_t maxCount)
{
    size_t n = 0;
    while (n < maxCount && s[n])
        n++;
    return n;
}

WCHAR *__wrap_wcscpy(WCHAR *d, const WCHAR *s)
{
    WCHAR *r = d;
    while ((*d++ = *s++) != 0) {
    }
    return r;
}

WCHAR *__wrap_wcsncpy(WCHAR *d, const WCHAR *s, size_t n)
{
    size_t i = 0;
    for (; i < n && s[i]; i++)
        d[i] = s[i];
    for (; i < n; i++)
        d[i] = 0;
    return d;
}

WCHAR *__wrap_wcscat(WCHAR *d, const WCHAR *s)
{
    __wrap_wcscpy(d + KrtWcsLen(d), s);
    return d;
}

WCHAR *__wrap_wcsncat(WCHAR *d, const WCHAR *s, size_t n)
{
    WCHAR *p = d + KrtWcsLen(d);
    size_t i = 0;
    for (; i < n && s[i]; i++)
        p[i] = s[i];
    p[i] = 0;
    return d;
}

int __wrap_wcscmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)*a - (int)*b;
}

int __wrap_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == 0)
            return (int)a[i] - (int)b[i];
    }
    return 0;
}

WCHAR *__wrap_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return (WCHAR *)s;
        if (*s == 0)
            return NULL;
    }
}

WCHAR *__wrap_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;
    for (;; s++) {
        if (*s == c)
            last = s;
        if (*s == 0)
            return (WCHAR *)last;
    }
}

WCHAR *__wrap_wcsstr(const WCHAR *s, const WCHAR *sub)
{
    size_t n = KrtWcsLen(sub);
    if (n == 0)
        return (WCHAR *)s;
    for (; *s; s++)
        if (__wrap_wcsncmp(s, sub, n) == 0)
            return (WCHAR *)s;
    return NULL;
}

int _wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        WCHAR x = KrtWUpper(a[i]), y = KrtWUpper(b[i]);
        if (x != y || x == 0)
            return (int)x - (int)y;
    }
    return 0;
}

int _wcsicmp(const WCHAR *a, const WCHAR *b) { return _wcsnicmp(a, b, (size_t)-1); }

int _strnicmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = KrtUpper((unsigned char)a[i]), y = KrtUpper((unsigned char)b[i]);
        if (x != y || x == 0)
            return x - y;
    }
    return 0;
}

int _stricmp(const char *a, const char *b) { return _strnicmp(a, b, (size_t)-1); }

/* Microsoft _snprintf: returns -1 and leaves the buffer unterminated when the output does not fit. */
int _vsnprintf(char *buf, size_t count, const char *fmt, va_list ap)
{
    char tmp[4096];
    int n = KrtFormatA(tmp, sizeof tmp, fmt, ap);
    size_t len = (n < 0) ? 0 : (size_t)n;
    if (len > sizeof tmp - 1)
        len = sizeof tmp - 1;
    if (len > count) {
        memcpy(buf, tmp, count);
        return -1;
    }
    memcpy(buf, tmp, len);
    if (len < count)
        buf[len] = 0;
    return (int)len;
}

int _snprintf(char *buf, size_t count, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = _vsnprintf(buf, count, fmt, ap);
    va_end(ap);
    return r;
}

int _vsnwprintf(WCHAR *buf, size_t count, const WCHAR *fmt, va_list ap)
{
    WCHAR tmp[2048];
    int n = KrtFormatW(tmp, RTL_NUMBER_OF(tmp), fmt, ap);
    size_t len = (n < 0) ? 0 : (size_t)n;
    if (len > RTL_NUMBER_OF(tmp) - 1)
        len = RTL_NUMBER_OF(tmp) - 1;
    if (len > count) {
        memcpy(buf, tmp, count * sizeof(WCHAR));
        return -1;
    }
    memcpy(buf, tmp, len * sizeof(WCHAR));
    if (len < count)
        buf[len] = 0;
    return (int)len;
}

int _snwprintf(WCHAR *buf, size_t count, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = _vsnwprintf(buf, count, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_vsnprintf(char *buf, size_t count, const char *fmt, va_list ap) { return KrtFormatA(buf, count, fmt, ap); }

int __wrap_snprintf(char *buf, size_t count, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = KrtFormatA(buf, count, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_vsprintf(char *buf, const char *fmt, va_list ap) { return KrtFormatA(buf, (size_t)1 << 30, fmt, ap); }

int __wrap_sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = KrtFormatA(buf, (size_t)1 << 30, fmt, ap);
    va_end(ap);
    return r;
}
