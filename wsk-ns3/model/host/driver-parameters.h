/*
 * driver-parameters.h - the text of WskDriverApp's "Parameters" attribute ("Name=Value;Name2=Value2"),
 * parsed into the values a driver finds under <RegistryPath>\Parameters.
 */
#ifndef WSKNS3_DRIVER_PARAMETERS_H
#define WSKNS3_DRIVER_PARAMETERS_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3 {
namespace wsk {

struct DriverParameter
{
    std::string name;
    bool isDword;       //!< REG_DWORD (value in `dword`), else REG_SZ (value in `text`)
    uint32_t dword;
    std::string text;
};

/* Entries are separated by ';' and split at their first '='; whitespace around names and values is
 * trimmed and empty entries are skipped. A value that is a decimal or 0x-hexadecimal number fitting in
 * 32 bits becomes REG_DWORD, anything else REG_SZ. An entry without '=', an empty name or a name given
 * twice (case-insensitively, as the registry compares) makes it return false with `error` naming the
 * entry. */
bool ParseDriverParameters(const std::string& text, std::vector<DriverParameter>& out, std::string& error);

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_DRIVER_PARAMETERS_H */
