/*
 * krt/crt.h - the C runtime subset that ntoskrnl exports to drivers (part of wdm.h).
 *
 * Memory and narrow-string functions are glibc's (same semantics). Wide-string functions and the printf
 * family differ (16-bit WCHAR; Microsoft format specifiers where %ld is 32-bit): wsk_add_driver links
 * drivers with --wrap for those names, so a driver's calls reach this runtime's versions while the rest
 * of the process keeps glibc's.
 */
#ifndef WSKNS3_KRT_CRT_H
#define WSKNS3_KRT_CRT_H

#include <ntdef.h>
#include <stdarg.h>
#include <string.h>

EXTERN_C_START

#ifndef __cplusplus /* C++ translation units get glibc's declarations (with their exception specifications) */
size_t wcslen(const WCHAR *s);
size_t wcsnlen(const WCHAR *s, size_t maxCount);
WCHAR *wcscpy(WCHAR *d, const WCHAR *s);
WCHAR *wcsncpy(WCHAR *d, const WCHAR *s, size_t n);
WCHAR *wcscat(WCHAR *d, const WCHAR *s);
WCHAR *wcsncat(WCHAR *d, const WCHAR *s, size_t n);
int wcscmp(const WCHAR *a, const WCHAR *b);
int wcsncmp(const WCHAR *a, const WCHAR *b, size_t n);
WCHAR *wcschr(const WCHAR *s, WCHAR c);
WCHAR *wcsrchr(const WCHAR *s, WCHAR c);
WCHAR *wcsstr(const WCHAR *s, const WCHAR *sub);
int sprintf(char *buf, const char *fmt, ...);
int snprintf(char *buf, size_t count, const char *fmt, ...);
int vsprintf(char *buf, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t count, const char *fmt, va_list ap);
#else
}
#include <cwchar>
#include <cstdio>
extern "C" {
#endif
int _wcsicmp(const WCHAR *a, const WCHAR *b);
int _wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n);
int _stricmp(const char *a, const char *b);
int _strnicmp(const char *a, const char *b, size_t n);
int _snprintf(char *buf, size_t count, const char *fmt, ...);
int _vsnprintf(char *buf, size_t count, const char *fmt, va_list ap);
int _snwprintf(WCHAR *buf, size_t count, const WCHAR *fmt, ...);
int _vsnwprintf(WCHAR *buf, size_t count, const WCHAR *fmt, va_list ap);
#define _stricmp _stricmp
#define _wcsicmp _wcsicmp
#define stricmp _stricmp
#define strnicmp _strnicmp

EXTERN_C_END

#endif /* WSKNS3_KRT_CRT_H */
