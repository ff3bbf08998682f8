/* wsk-driver-helper.h - installs a WSK client driver (one private instance per node) on nodes. */
#ifndef WSKNS3_WSK_DRIVER_HELPER_H
#define WSKNS3_WSK_DRIVER_HELPER_H

#include "ns3/application-container.h"
#include "ns3/attribute.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3 {

class WskDriverHelper
{
  public:
    explicit WskDriverHelper(const std::string& driverPath);
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /* An Attribute of the nodes' WskProvider (ns3::WskProvider: CompletionMode, CompletionSeed), applied by
     * Install to the provider it aggregates to each node (or finds there). */
    void SetProviderAttribute(const std::string& name, const AttributeValue& value);
    ApplicationContainer Install(NodeContainer nodes) const;
    ApplicationContainer Install(Ptr<Node> node) const;

    /* Sum of driver errors over every driver application in the process (load failures, misuse, leaks). */
    static uint32_t TotalDriverErrors();
    /* One line per driver application with a problem; empty when all is well. */
    static std::string ErrorSummary();
    /* Tells the WSK provider that `node`'s local address list changed (after the scenario added or removed
     * an address): pending SIO_ADDRESS_LIST_CHANGE requests of its sockets complete. Returns how many did. */
    static size_t NotifyAddressListChange(Ptr<Node> node);

  private:
    ObjectFactory m_factory;
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_providerAttributes;
};

} // namespace ns3

#endif /* WSKNS3_WSK_DRIVER_HELPER_H */
