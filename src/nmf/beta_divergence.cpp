#include "src/nmf/beta_divergence.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "src/base/comm.hpp"
#include "src/base/errors.hpp"
#include "src/base/log_events.hpp"
#include "src/nmf/kernels.hpp"
#include "src/nmf/threads.hpp"

namespace dnmf::nmf {
namespace {

struct NamedLoss {
  const char* name;
  const char* short_name;
  double beta;
};

constexpr NamedLoss kNamedLosses[] = {{"frobenius", "fro", kFrobenius},
                                      {"kullback-leibler", "kl", kKullbackLeibler},
                                      {"itakura-saito", "is", kItakuraSaito}};

}  // namespace

double parse_loss(const std::string& text) {
  for (const auto& loss : kNamedLosses)
    if (text == loss.name || text == loss.short_name) return loss.beta;
  errno = 0;
  char* end = nullptr;
  const double beta = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(beta))
    throw UserError("--loss: unknown loss '" + text +
                    "' (use frobenius, kullback-leibler, itakura-saito, or the beta of a beta-divergence)");
  return beta;
}

std::string loss_name(double beta) {
  for (const auto& loss : kNamedLosses)
    if (beta == loss.beta) return loss.name;
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", beta);
  return text;
}

std::string loss_refusal(const DataMatrix& v, double beta) {
  if (beta > 0) return "";
  // Absent entries, and any stored as 0.
  int64_t zeros = v.rows() * v.columns() - v.nnz();
  int64_t stored_zeros = 0;
  for (const CsrBlock* block : {&v.diagonal(), &v.off_diagonal()})
    for (PetscInt p = 0; p < block->row_start[v.local_rows()]; ++p) stored_zeros += block->value[p] == 0;
  zeros += sum_over_ranks(v.comm(), stored_zeros);
  if (zeros == 0) return "";
  return "--loss " + loss_name(beta) + " divides by the entries of V, and " + std::to_string(zeros) + " of its " +
         std::to_string(v.rows() * v.columns()) +
         " entries are zero (a beta-divergence with beta <= 0 takes a matrix without zeros; use kullback-leibler or "
         "frobenius)";
}

void products_at_entries(const DataMatrix& v, const Factors& f, EntryValues& wh) {
  const int64_t k = f.k;
  parallel_for(v.local_rows(), [&](int64_t i) {
    const double* w_row = f.W.data() + i * k;
    visit_row_entries(v, wh, i, [&](int64_t column, double, double& product) {
      product = row_dot(w_row, f.Ht.data() + column * k, k);
    });
  });
}

double beta_error(const DataMatrix& v, const Factors& f, double beta, const EntryValues& wh) {
  LogScope scope(LogEvent::error);
  const int64_t k = f.k;
  // The rank's sums over its entries where v > ε (three at most; see the header).
  std::vector<double> sums;
  chunked_sum(v.local_rows(), 3, sums, [&](int64_t begin, int64_t end, double* partial) {
    for (int64_t i = begin; i < end; ++i) {
      visit_row_entries(v, wh, i, [&](int64_t, double x, double product) {
        if (x > kBetaEpsilon) add_entry_terms(beta, x, product, partial);
      });
      if (beta != kKullbackLeibler && beta != kItakuraSaito) {
        // Σ_all wh^β: this row against every column of H.
        const double* w_row = f.W.data() + i * k;
        for (int64_t j = 0; j < f.columns; ++j) partial[2] += std::pow(row_dot(w_row, f.Ht.data() + j * k, k), beta);
      }
    }
  });
  if (beta == kKullbackLeibler) {
    // Σ_all wh = (Σ_i W_i)·(Σ_j H_j): W's local rows and H's owned columns, summed over ranks.
    const auto w_sums = column_sums(f.W.data(), f.local_rows, k);
    const auto h_sums = column_sums(f.Ht.data() + v.first_owned_column() * k, v.owned_columns(), k);
    sums.insert(sums.end(), w_sums.begin(), w_sums.end());
    sums.insert(sums.end(), h_sums.begin(), h_sums.end());
  }
  sum_over_ranks_in_place(v.comm(), sums);
  const double all_products = beta == kKullbackLeibler ? row_dot(sums.data() + 3, sums.data() + 3 + k, k) : sums[2];
  const double divergence =
      divergence_of(beta, sums.data(), all_products, static_cast<double>(v.rows()) * static_cast<double>(v.columns()));
  return std::sqrt(2 * std::max(divergence, 0.0));
}

}  // namespace dnmf::nmf
