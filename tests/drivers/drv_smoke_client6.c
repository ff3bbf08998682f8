/* The smoke-test client over IPv6 (2001:db8::2, port 40007). */
#define SMOKE_IPV6 1
#include "drv_smoke_client.c"
