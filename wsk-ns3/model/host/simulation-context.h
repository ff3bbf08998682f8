/*
 * simulation-context.h - what wsk-ns3 keeps per simulation rather than per node: the simulated name
 * service, latency records and the host latency model, the driver applications of the run, the TCP socket
 * prototype. ns-3 runs one simulation at a time in a process; a context lives from the first use in a
 * simulation until the first use after that simulation's Simulator::Destroy, which starts a fresh one, so
 * two simulations built one after the other never see each other's state and nobody resets anything by
 * hand. Results stay readable after Simulator::Destroy until the next simulation starts using wsk-ns3.
 */
#ifndef WSKNS3_SIMULATION_CONTEXT_H
#define WSKNS3_SIMULATION_CONTEXT_H

#include <map>
#include <memory>
#include <typeindex>

namespace ns3 {
namespace wsk {

class SimulationContext
{
  public:
    /* The part of type T of the current simulation's context, default-constructed on first use. */
    template <class T>
    static T& Get()
    {
        /* hot paths (latency records) ask often: the last answer is kept per part type, per generation */
        static struct
        {
            unsigned generation = 0;
            T* part = nullptr;
        } last;
        SimulationContext& c = Current();
        if (last.part != nullptr && last.generation == c.m_generation) {
            return *last.part;
        }
        auto it = c.m_parts.find(std::type_index(typeid(T)));
        if (it == c.m_parts.end()) {
            it = c.m_parts.emplace(std::type_index(typeid(T)), std::make_shared<Part<T>>()).first;
        }
        last.generation = c.m_generation;
        last.part = &static_cast<Part<T>*>(it->second.get())->value;
        return *last.part;
    }

    /* The part of type T of the current simulation, or NULL if it has none or the simulation has ended
     * (Simulator::Destroy ran): for code that runs after the end (destructors) and must not start a new one. */
    template <class T>
    static T* Find()
    {
        SimulationContext* c = Live();
        if (c == nullptr) {
            return nullptr;
        }
        auto it = c->m_parts.find(std::type_index(typeid(T)));
        return it == c->m_parts.end() ? nullptr : &static_cast<Part<T>*>(it->second.get())->value;
    }

    /* How many contexts this process has started (one per simulation that used wsk-ns3): for tests. */
    static unsigned Generation();

  private:
    struct PartBase
    {
        virtual ~PartBase() = default;
    };
    template <class T>
    struct Part : PartBase
    {
        T value{};
    };

    static SimulationContext& Current();
    static SimulationContext* Live(); /* the current context unless it has ended */
    static void Ended();

    std::map<std::type_index, std::shared_ptr<PartBase>> m_parts;
    unsigned m_generation = 0;
    bool m_ended = false;
    bool m_endDeferred = false;
};

} // namespace wsk
} // namespace ns3

#endif /* WSKNS3_SIMULATION_CONTEXT_H */
