/* driver-parameters.cc - parsing the "Parameters" attribute (see driver-parameters.h). */
#include "driver-parameters.h"

#include <cctype>

namespace ns3 {
namespace wsk {

namespace {

std::string
Trim(const std::string& s)
{
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        b++;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        e--;
    return s.substr(b, e - b);
}

/* Decimal or 0x-hex digits only (no sign), at most 0xFFFFFFFF. */
bool
ParseDword(const std::string& s, uint32_t& out)
{
    bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    size_t i = hex ? 2 : 0;
    if (i >= s.size())
        return false;
    uint64_t v = 0;
    for (; i < s.size(); i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int d;
        if (std::isdigit(c))
            d = c - '0';
        else if (hex && std::isxdigit(c))
            d = std::tolower(c) - 'a' + 10;
        else
            return false;
        v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
        if (v > 0xFFFFFFFFull)
            return false;
    }
    out = static_cast<uint32_t>(v);
    return true;
}

bool
SameName(const std::string& a, const std::string& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

bool
ParseDriverParameters(const std::string& text, std::vector<DriverParameter>& out, std::string& error)
{
    out.clear();
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(';', start);
        if (end == std::string::npos)
            end = text.size();
        std::string entry = text.substr(start, end - start);
        start = end + 1;
        if (Trim(entry).empty())
            continue;
        size_t eq = entry.find('=');
        if (eq == std::string::npos) {
            error = "entry '" + Trim(entry) + "' has no '=' (expected Name=Value;Name2=Value2)";
            return false;
        }
        DriverParameter p;
        p.name = Trim(entry.substr(0, eq));
        p.text = Trim(entry.substr(eq + 1));
        if (p.name.empty()) {
            error = "entry '" + Trim(entry) + "' has an empty name";
            return false;
        }
        for (const auto& q : out) {
            if (SameName(q.name, p.name)) {
                error = "entry '" + Trim(entry) + "' repeats the name '" + q.name +
                        "' (registry value names are case-insensitive)";
                return false;
            }
        }
        p.dword = 0;
        p.isDword = ParseDword(p.text, p.dword);
        out.push_back(p);
    }
    return true;
}

} // namespace wsk
} // namespace ns3
