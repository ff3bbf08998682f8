/*
 * mstcpip.h - Microsoft TCP/IP vendor extensions: the per-connection keep-alive parameters and the
 * vendor-class socket IOCTLs (IOC_VENDOR) that WSK clients may pass to WskControlSocket(WskIoctl).
 */
#ifndef WSKNS3_MSTCPIP_H
#define WSKNS3_MSTCPIP_H

#include <ntdef.h>
#include <ws2def.h>

/* Input of SIO_KEEPALIVE_VALS; both times are in milliseconds. */
struct tcp_keepalive {
    ULONG onoff;
    ULONG keepalivetime;     /* idle time before the first probe */
    ULONG keepaliveinterval; /* time between unanswered probes */
};

#define SIO_RCVALL _WSAIOW(IOC_VENDOR, 1)
#define SIO_RCVALL_MCAST _WSAIOW(IOC_VENDOR, 2)
#define SIO_RCVALL_IGMPMCAST _WSAIOW(IOC_VENDOR, 3)
#define SIO_KEEPALIVE_VALS _WSAIOW(IOC_VENDOR, 4)
#define SIO_ABSORB_RTRALERT _WSAIOW(IOC_VENDOR, 5)
#define SIO_UCAST_IF _WSAIOW(IOC_VENDOR, 6)
#define SIO_LIMIT_BROADCASTS _WSAIOW(IOC_VENDOR, 7)
#define SIO_INDEX_BIND _WSAIOW(IOC_VENDOR, 8)
#define SIO_INDEX_MCASTIF _WSAIOW(IOC_VENDOR, 9)
#define SIO_INDEX_ADD_MCAST _WSAIOW(IOC_VENDOR, 10)
#define SIO_INDEX_DEL_MCAST _WSAIOW(IOC_VENDOR, 11)
#define SIO_RCVALL_MCAST_IF _WSAIOW(IOC_VENDOR, 13)
#define SIO_RCVALL_IF _WSAIOW(IOC_VENDOR, 14)
/* Deprecated loopback shortcut; both ends must set it before connect/accept. */
#define SIO_LOOPBACK_FAST_PATH _WSAIOW(IOC_VENDOR, 16)

/* SIO_RCVALL input values. */
typedef enum {
    RCVALL_OFF = 0,
    RCVALL_ON = 1,
    RCVALL_SOCKETLEVELONLY = 2,
    RCVALL_IPLEVEL = 3
} RCVALL_VALUE, *PRCVALL_VALUE;

#include <ip2string.h> /* the documented header for the RtlIpv* conversions */

#endif /* WSKNS3_MSTCPIP_H */
