#pragma once
// Storage calls that answer a value: the lambda returns Expected<T> and so does the call, instead of
// smuggling the value out through a captured local.
//
//   OBSCURA_TRY(keys, withRepos(storage, [&](storage::Repositories& r) { return r.auth().listApiKeys(id); }));
//   OBSCURA_TRY(job, inTransaction(storage, [&](storage::Repositories& r) -> Expected<JobRecord> { … }));
//
// withRepos is Storage::run (each statement commits by itself: reads and single-statement writes);
// inTransaction is Storage::transaction (all or nothing: the value is returned only once it has committed).
// A lambda returning Status gives a Status. Header-only over the plugin API: no ABI change.
#include <optional>
#include <type_traits>
#include <utility>

#include "obscura/base/expected.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {

namespace storage_calls_detail {

template <typename T>
struct IsExpected : std::false_type {};
template <typename T>
struct IsExpected<Expected<T>> : std::true_type {};

template <typename Fn>
using Result = std::invoke_result_t<Fn&, storage::Repositories&>;

template <typename Fn>
Result<Fn> call(storage::Storage& storage, bool transaction, Fn& fn) {
    using R = Result<Fn>;
    static_assert(IsExpected<R>::value, "the lambda must return an Expected<T> (or a Status)");
    if constexpr (std::is_same_v<R, Status>) {
        const storage::RepoFn body = [&fn](storage::Repositories& repos) -> Status { return fn(repos); };
        return transaction ? storage.transaction(body) : storage.run(body);
    } else {
        // A plugin may run the lambda again (a retried transaction): the last run's value is the one kept.
        std::optional<R> out;
        const storage::RepoFn body = [&](storage::Repositories& repos) -> Status {
            out.emplace(fn(repos));
            if (!*out) return out->error();
            return {};
        };
        Status status = transaction ? storage.transaction(body) : storage.run(body);
        if (!status) return std::move(status).error();
        if (!out) return internalError("the storage call returned without running its lambda");
        return std::move(*out);
    }
}

}  // namespace storage_calls_detail

template <typename Fn>
storage_calls_detail::Result<Fn> withRepos(storage::Storage& storage, Fn&& fn) {
    return storage_calls_detail::call(storage, false, fn);
}

template <typename Fn>
storage_calls_detail::Result<Fn> inTransaction(storage::Storage& storage, Fn&& fn) {
    return storage_calls_detail::call(storage, true, fn);
}

}  // namespace obscura
