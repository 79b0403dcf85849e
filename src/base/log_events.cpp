#include "src/base/log_events.hpp"

#include <mpi.h>

#include <array>

#include "src/base/petsc_check.hpp"

namespace dnmf {
namespace {

constexpr std::array<const char*, static_cast<size_t>(LogEvent::count_)> kNames = {
    "list", "read",      "tokenize",      "vocabulary", "weight", "write", "V*Ht",    "Vt*W",
    "Gram", "Allreduce", "ReduceScatter", "Allgather",  "Update", "Error", "TriSolve"};

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

std::array<KernelWork, kNames.size()>& kernel_work() {
  static std::array<KernelWork, kNames.size()> work{};
  return work;
}

}  // namespace

void log_work(LogEvent event, double flops, double bytes) {
  KernelWork& work = kernel_work()[static_cast<size_t>(event)];
  work.flops += flops;
  work.bytes += bytes;
  petsc_check(PetscLogFlops(flops), "PetscLogFlops");
}

const KernelWork& work_of(LogEvent event) { return kernel_work()[static_cast<size_t>(event)]; }

const char* log_event_name(LogEvent event) { return kNames[static_cast<size_t>(event)]; }

LogScope::LogScope(LogEvent event) : event_(event), started_(MPI_Wtime()) {
  petsc_check(PetscLogEventBegin(registered_events()[static_cast<size_t>(event)], 0, 0, 0, 0), "PetscLogEventBegin");
}

// Unchecked: a destructor cannot throw, and a failed end of a log event loses only a
// line of -log_view.
LogScope::~LogScope() {
  KernelWork& work = kernel_work()[static_cast<size_t>(event_)];
  ++work.calls;
  work.seconds += MPI_Wtime() - started_;
  PetscLogEventEnd(registered_events()[static_cast<size_t>(event_)], 0, 0, 0, 0);
}

}  // namespace dnmf
