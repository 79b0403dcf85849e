#pragma once

namespace dnmf {

// `dnmf plot FILE.h5... -o DIR`: runs the plotting module shipped with dnmf
// (src/plot/dnmf_plot.py: matplotlib draws better than anything dnmf would) in place of
// this process, with argv[first..]. Only returns when it cannot: the exit code.
int run_plot(int argc, char** argv, int first);

}  // namespace dnmf
