#pragma once
// The one way dnmf calls PETSc: petsc_check(PetscFunction(...), "PetscFunction"). A
// nonzero error code is a failure dnmf did not expect (PETSc reports bad user input
// before dnmf calls it), so it becomes a LibraryError naming the call. Destructors, which
// must not throw, call PETSc's destroy functions unchecked; nothing can be done there.
#include <petscsys.h>

#include "src/base/errors.hpp"

namespace dnmf {

inline void petsc_check(PetscErrorCode code, const char* call) {
  if (code != 0) throw LibraryError("PETSc", call);
}

}  // namespace dnmf
