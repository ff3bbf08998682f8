/* completion-mode.h - which WskProvider CompletionMode the tests run under. ctest runs the provider suites
 * once per mode (labels completion-windows, completion-inline, completion-random) by setting ns-3's own
 * NS_ATTRIBUTE_DEFAULT=ns3::WskProvider::CompletionMode=MODE; a test that checks what a call *returned*
 * asks here what to expect. */
#ifndef WSKNS3_TEST_COMPLETION_MODE_H
#define WSKNS3_TEST_COMPLETION_MODE_H

#include "wsk-provider-object.h"

#include "ns3/object.h"

#include <string>

namespace wsktest {

inline ns3::WskProvider::CompletionMode
CompletionModeUnderTest()
{
    return ns3::CreateObject<ns3::WskProvider>()->GetCompletionMode();
}

/* What a call whose IRP completes with `status` may return under the mode: a request finished at once
 * pends in windows mode, a validation failure (`refusal`) is returned in windows and inline modes; random
 * mode allows both. Returns "A" or "A|B" ("0x00000103|0xC000000D"). */
inline std::string
ExpectedReturn(const std::string& status, bool refusal)
{
    const std::string pending = "0x00000103";
    switch (CompletionModeUnderTest()) {
    case ns3::WskProvider::COMPLETION_INLINE:
        return status;
    case ns3::WskProvider::COMPLETION_RANDOM:
        return pending + "|" + status;
    case ns3::WskProvider::COMPLETION_WINDOWS:
    default:
        return refusal ? status : pending;
    }
}

/* True if `text` holds `before + X + after` for one X of the "A|B" alternatives. */
inline bool
HasWithReturn(const std::string& text, const std::string& before, const std::string& alternatives,
              const std::string& after)
{
    size_t from = 0;
    while (from <= alternatives.size()) {
        size_t bar = alternatives.find('|', from);
        std::string one = alternatives.substr(from, bar == std::string::npos ? std::string::npos : bar - from);
        if (text.find(before + one + after) != std::string::npos)
            return true;
        if (bar == std::string::npos)
            break;
        from = bar + 1;
    }
    return false;
}

} // namespace wsktest

#endif
