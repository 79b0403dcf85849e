#include "src/base/log_events.hpp"

#include <array>

#include "src/base/petsc_check.hpp"

namespace dnmf {
namespace {

constexpr std::array<const char*, static_cast<size_t>(LogEvent::count_)> kNames = {
    "list", "read", "tokenize",  "vocabulary",    "weight",    "write",  "V*Ht",
    "Vt*W", "Gram", "Allreduce", "ReduceScatter", "Allgather", "Update", "Error"};

// Registered on first use, after PetscInitialize, all at once and in a fixed order.
const std::array<PetscLogEvent, kNames.size()>& registered_events() {
  static const auto events = [] {
    std::array<PetscLogEvent, kNames.size()> ids{};
    PetscClassId class_id = 0;
    petsc_check(PetscClassIdRegister("dnmf", &class_id), "PetscClassIdRegister");
    for (size_t i = 0; i < kNames.size(); ++i)
      petsc_check(PetscLogEventRegister(kNames[i], class_id, &ids[i]), "PetscLogEventRegister");
    return ids;
  }();
  return events;
}

}  // namespace

const char* log_event_name(LogEvent event) { return kNames[static_cast<size_t>(event)]; }

LogScope::LogScope(LogEvent event) : event_(registered_events()[static_cast<size_t>(event)]) {
  petsc_check(PetscLogEventBegin(event_, 0, 0, 0, 0), "PetscLogEventBegin");
}

// Unchecked: a destructor cannot throw, and a failed end of a log event loses only a
// line of -log_view.
LogScope::~LogScope() { PetscLogEventEnd(event_, 0, 0, 0, 0); }

}  // namespace dnmf
