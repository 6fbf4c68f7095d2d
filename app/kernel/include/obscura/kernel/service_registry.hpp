#pragma once
// A typed registry where one module offers a small interface that another uses without depending on it
// (images registers UsageProvider, auth's admin listing reads it).
#include <memory>
#include <mutex>
#include <typeindex>
#include <unordered_map>

namespace obscura {

class ServiceRegistry {
public:
    template <typename I>
    void put(std::shared_ptr<I> service) {
        std::lock_guard lock(mu_);
        items_[std::type_index(typeid(I))] = std::static_pointer_cast<void>(std::move(service));
    }
    // nullptr when nobody registered I (yet).
    template <typename I>
    std::shared_ptr<I> find() const {
        std::lock_guard lock(mu_);
        auto it = items_.find(std::type_index(typeid(I)));
        return it == items_.end() ? nullptr : std::static_pointer_cast<I>(it->second);
    }

private:
    mutable std::mutex mu_;
    std::unordered_map<std::type_index, std::shared_ptr<void>> items_;
};

}  // namespace obscura
