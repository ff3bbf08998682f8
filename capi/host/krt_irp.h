/* krt_irp.h - IRP ownership marks used by providers so that misuse of a pending IRP is diagnosed. */
#ifndef WSKNS3_KRT_IRP_H
#define WSKNS3_KRT_IRP_H

#include <wdm.h>

#ifdef __cplusplus
extern "C" {
#endif

void KrtIrpMarkOwned(PIRP Irp, const char *call); /* `call` must be a string literal */
void KrtIrpClearOwned(PIRP Irp);
const char *KrtIrpOwner(PIRP Irp);

#ifdef __cplusplus
}
#endif

#endif /* WSKNS3_KRT_IRP_H */
