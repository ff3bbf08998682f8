/*
 * seed_app.h - what the seed page's samples leave to "the application": its binding-context type and the
 * bodies it elides with '...'. Nothing here changes the samples themselves.
 */
#ifndef WSKNS3_SEED_APP_H
#define WSKNS3_SEED_APP_H

#include <ntddk.h>
#include <wsk.h>

/* The application's binding context, as the static-callback sample uses it. */
typedef struct _WSK_APP_BINDING_CONTEXT {
    PWSK_CLIENT WskClient;
    const WSK_PROVIDER_DISPATCH *WskProviderDispatch;
} WSK_APP_BINDING_CONTEXT, *PWSK_APP_BINDING_CONTEXT;

/* The page declares SetStaticEventCallbacks with a trailing comma in its parameter list, which no C
 * compiler accepts; this macro absorbs that empty parameter so the sample compiles as printed. */
#define SetStaticEventCallbacks(Parameter, ...) SetStaticEventCallbacks(Parameter)

/* Bodies of the '...' in DisableDisconnectComplete. */
void SeedAppNextOperation(PWSK_SOCKET Socket);
void SeedAppHandleError(PIRP Irp);

/* The samples as functions the test harness calls. */
NTSTATUS EnableDisconnectAndRecieveCallbacks(PWSK_SOCKET Socket);
NTSTATUS DisableDisconnectCallback(PWSK_SOCKET Socket);
NTSTATUS SetStaticEventCallbacks(PWSK_APP_BINDING_CONTEXT BindingContext);

#endif
