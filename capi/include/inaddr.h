/*
 * inaddr.h - the IPv4 address type as Windows lays it out.
 *
 * The address is always kept in network byte order; the union only offers byte, 16-bit and 32-bit
 * views of the same four bytes. The s_* macros are the historical BSD-style member names that
 * Windows code still uses (addr.s_addr, addr.s_net ...).
 */
#ifndef WSKNS3_INADDR_H
#define WSKNS3_INADDR_H

#include <ntdef.h>

typedef struct in_addr {
    union {
        struct {
            UCHAR s_b1, s_b2, s_b3, s_b4;
        } S_un_b;
        struct {
            USHORT s_w1, s_w2;
        } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

#define s_addr S_un.S_addr      /* whole address, network order */
#define s_host S_un.S_un_b.s_b2 /* host on imp */
#define s_net S_un.S_un_b.s_b1  /* network */
#define s_imp S_un.S_un_w.s_w2  /* imp */
#define s_impno S_un.S_un_b.s_b4
#define s_lh S_un.S_un_b.s_b3 /* logical host */

#endif /* WSKNS3_INADDR_H */
